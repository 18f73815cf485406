//! Rate limits on announcements heard while listening: a token bucket per source address and one for new
//! devices from any source (a spoofed flood uses many sources), so one host on the site network cannot fill
//! the project with fake devices and the audit log with an entry each. What is refused is counted per source
//! and written as one summary entry per source and window instead of one per datagram.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Announcements one source may send at once: a 16-channel encoder announcing every channel at boot fits.
pub const PER_SOURCE_BURST: f64 = 16.0;
/// How fast a source earns one more announcement after its burst (a real device announces a few times per
/// reboot, minutes apart).
pub const PER_SOURCE_REFILL: Duration = Duration::from_secs(5);
/// New devices announcements may add at once, from all sources together.
pub const NEW_DEVICE_BURST: f64 = 64.0;
/// How fast new devices from announcements are earned back after that burst.
pub const NEW_DEVICE_REFILL: Duration = Duration::from_secs(1);
/// Sources remembered at once.
const MAX_SOURCES: usize = 4096;
/// Refusals from one source are summed over this long before they are written as one audit entry.
pub const SUMMARY_WINDOW: Duration = Duration::from_secs(60);

/// A token bucket.
#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    burst: f64,
    refill: Duration,
    at: Instant,
}

impl Bucket {
    fn new(burst: f64, refill: Duration, now: Instant) -> Self {
        Self {
            tokens: burst,
            burst,
            refill,
            at: now,
        }
    }

    fn top_up(&mut self, now: Instant) {
        let earned =
            now.saturating_duration_since(self.at).as_secs_f64() / self.refill.as_secs_f64();
        self.tokens = (self.tokens + earned).min(self.burst);
        self.at = now;
    }

    fn has(&mut self, now: Instant) -> bool {
        self.top_up(now);
        self.tokens >= 1.0
    }

    fn take(&mut self) {
        self.tokens -= 1.0;
    }
}

/// Refusals counted for one source (or for all sources together), waiting to be summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// How many announcements were refused.
    pub count: u64,
    /// When the first of them came.
    pub since: Instant,
}

/// Whom a summary is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum From {
    /// One source that sent more than its share.
    Source(IpAddr),
    /// Sources beyond the ones counted one by one (a spoofed flood).
    OtherSources,
    /// New devices refused because too many were announced at once, whatever their sources.
    NewDevices,
}

/// A summary due to be written: what was refused over a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Whom it is about.
    pub from: From,
    /// What was refused.
    pub refused: Refused,
}

/// Why an announcement was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The source sent more than its share.
    SourceLimit,
    /// Too many new devices were announced at once.
    NewDeviceLimit,
}

/// An announcement refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied {
    /// Why.
    pub why: Refusal,
    /// The first refusal of its kind in the current window (front ends say so once, not per datagram).
    pub first: bool,
}

/// The limits, with what each source has left.
#[derive(Debug)]
pub struct Limiter {
    sources: HashMap<IpAddr, Bucket>,
    new_devices: Bucket,
    refused: HashMap<From, Refused>,
}

impl Limiter {
    /// Fresh limits: every source starts with its full burst.
    pub fn new(now: Instant) -> Self {
        Self {
            sources: HashMap::new(),
            new_devices: Bucket::new(NEW_DEVICE_BURST, NEW_DEVICE_REFILL, now),
            refused: HashMap::new(),
        }
    }

