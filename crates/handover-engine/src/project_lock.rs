//! The lock around the open project: every read and write takes it for one call, so a long workflow, the
//! Hello listener and the screens' reads share one `Session` and interleave between writes.
//!
//! Taking it again in the thread that holds it is a bug (a guard kept alive across another engine call, or across
//! an `.await` while another device's future runs on the same thread); it panics with that message instead of
//! deadlocking.

use std::cell::Cell;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use handover_store::Project;

thread_local! {
    static THIS_THREAD: Cell<u8> = const { Cell::new(0) };
}

/// A number unique to the calling thread while it lives (the address of a thread-local).
fn this_thread() -> usize {
    THIS_THREAD.with(|c| c as *const Cell<u8> as usize)
}

/// The open project behind a mutex that knows which thread holds it.
#[derive(Debug)]
pub(crate) struct ProjectLock {
    project: Mutex<Project>,
    holder: AtomicUsize,
}

/// Access to the project until dropped.
pub struct ProjectGuard<'a> {
    guard: MutexGuard<'a, Project>,
    holder: &'a AtomicUsize,
}

impl ProjectLock {
    pub(crate) fn new(project: Project) -> Self {
        Self {
            project: Mutex::new(project),
            holder: AtomicUsize::new(0),
        }
    }

    /// Waits for the project (another thread's call finishes first). A poisoned lock is taken anyway: a panic
    /// mid-call leaves the SQLite transaction rolled back, so the project is consistent.
    pub(crate) fn lock(&self) -> ProjectGuard<'_> {
        let me = this_thread();
        assert_ne!(
            self.holder.load(Ordering::Acquire),
            me,
            "the project lock was taken again by the thread holding it (a guard kept alive across an engine call \
             or an await)"
        );
        let guard = self.project.lock().unwrap_or_else(PoisonError::into_inner);
        self.holder.store(me, Ordering::Release);
        ProjectGuard {
            guard,
            holder: &self.holder,
        }
    }
}

impl Drop for ProjectGuard<'_> {
    fn drop(&mut self) {
        self.holder.store(0, Ordering::Release);
    }
}

impl Deref for ProjectGuard<'_> {
    type Target = Project;
    fn deref(&self) -> &Project {
        &self.guard
    }
}

impl DerefMut for ProjectGuard<'_> {
    fn deref_mut(&mut self) -> &mut Project {
        &mut self.guard
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use handover_model::{Site, SystemClock};

    use super::*;

    fn lock() -> (tempfile::TempDir, ProjectLock) {
        let dir = tempfile::tempdir().unwrap();
        let site = Site {
            name: "Lock test".into(),
            technician: "Ana".into(),
            ..Site::default()
        };
        let p =
            Project::create(&dir.path().join("p.handover"), &site, Arc::new(SystemClock)).unwrap();
        (dir, ProjectLock::new(p))
    }

    #[test]
    fn taking_the_lock_twice_in_one_thread_panics_instead_of_deadlocking() {
        let (_dir, l) = lock();
        let held = l.lock();
        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _second = l.lock();
        }));
        let msg = again.unwrap_err();
        let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("taken again"), "{msg}");
        drop(held);
        assert_eq!(
            l.lock().site().unwrap().name,
            "Lock test",
            "usable again once released"
        );
    }

    #[test]
    fn another_thread_waits_for_the_holder() {
        let (_dir, l) = lock();
        let l = Arc::new(l);
        let held = l.lock();
        let other = {
            let l = l.clone();
            std::thread::spawn(move || l.lock().site().unwrap().technician)
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(
            !other.is_finished(),
            "the other thread waits while the lock is held"
        );
        drop(held);
        assert_eq!(other.join().unwrap(), "Ana");
    }
}
