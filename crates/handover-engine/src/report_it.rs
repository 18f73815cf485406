//! The report as IT reads it: who acts on each open finding (integrator or customer IT) and by when,
//! what it means in the customer's words (the technician's next step, a `handover ...` command, stays on
//! the technician's screens), what was done to the findings fixed on site (one wording per kind of fix,
//! so the report can group them), and which checks did not run on a device Handover never logged into.
//! Pure: no IO, no clock (the report date is a parameter).

use handover_model::{CredentialState, Device, Finding, Severity};
use time::{Duration, OffsetDateTime};

use handover_report as r;

/// Who acts on an open finding raised by `check`: the customer where the fix is theirs to make (their
/// switch ports, their accounts, their budget for replacing hardware), the integrator everywhere else (the
/// device's own configuration is the integrator's work until it is handed over complete).
pub(crate) fn owner(check: &str) -> r::Owner {
    match check {
        "network.wrong-port-vlan" | "accounts.extra-admin" | "firmware.end-of-support" => {
            r::Owner::Customer
        }
        _ => r::Owner::Integrator,
    }
}

/// Due date of an open finding: a week for critical, two for high, a month for medium, a quarter otherwise.
pub(crate) fn due(severity: Severity, report_date: OffsetDateTime) -> String {
    let days = match severity {
        Severity::Critical => 7,
        Severity::High => 14,
        Severity::Medium => 30,
        Severity::Low | Severity::Info => 90,
    };
    let d = report_date + Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// What has to happen, in IT's words.
pub(crate) fn action(check: &str, needs_activation: bool) -> String {
    let s = match check {
        "firmware.known-exploited" => {
            "Attackers are exploiting these vulnerabilities today. The integrator updates the firmware; until then keep \
             the device unreachable from untrusted networks."
        }
        "firmware.outdated" => "The integrator updates the firmware to the baseline.",
        "firmware.not-identified" => {
            "The device did not say what it is (maker, model, firmware) without a password, so its firmware was not \
             checked. The integrator gives Handover its password so it can be read, then checks the firmware."
        }
        "identity.duplicate-mac" | "identity.duplicate-serial" => {
            "Two devices report the same hardware identity (cloned MAC or serial). On one network a duplicated MAC \
             breaks traffic to both, and neither can be told apart in inventories. The integrator has the vendor set \
             a unique one, or replaces the device."
        }
        "firmware.not-in-baseline" => {
            "The integrator confirms with the vendor that this firmware is supported and current."
        }
        "firmware.end-of-support" => {
            "The vendor no longer fixes this model: plan its replacement, or accept the risk in writing."
        }
        "credentials.default" => {
            "Anyone who knows the factory password can log in. The integrator replaces it before handover is complete."
        }
        "credentials.unknown" if needs_activation => {
            "The device is not activated: it ships without a password and must be activated with the vendor's tool \
             (for Hikvision, SADP) or its web page before anyone can log in. The integrator activates it and hands it \
             over; until then it is not handed over."
        }
        "credentials.unknown" => {
            "Handover could not log in, so nobody has proven who controls this device. The integrator obtains or \
             resets its password and hands it over; until then it is not handed over."
        }
        "accounts.extra-admin" => {
            "An administrator account Handover does not hold exists on the device. Decide whether it stays; remove it \
             if nobody can name its owner."
        }
        "network.wrong-port-vlan" => {
            "The switch port is in another VLAN than the device's address: set the port's VLAN as planned (or tell \
             the integrator the plan changed)."
        }
        "network.wrong-subnet" | "network.role-not-planned" | "network.outside-plan" => {
            "The device is not where the network plan puts it. The integrator moves it to its planned VLAN and \
             address, or IT updates the plan."
        }
        "network.addressing" | "network.gateway" | "network.dns" => {
            "The integrator corrects the device's network settings to the plan."
        }
        "services.http-only" => {
            "Passwords and settings cross the network unencrypted. The integrator installs a certificate and \
             switches HTTPS on and HTTP off."
        }
        "services.http-beside-https" => "The integrator switches plain HTTP off.",
        "services.discovery-on" => "The integrator switches WS-Discovery off.",
        "time.clock-skew" => {
            "Recordings carry the wrong time. The integrator checks that the device reaches its NTP server and \
             that the clock has caught up."
        }
        "time.ntp-not-set" => "The integrator sets the NTP server from the plan.",
        _ => "",
    };
    s.to_owned()
}

/// The finding's evidence without instructions meant for the technician (sentences naming a `handover`
/// command).
pub(crate) fn evidence_for_it(evidence: &str) -> String {
    evidence
        .split_inclusive(". ")
        .filter(|sentence| !sentence.contains("`handover"))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The known-exploited CVE ids a finding names (`firmware.known-exploited` only).
pub(crate) fn known_exploited(f: &Finding) -> Vec<String> {
    if f.check != "firmware.known-exploited" {
        return Vec::new();
    }
    let mut ids: Vec<String> = f
        .title
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| w.starts_with("CVE-"))
        .map(str::to_owned)
        .collect();
    ids.dedup();
    ids
}

/// What a fix did, one wording per check so the report groups findings fixed the same way. `why` is the
/// reason recorded with the status change.
pub(crate) fn resolution_action(check: &str, why: &str) -> String {
    if !why.starts_with("fixed on the device") {
        return "Passed when checked again".to_owned();
    }
    match check {
        "services.discovery-on" => "WS-Discovery switched off",
        "time.ntp-not-set" => "NTP server set from the plan",
        "services.http-beside-https" => "Plain HTTP switched off (HTTPS proven first)",
        _ => "Fixed on the device",
    }
    .to_owned()
}

/// The checks that did not run on a device, when Handover never logged into it (or could not read
/// its MAC for the switch lookup).
pub(crate) fn not_checked(
    d: &Device,
    credential: Option<CredentialState>,
    needs_activation: bool,
) -> Option<r::NotChecked> {
    let logged_in = matches!(
        credential,
        Some(
            CredentialState::Rotated
                | CredentialState::FactoryDefault
                | CredentialState::TechnicianSupplied
        )
    );
    let mut aspects: Vec<String> = Vec::new();
    if !logged_in {
        aspects.extend(["credentials", "services", "clock"].map(String::from));
    }
    if d.facts.firmware.is_none() {
        aspects.push("firmware".into());
    }
    if d.identity.mac.is_none() || (d.facts.switch_port.is_none() && !logged_in) {
        aspects.push("placement".into());
    }
    if aspects.is_empty() {
        return None;
    }
    let reason = if needs_activation {
        "never logged in: the device is not activated"
    } else if !logged_in {
        "never logged in: no working password"
    } else {
        "the device did not report these"
    };
    Some(r::NotChecked {
        reason: reason.into(),
        aspects,
    })
}

/// A sweep's follow-up verdict in plain words (`crate::unidentified::explain`'s reason). `None` for
/// `PortsClosed`: counted, not listed.
#[cfg(test)]
pub(crate) fn unidentified_reason(verdict: &str) -> Option<String> {
    crate::unidentified::explain(verdict).map(|(reason, _)| reason)
}

/// Label of a held account's custody state, in the customer's words.
pub(crate) fn account_state(state: CredentialState) -> &'static str {
    match state {
        CredentialState::Rotated => "rotated",
        CredentialState::FactoryDefault => "factory default",
        CredentialState::TechnicianSupplied => "given by the technician",
        CredentialState::ServiceAccount => "service account (VMS)",
        CredentialState::Unknown => "no working password",
    }
}