    /// Whether an announcement from `source` may be recorded; `new_device` when it would add a device the
    /// project does not know. An admitted announcement spends the source's token (and a new-device token);
    /// a refused one is counted for the summary and spends nothing.
    pub fn admit(&mut self, source: IpAddr, new_device: bool, now: Instant) -> Result<(), Denied> {
        // Forget sources that have earned their whole burst back, so a flood of spoofed sources cannot grow
        // the table without bound; if that frees nothing, start the table afresh (the new-device bucket,
        // shared by all sources, still holds).
        if self.sources.len() >= MAX_SOURCES && !self.sources.contains_key(&source) {
            self.sources.retain(|_, b| {
                b.top_up(now);
                b.tokens < b.burst
            });
            if self.sources.len() >= MAX_SOURCES {
                self.sources.clear();
            }
        }
        let bucket = self
            .sources
            .entry(source)
            .or_insert_with(|| Bucket::new(PER_SOURCE_BURST, PER_SOURCE_REFILL, now));
        let refusal = if !bucket.has(now) {
            Some(Refusal::SourceLimit)
        } else if new_device && !self.new_devices.has(now) {
            Some(Refusal::NewDeviceLimit)
        } else {
            None
        };
        match refusal {
            None => {
                bucket.take();
                if new_device {
                    self.new_devices.take();
                }
                Ok(())
            }
            Some(r) => {
                let mut from = match r {
                    Refusal::SourceLimit => From::Source(source),
                    Refusal::NewDeviceLimit => From::NewDevices,
                };
                if matches!(from, From::Source(_))
                    && self.refused.len() >= MAX_SOURCES
                    && !self.refused.contains_key(&from)
                {
                    from = From::OtherSources;
                }
                let first = !self.refused.contains_key(&from);
                self.refused
                    .entry(from)
                    .or_insert(Refused {
                        count: 0,
                        since: now,
                    })
                    .count += 1;
                Err(Denied { why: r, first })
            }
        }
    }

    /// Summaries whose window has closed (all of them when `all`), removed from the count.
    pub fn due(&mut self, now: Instant, all: bool) -> Vec<Summary> {
        let mut due: Vec<Summary> = self
            .refused
            .iter()
            .filter(|(_, r)| all || now.saturating_duration_since(r.since) >= SUMMARY_WINDOW)
            .map(|(from, refused)| Summary {
                from: *from,
                refused: *refused,
            })
            .collect();
        for s in &due {
            self.refused.remove(&s.from);
        }
        due.sort_by_key(|s| s.from);
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn a_source_gets_its_burst_then_one_per_refill() {
        let t0 = Instant::now();
        let mut l = Limiter::new(t0);
        let admitted = (0..121)
            .filter(|_| l.admit(ip(1), false, t0).is_ok())
            .count();
        assert_eq!(admitted, PER_SOURCE_BURST as usize);
        // Another source is not held back by the first one's flood.
        assert!(l.admit(ip(2), false, t0).is_ok());
        // One refill later, exactly one more.
        let t1 = t0 + PER_SOURCE_REFILL;
        assert!(l.admit(ip(1), false, t1).is_ok());
        assert_eq!(
            l.admit(ip(1), false, t1).map_err(|d| d.why),
            Err(Refusal::SourceLimit)
        );
    }

    #[test]
    fn new_devices_are_limited_across_sources() {
        let t0 = Instant::now();
        let mut l = Limiter::new(t0);
        let admitted = (0..200u8)
            .filter(|i| l.admit(ip(*i), true, t0).is_ok())
            .count();
        assert_eq!(admitted, NEW_DEVICE_BURST as usize);
        // Known devices still get through: a reboot of a whole site is not refused.
        assert!(l.admit(ip(250), false, t0).is_ok());
        assert_eq!(
            l.admit(ip(251), true, t0),
            Err(Denied {
                why: Refusal::NewDeviceLimit,
                first: false
            })
        );
    }

    #[test]
    fn refusals_are_summed_per_source_and_summarised_once_per_window() {
        let t0 = Instant::now();
        let mut l = Limiter::new(t0);
        for _ in 0..121 {
            let _ = l.admit(ip(1), false, t0);
        }
        assert!(l.due(t0 + Duration::from_secs(10), false).is_empty());
        let due = l.due(t0 + SUMMARY_WINDOW, false);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].from, From::Source(ip(1)));
        assert_eq!(due[0].refused.count, 121 - PER_SOURCE_BURST as u64);
        // Written once: the count starts again.
        assert!(l.due(t0 + SUMMARY_WINDOW * 2, true).is_empty());
    }

    #[test]
    fn spoofed_sources_do_not_grow_the_table_without_bound() {
        let t0 = Instant::now();
        let mut l = Limiter::new(t0);
        for i in 0..20_000u32 {
            let _ = l.admit(IpAddr::from(i.to_be_bytes()), true, t0);
        }
        assert!(l.sources.len() <= MAX_SOURCES, "{}", l.sources.len());
        // Every one of them announced a new device: one summary for them all, not one per source.
        let due = l.due(t0, true);
        assert_eq!(due.len(), 1, "{due:?}");
        assert_eq!(due[0].from, From::NewDevices);
        assert_eq!(due[0].refused.count, 20_000 - NEW_DEVICE_BURST as u64);
    }
}
