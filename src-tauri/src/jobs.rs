//! Long work: a job id chosen by the front end, progress pushed as `progress` events (done, total, time
//! left), and cancellation between steps (`cancel_job`). A job that is dropped sends its final event, so the
//! front end never waits on a bar that will not move again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tauri::{AppHandle, Emitter};
use tokio_util::sync::CancellationToken;

use crate::dto::ProgressEvent;
use crate::error::AppError;

/// The event name progress is sent under.
pub const PROGRESS_EVENT: &str = "progress";

/// Running jobs' cancel flags.
#[derive(Default)]
pub struct Jobs {
    flags: Mutex<HashMap<String, CancellationToken>>,
}

impl Jobs {
    /// Registers a job.
    pub fn start(&self, app: &AppHandle, id: &str, label: &str) -> Result<Job, AppError> {
        let flag = CancellationToken::new();
        let mut flags = self.flags.lock().unwrap_or_else(PoisonError::into_inner);
        if flags.contains_key(id) {
            return Err(AppError::Invalid(format!("job {id:?} is already running")));
        }
        flags.insert(id.to_owned(), flag.clone());
        Ok(Job {
            id: id.to_owned(),
            label: label.to_owned(),
            cancel: flag,
            app: app.clone(),
            started: Instant::now(),
            last: Arc::new(Mutex::new((0, 0))),
        })
    }

    /// Asks a job to stop at its next step. Returns whether such a job was running.
    pub fn cancel(&self, id: &str) -> bool {
        let flags = self.flags.lock().unwrap_or_else(PoisonError::into_inner);
        match flags.get(id) {
            Some(f) => {
                f.cancel();
                true
            }
            None => false,
        }
    }

    /// Forgets a finished job.
    pub fn finish(&self, id: &str) {
        self.flags
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
    }
}

/// One running job.
pub struct Job {
    id: String,
    label: String,
    cancel: CancellationToken,
    app: AppHandle,
    started: Instant,
    last: Arc<Mutex<(u64, u64)>>,
}

/// Time left from the pace so far, once at least one step is done.
pub fn eta_ms(elapsed_ms: u64, done: u64, total: u64) -> Option<u64> {
    if done == 0 || done > total {
        return None;
    }
    Some(elapsed_ms.saturating_mul(total - done) / done)
}

impl Job {
    /// The token engine workflows watch (cancelled by `cancel_job`).
    pub fn token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// A progress sink for engine workflows: their reports become this job's `progress` events.
    pub fn engine_sink(&self) -> handover_engine::progress::ProgressFn {
        let (app, job, label) = (self.app.clone(), self.id.clone(), self.label.clone());
        let last = self.last.clone();
        Arc::new(move |p: &handover_engine::progress::Progress| {
            let (done, total) = (p.done as u64, p.total as u64);
            *last.lock().unwrap_or_else(PoisonError::into_inner) = (done, total);
            let ev = ProgressEvent {
                job: job.clone(),
                label: label.clone(),
                done,
                total,
                elapsed_ms: p.elapsed_ms,
                eta_ms: eta_ms(p.elapsed_ms, done, total),
                detail: p.message.clone(),
                finished: false,
                cancelled: false,
            };
            let _ = app.emit(PROGRESS_EVENT, ev);
        })
    }

    /// Reports `done` of `total` steps, with what is being done now.
    pub fn progress(&mut self, done: u64, total: u64, detail: &str) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = (done, total);
        self.emit(done, total, detail, false);
    }

    fn emit(&self, done: u64, total: u64, detail: &str, finished: bool) {
        let elapsed = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let ev = ProgressEvent {
            job: self.id.clone(),
            label: self.label.clone(),
            done,
            total,
            elapsed_ms: elapsed,
            eta_ms: if finished {
                None
            } else {
                eta_ms(elapsed, done, total)
            },
            detail: detail.to_owned(),
            finished,
            cancelled: finished && self.cancel.is_cancelled(),
        };
        // A window that is gone cannot show progress; the work itself goes on.
        let _ = self.app.emit(PROGRESS_EVENT, ev);
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        let (done, total) = *self.last.lock().unwrap_or_else(PoisonError::into_inner);
        self.emit(done, total, "", true);
    }
}

#[cfg(test)]
mod tests {
    use super::eta_ms;

    #[test]
    fn time_left_follows_the_pace() {
        assert_eq!(eta_ms(1000, 0, 10), None);
        assert_eq!(eta_ms(1000, 1, 10), Some(9000));
        assert_eq!(eta_ms(3000, 3, 4), Some(1000));
        assert_eq!(eta_ms(500, 4, 4), Some(0));
        assert_eq!(eta_ms(500, 5, 4), None);
    }
}
