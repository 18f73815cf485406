//! The checks: a device's observed facts, IT's plan and the catalogs in; findings out, as data.
//!
//! [`evaluate`] runs every check that has the facts it needs and says which checks it evaluated, so the
//! engine can mark earlier findings of those checks fixed when they no longer occur. A check without the facts
//! it needs is not evaluated (never a silent pass).

mod accounts;
mod firmware;
mod network;
mod services;
mod time_sync;

use handover_model::{Clause, CredentialRef, CredentialState, Device, Plan, Severity};
use serde::Serialize;

use crate::catalog::Catalogs;
use crate::clauses::for_check;

/// Every check id Handover raises.
pub const ALL_CHECKS: &[&str] = &[
    "credentials.default",
    "credentials.unknown",
    "accounts.extra-admin",
    "firmware.not-identified",
    "firmware.known-exploited",
    "firmware.outdated",
    "firmware.not-in-baseline",
    "firmware.end-of-support",
    "network.outside-plan",
    "network.role-not-planned",
    "network.wrong-subnet",
    "network.wrong-port-vlan",
    "network.gateway",
    "network.dns",
    "network.addressing",
    "services.http-only",
    "services.http-beside-https",
    "services.discovery-on",
    "time.ntp-not-set",
    "time.clock-skew",
];

/// A fix Handover can apply on the spot (one action, read back afterwards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Fix {
    /// Point the device at the plan's NTP servers.
    SetNtp {
        /// The servers.
        servers: Vec<String>,
    },
    /// Turn WS-Discovery off (commissioning is done).
    DisableDiscovery,
    /// Turn plain HTTP off, once HTTPS is proved to work with the held password.
    DisableHttp,
}

impl Fix {
    /// What applying the fix does on the device, in words for the technician (the CLI's prompt and the app's
    /// preview both show this).
    pub fn describe(&self) -> String {
        match self {
            Fix::SetNtp { servers } => format!(
                "point the device's time at the plan's NTP servers ({}), then read it back",
                servers.join(", ")
            ),
            Fix::DisableDiscovery => {
                "turn WS-Discovery off on the device (commissioning is done), then read it back"
                    .into()
            }
            Fix::DisableHttp => {
                "prove HTTPS works with the password Handover holds, turn plain HTTP off on the \
                 device, then read it back over HTTPS (Handover talks HTTPS to it from then on)"
                    .into()
            }
        }
    }
}

/// A finding as a check raises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Raised {
    /// Check id.
    pub check: &'static str,
    /// How bad.
    pub severity: Severity,
    /// One line for people.
    pub title: String,
    /// What was observed.
    pub evidence: String,
    /// Standard clauses.
    pub clauses: Vec<Clause>,
    /// The fix Handover can apply, if any.
    pub fix: Option<Fix>,
}

/// Thresholds and the date, all passed in (the policy reads no clock).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest acceptable clock difference, in seconds.
    pub max_clock_skew_secs: i64,
    /// Today, for end-of-support dates.
    pub today: time::Date,
}

/// What one evaluation of a device produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// The checks that had what they needed and ran.
    pub evaluated: Vec<&'static str>,
    /// What they raised.
    pub raised: Vec<Raised>,
}

impl Evaluation {
    pub(crate) fn ran(&mut self, check: &'static str) {
        if !self.evaluated.contains(&check) {
            self.evaluated.push(check);
        }
    }
    pub(crate) fn raise(
        &mut self,
        check: &'static str,
        severity: Severity,
        title: String,
        evidence: String,
        fix: Option<Fix>,
    ) {
        self.ran(check);
        self.raised.push(Raised {
            check,
            severity,
            title,
            evidence,
            clauses: for_check(check),
            fix,
        });
    }
}

/// Everything known about one device that the checks read.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The device and its facts.
    pub device: &'a Device,
    /// IT's plan.
    pub plan: &'a Plan,
    /// The device's credential references.
    pub credentials: &'a [CredentialRef],
}

/// Runs every check on one device.
pub fn evaluate(ctx: Context<'_>, catalogs: &Catalogs, settings: &Settings) -> Evaluation {
    let mut ev = Evaluation::default();
    credentials(ctx, &mut ev);
    accounts::check(ctx, &mut ev);
    firmware::check(ctx, &catalogs.firmware, settings, &mut ev);
    network::check(ctx, &mut ev);
    services::check(ctx, &mut ev);
    time_sync::check(ctx, settings, &mut ev);
    ev
}

fn credentials(ctx: Context<'_>, ev: &mut Evaluation) {
    if ctx.credentials.is_empty() {
        return;
    }
    ev.ran("credentials.default");
    ev.ran("credentials.unknown");
    for c in ctx.credentials {
        match c.state {
            CredentialState::FactoryDefault => ev.raise(
                "credentials.default",
                Severity::High,
                format!("Factory-default password works for user {}", c.username),
                if ctx.device.facts.onvif_password_change == Some(false) {
                    format!(
                        "Logged in as {} with {}. The device cannot change passwords over ONVIF (SetUser is not \
                         supported): change it with the vendor's tool or the device's web page, then give Handover \
                         the new one with `handover credentials set`.",
                        c.username,
                        c.matched_default.as_deref().unwrap_or("a catalog default")
                    )
                } else {
                    format!(
                        "Logged in as {} with {}; rotate it with `handover credentials rotate`.",
                        c.username,
                        c.matched_default.as_deref().unwrap_or("a catalog default")
                    )
                },
                None,
            ),
            CredentialState::Unknown => ev.raise(
                "credentials.unknown",
                Severity::Medium,
                format!("No working password known for user {}", c.username),
                "No catalog default worked and none was supplied: Handover cannot prove custody of this device. \
                 Enter the password with `handover credentials set`."
                    .into(),
                None,
            ),
            CredentialState::TechnicianSupplied | CredentialState::Rotated | CredentialState::ServiceAccount => {}
        }
    }
}
