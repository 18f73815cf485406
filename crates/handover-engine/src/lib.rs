//! Handover workflows: bounded concurrency, progress events, crash recovery.
