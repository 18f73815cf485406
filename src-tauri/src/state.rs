//! The app's state: at most one open [`Session`], shared (the slot's mutex is held only to take or replace
//! it), the Hello/Bye listener that runs while it is open, and the helper every command uses to run its engine
//! call on a blocking thread (the engine is synchronous: SQLite). A long job, the listener and the screens'
//! reads run on the same session at once; the engine orders their writes.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use handover_engine::Session;

use crate::commands::listen::Listening;
use crate::error::{AppError, CmdResult};

/// Shared state managed by Tauri.
#[derive(Default)]
pub struct AppState {
    session: Slot,
    listening: Arc<Mutex<Listening>>,
}

/// Where the open session lives: taken (cloned) under the lock, used without it.
pub type Slot = Arc<Mutex<Option<Arc<Session>>>>;

fn lock(slot: &Slot) -> MutexGuard<'_, Option<Arc<Session>>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The open session, shared; `no-project` when none is open.
fn current(slot: &Slot) -> Result<Arc<Session>, AppError> {
    lock(slot).clone().ok_or(AppError::NoProject)
}

/// Runs an engine workflow to its end on the app's runtime, from a command's blocking thread (inside
/// `AppState::with_session`).
pub fn run<T>(work: impl std::future::Future<Output = T>) -> T {
    tauri::async_runtime::block_on(work)
}

/// Runs `f` on a blocking thread; the error becomes a `CommandError`.
pub async fn blocking<T, F>(f: F) -> CmdResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    let r = tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(AppError::from)?;
    r.map_err(Into::into)
}

impl AppState {
    /// Runs `f` with the open session, on a blocking thread.
    pub async fn with_session<T, F>(&self, f: F) -> CmdResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Session) -> Result<T, AppError> + Send + 'static,
    {
        let slot = self.session.clone();
        blocking(move || f(&*current(&slot)?)).await
    }

    /// Replaces the open session (closing the previous one, which releases its lock) with what `f` opens.
    /// The old project is closed first, so reopening the same file works (once any job still running on it ends).
    pub async fn replace<T, F>(&self, f: F) -> CmdResult<T>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<(Session, T), AppError> + Send + 'static,
    {
        let slot = self.session.clone();
        blocking(move || {
            let mut g = lock(&slot);
            *g = None;
            let (s, t) = f()?;
            *g = Some(Arc::new(s));
            Ok(t)
        })
        .await
    }

    /// Closes the open project, if any.
    pub async fn close(&self) -> CmdResult<()> {
        let slot = self.session.clone();
        blocking(move || {
            *lock(&slot) = None;
            Ok(())
        })
        .await
    }

    /// A handle for long jobs and the listener, which take the open session when they need it.
    pub fn slot(&self) -> Slot {
        self.session.clone()
    }

    /// The Hello/Bye listener's state.
    pub fn listening(&self) -> Arc<Mutex<Listening>> {
        self.listening.clone()
    }
}

/// Runs `f` with the session open in `slot` (`no-project` when none is).
pub fn with_slot<T>(
    slot: &Slot,
    f: impl FnOnce(&Session) -> Result<T, AppError>,
) -> Result<T, AppError> {
    f(&*current(slot)?)
}
