//! Firmware against the baseline: not identified, known-exploited, outdated, not in the baseline, end of
//! support. What the baseline cannot judge (nothing reported, an unknown vendor, model or version) is a finding,
//! never a pass.

use handover_model::Severity;

use super::{Context, Evaluation, Settings};
use crate::catalog::firmware::{Assessment, FirmwareBaseline};

pub(super) fn check(
    ctx: Context<'_>,
    baseline: &FirmwareBaseline,
    settings: &Settings,
    ev: &mut Evaluation,
) {
    let facts = &ctx.device.facts;
    for check in [
        "firmware.not-identified",
        "firmware.known-exploited",
        "firmware.outdated",
        "firmware.not-in-baseline",
        "firmware.end-of-support",
    ] {
        ev.ran(check);
    }
    if facts.manufacturer.is_none() && facts.model.is_none() && facts.firmware.is_none() {
        // Nothing to compare is not a pass: a device that tells nothing before login is judged once it does.
        ev.raise(
            "firmware.not-identified",
            Severity::Medium,
            "Firmware not checked: the device has not said what it is".into(),
            "The device reported no maker, model or firmware version (it asks for a password even for that), so its \
             firmware could not be compared with the baseline. It is read again as soon as Handover holds its \
             password: run `handover credentials find-defaults`, or give it with `handover credentials set`."
                .into(),
            None,
        );
        return;
    }
    let installed = facts.firmware.as_deref().unwrap_or("unknown");
    match baseline.assess(facts, ctx.device.identity.mac) {
        Assessment::Compliant { .. } => {}
        Assessment::Outdated { family, min_version, vulnerable } => {
            let kev: Vec<_> = vulnerable.iter().filter(|v| v.kev).collect();
            if !kev.is_empty() {
                let ids: Vec<&str> = kev.iter().map(|v| v.cve.as_str()).collect();
                ev.raise(
                    "firmware.known-exploited",
                    Severity::Critical,
                    format!("Firmware has known-exploited vulnerabilities: {}", ids.join(", ")),
                    format!(
                        "Installed {installed}; {} fixed in {}. Baseline for {family}: {min_version} or later.",
                        ids.join(", "),
                        kev.iter().map(|v| v.fixed_in.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                    None,
                );
            } else {
                let cves: Vec<&str> = vulnerable.iter().map(|v| v.cve.as_str()).collect();
                let also = if cves.is_empty() { String::new() } else { format!(" Known vulnerabilities: {}.", cves.join(", ")) };
                ev.raise(
                    "firmware.outdated",
                    Severity::Medium,
                    format!("Firmware {installed} is below the baseline {min_version}"),
                    format!("Baseline for {family}: {min_version} or later; installed {installed}.{also}"),
                    None,
                );
            }
        }
        Assessment::NotInBaseline { reason } => ev.raise(
            "firmware.not-in-baseline",
            Severity::Low,
            "Firmware cannot be checked against the baseline".into(),
            format!("{reason}. Installed {installed}. Check it with the vendor and update the baseline catalog."),
            None,
        ),
    }
    if let Some(eos) = baseline.end_of_support(facts, ctx.device.identity.mac) {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        if time::Date::parse(eos, format).is_ok_and(|d| d <= settings.today) {
            ev.raise(
                "firmware.end-of-support",
                Severity::Medium,
                format!("Model is past its end of support ({eos})"),
                format!(
                    "The vendor no longer ships security updates for {} since {eos}.",
                    facts.model.as_deref().unwrap_or("this model")
                ),
                None,
            );
        }
    }
}
