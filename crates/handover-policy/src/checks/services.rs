//! Exposed services: web access without HTTPS, HTTP left on beside HTTPS, WS-Discovery left on after
//! commissioning.

use handover_model::Severity;

use super::{Context, Evaluation, Fix};

fn enabled(protocols: &[String], name: &str) -> bool {
    protocols.iter().any(|p| {
        p.split(':')
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

pub(super) fn check(ctx: Context<'_>, ev: &mut Evaluation) {
    let f = &ctx.device.facts;
    if !f.protocols.is_empty() {
        ev.ran("services.http-only");
        if enabled(&f.protocols, "HTTP") && !enabled(&f.protocols, "HTTPS") {
            ev.raise(
                "services.http-only",
                Severity::Medium,
                "Web and ONVIF access only over plain HTTP".into(),
                format!(
                    "Enabled protocols: {}. Passwords and video settings cross the network unencrypted; install a \
                     certificate and enable HTTPS, then turn HTTP off.",
                    f.protocols.join(", ")
                ),
                None,
            );
        }
        ev.ran("services.http-beside-https");
        if enabled(&f.protocols, "HTTP") && enabled(&f.protocols, "HTTPS") {
            ev.raise(
                "services.http-beside-https",
                Severity::Low,
                "HTTP still enabled although HTTPS is on".into(),
                format!(
                    "Enabled protocols: {}. Anyone (or any client left on defaults) can still log in over plain \
                     HTTP, sending the password unencrypted; turn HTTP off once HTTPS is shown to work.",
                    f.protocols.join(", ")
                ),
                Some(Fix::DisableHttp),
            );
        }
    }
    if let Some(discoverable) = f.discoverable {
        ev.ran("services.discovery-on");
        if discoverable {
            ev.raise(
                "services.discovery-on",
                Severity::Low,
                "WS-Discovery is still on".into(),
                "The device answers discovery probes from anyone on its network. Commissioning is done: turn it off."
                    .into(),
                Some(Fix::DisableDiscovery),
            );
        }
    }
}
