//! Printing results: JSON for scripts, aligned text for people. Everything on stdout goes through
//! [`outln!`]/[`out!`]: when the reader has gone (`handover devices | head`), the rest of the output is
//! dropped quietly and the command ends with its own exit status, instead of `println!`'s panic (exit
//! 101). Everything written to stdout and stderr (through [`outln!`], [`out!`] and [`errln!`]) is made
//! inert on the way out: control characters other than the line break are shown as escapes, so text that
//! came from a device or a file cannot clear the screen, recolour it or set the window title, wherever it
//! is printed. Only [`outln_styled!`] writes an escape sequence, for colour Handover itself chose.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

/// Set once stdout's reader has gone away; later output is dropped.
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// Writes one line (or, with `newline` false, a fragment, flushed) to stdout. A broken pipe is
/// remembered and ends all later output quietly; any other write error panics as `println!` does.
pub fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    write_stdout_raw(format_args!("{}", inert_lines(&args.to_string())), newline);
}

/// [`write_stdout`] without making the text inert: only for escape sequences Handover chose itself.
pub fn write_stdout_raw(args: std::fmt::Arguments<'_>, newline: bool) {
    if STDOUT_GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let result = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            out.flush()
        }
    });
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_GONE.store(true, Ordering::Relaxed);
        }
        Err(e) => panic!("failed printing to stdout: {e}"),
    }
}

/// `println!` for stdout that ends quietly on a broken pipe.
macro_rules! outln {
    () => {
        $crate::output::write_stdout(format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!($($arg)*), true)
    };
}

/// `print!` (flushed) for stdout that ends quietly on a broken pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!($($arg)*), false)
    };
}

/// `println!` for a line whose escape sequences Handover chose itself (colour); every argument that is
/// not Handover's own text must be passed through [`inert`] first.
macro_rules! outln_styled {
    ($($arg:tt)*) => {
        $crate::output::write_stdout_raw(format_args!($($arg)*), true)
    };
}

/// `eprintln!` that makes the text inert (see [`inert`]); stderr errors are ignored as `eprintln!` would
/// panic on them, which helps nobody when the terminal has gone.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::write_stderr(format_args!($($arg)*), true)
    };
}

/// `eprint!` that makes the text inert, flushed.
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::output::write_stderr(format_args!($($arg)*), false)
    };
}

/// Writes inert text to stderr, with a line break or flushed.
pub fn write_stderr(args: std::fmt::Arguments<'_>, newline: bool) {
    let text = inert_lines(&args.to_string());
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(text.as_bytes()).and_then(|()| {
        if newline {
            e.write_all(b"\n")
        } else {
            e.flush()
        }
    });
}

/// [`inert`] for text of several lines: line breaks are kept, every other control character is escaped.
pub fn inert_lines(s: &str) -> String {
    s.split('\n').map(inert).collect::<Vec<_>>().join("\n")
}

/// Text from a device, the network or a file made safe for a terminal: control characters (C0, DEL,
/// C1, so every escape sequence) and bidirectional overrides are shown as `\x1b` / `\u{202e}` escapes.
pub fn inert(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || is_bidi(c) {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Prints `value` as pretty JSON on stdout. JSON escapes control characters itself; bidirectional overrides,
/// which it leaves as they are, are written as `\uXXXX` escapes too, so the document stays valid and inert.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_bidi(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    write_stdout_raw(format_args!("{out}"), true);
    Ok(())
}

/// Unicode bidirectional controls, which can reorder what a terminal shows.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Prints rows as a table with a header, columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| inert(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let parts: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        outln!("{}", parts.join("  ").trim_end());
    };
    line(&mut header.iter().copied());
    for row in &rows {
        line(&mut row.iter().map(String::as_str));
    }
}

/// A timestamp for people: `2026-11-22 10:04:05Z` (UTC, whole seconds).
pub fn time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{} {:02}:{:02}:{:02}Z",
        t.date(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
