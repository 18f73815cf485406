//! Time: NTP configured (from the plan where it names servers), and the device clock within a threshold.

use handover_model::Severity;

use super::{Context, Evaluation, Fix, Settings};

pub(super) fn check(ctx: Context<'_>, settings: &Settings, ev: &mut Evaluation) {
    let (d, plan) = (ctx.device, ctx.plan);
    let f = &d.facts;
    let planned: Vec<String> = plan
        .vlan_for_address(d.address)
        .map(|v| v.ntp.clone())
        .unwrap_or_default();
    if f.ntp_enabled.is_some() || !f.ntp.is_empty() {
        ev.ran("time.ntp-not-set");
        if f.ntp.is_empty() || f.ntp_enabled == Some(false) {
            let fix = (!planned.is_empty()).then(|| Fix::SetNtp {
                servers: planned.clone(),
            });
            let hint = if planned.is_empty() {
                "Set an NTP server.".to_owned()
            } else {
                format!("The plan names {}.", planned.join(", "))
            };
            ev.raise(
                "time.ntp-not-set",
                Severity::Low,
                "No NTP server configured".into(),
                format!(
                    "The clock drifts and recordings and logs lose their evidential value. {hint}"
                ),
                fix,
            );
        }
    }
    if let Some(skew_ms) = f.clock_skew_ms {
        ev.ran("time.clock-skew");
        let secs = skew_ms / 1000;
        if secs.abs() > settings.max_clock_skew_secs {
            let dir = if secs > 0 { "ahead" } else { "behind" };
            let fix = (!planned.is_empty()).then_some(Fix::SetNtp { servers: planned });
            ev.raise(
                "time.clock-skew",
                Severity::Medium,
                format!("Clock is {}s {dir}", secs.abs()),
                format!(
                    "The device clock is {}s {dir} of this laptop's (threshold {}s). Timestamps on video are wrong and \
                     WS-UsernameToken logins may fail.",
                    secs.abs(),
                    settings.max_clock_skew_secs
                ),
                fix,
            );
        }
    }
}