/// What stays on the integrator's side after handover, and how it is removed.
pub(crate) fn integrator_side(project_file: &str) -> String {
    format!(
        "What stays with the integrator: the same passwords, sealed (XChaCha20-Poly1305) in the project file \
         {project_file} on the technician's laptop, under a per-project key held only by that laptop's OS keyring. \
         Deleting the project file and its keyring entry removes them; until then the integrator can still open \
         every device listed here, so agree in writing when that happens or change the passwords after handover."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technician_commands_stay_out_of_the_evidence() {
        let e = "No catalog default worked and none was supplied: Handover cannot prove custody of this device. \
                 Enter the password with `handover credentials set`.";
        assert_eq!(
            evidence_for_it(e),
            "No catalog default worked and none was supplied: Handover cannot prove custody of this device."
        );
        assert_eq!(evidence_for_it("Plain text."), "Plain text.");
    }

    #[test]
    fn due_dates_follow_severity() {
        let d = time::macros::datetime!(2026-12-07 05:40 UTC);
        assert_eq!(due(Severity::Critical, d), "2026-12-14");
        assert_eq!(due(Severity::High, d), "2026-12-21");
        assert_eq!(due(Severity::Low, d), "2027-03-07");
    }

    #[test]
    fn sweep_verdicts_become_plain_reasons() {
        assert_eq!(unidentified_reason("PortsClosed"), None);
        let r = unidentified_reason("NotOnvif { port: 80, detail: \"HTTP 404\" }").unwrap();
        assert!(
            r.contains("port 80") && r.contains("ONVIF switched off"),
            "{r}"
        );
        let r = unidentified_reason("OnvifRefusing { port: 8080, detail: \"401\" }").unwrap();
        assert!(r.contains("port 8080") && r.contains("credentials"), "{r}");
        let r = unidentified_reason("OnvifNotDiscoverable { port: 80 }").unwrap();
        assert!(r.contains("does not announce"), "{r}");
    }

    #[test]
    fn switch_ports_are_the_customers_and_device_settings_the_integrators() {
        assert_eq!(owner("network.wrong-port-vlan"), r::Owner::Customer);
        assert_eq!(owner("firmware.known-exploited"), r::Owner::Integrator);
        assert_eq!(owner("credentials.unknown"), r::Owner::Integrator);
    }
}
