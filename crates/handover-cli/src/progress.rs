//! Progress on a terminal: a bar with counts and time left when stderr is a terminal, plain lines otherwise
//! (and nothing with --json, whose stdout is for the document).

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use handover_engine::progress::{Progress, ProgressFn};
use indicatif::{ProgressBar, ProgressStyle};

/// A progress sink for the terminal.
pub fn terminal(json: bool) -> ProgressFn {
    if json {
        return handover_engine::progress::silent();
    }
    if !std::io::stderr().is_terminal() {
        return Arc::new(|p: &Progress| {
            if p.total > 0 && (p.done == p.total || p.done.is_multiple_of(50)) {
                errln!("[{:?}] {}/{} {}", p.step, p.done, p.total, p.message);
            }
        });
    }
    let bar: Mutex<Option<(handover_engine::progress::Step, ProgressBar)>> = Mutex::new(None);
    Arc::new(move |p: &Progress| {
        let Ok(mut slot) = bar.lock() else { return };
        let fresh = slot.as_ref().is_none_or(|(s, _)| *s != p.step);
        if fresh {
            if let Some((_, b)) = slot.take() {
                b.finish();
            }
            let b = ProgressBar::new(p.total as u64);
            b.set_style(
                ProgressStyle::with_template(
                    "{prefix:>10} [{bar:30}] {pos}/{len} {eta:>4} left  {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.set_prefix(format!("{:?}", p.step));
            *slot = Some((p.step, b));
        }
        if let Some((_, b)) = slot.as_ref() {
            b.set_length(p.total as u64);
            b.set_position(p.done as u64);
            b.set_message(crate::output::inert(&p.message));
            if p.total > 0 && p.done >= p.total {
                b.finish();
            }
        }
    })
}
