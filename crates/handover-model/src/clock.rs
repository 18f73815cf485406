//! Time as an input: the [`Clock`] trait, the system clock for the product and a fixed clock for tests and
//! reproducible reports.

use time::OffsetDateTime;

/// Where "now" comes from. Code that records or compares times takes a `&dyn Clock` rather than reading the
/// system clock, so tests and reports are deterministic.
pub trait Clock: Send + Sync {
    /// The current instant, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that always says the same instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}
