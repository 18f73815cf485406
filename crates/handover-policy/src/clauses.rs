//! The standards every check maps to: ETSI EN 303 645 provisions and NIST IR 8259A device cybersecurity
//! capabilities. The report's standards table is built from [`ALL`] and [`for_check`].

use handover_model::Clause;

/// ETSI EN 303 645 (consumer IoT baseline, widely used for professional devices too).
pub const ETSI: &str = "ETSI EN 303 645";
/// NIST IR 8259A (IoT device cybersecurity capability core baseline).
pub const NIST: &str = "NIST IR 8259A";

/// Every clause Handover reports against, with a short title, in report order.
pub const ALL: &[(&str, &str, &str)] = &[
    (ETSI, "5.1-1", "No universal default passwords"),
    (ETSI, "5.3", "Keep software updated"),
    (ETSI, "5.5-1", "Communicate securely"),
    (
        ETSI,
        "5.6-1",
        "Minimise exposed attack surfaces: unused interfaces disabled",
    ),
    (
        NIST,
        "Device Identification",
        "The device can be uniquely identified",
    ),
    (
        NIST,
        "Device Configuration",
        "The device's configuration can be changed by authorised entities",
    ),
    (
        NIST,
        "Data Protection",
        "Data at rest and in transit is protected",
    ),
    (
        NIST,
        "Logical Access to Interfaces",
        "Access to local and network interfaces is restricted",
    ),
    (
        NIST,
        "Software Update",
        "The device's software can be updated securely",
    ),
    (
        NIST,
        "Cybersecurity State Awareness",
        "The device can report its cybersecurity state (logs with reliable time)",
    ),
];

fn c(standard: &str, clause: &str) -> Clause {
    Clause {
        standard: standard.to_owned(),
        clause: clause.to_owned(),
    }
}

/// The clauses a check maps to.
pub fn for_check(check: &str) -> Vec<Clause> {
    let family = check.split('.').next().unwrap_or("");
    match (family, check) {
        ("credentials", _) => vec![c(ETSI, "5.1-1"), c(NIST, "Logical Access to Interfaces")],
        ("accounts", _) => vec![c(ETSI, "5.1-1"), c(NIST, "Logical Access to Interfaces")],
        ("firmware", _) => vec![c(ETSI, "5.3"), c(NIST, "Software Update")],
        (_, "services.http-only") => vec![c(ETSI, "5.5-1"), c(NIST, "Data Protection")],
        (_, "services.http-beside-https") => vec![
            c(ETSI, "5.5-1"),
            c(ETSI, "5.6-1"),
            c(NIST, "Data Protection"),
        ],
        ("services", _) => vec![c(ETSI, "5.6-1"), c(NIST, "Logical Access to Interfaces")],
        ("network", _) => vec![c(ETSI, "5.6-1"), c(NIST, "Device Configuration")],
        ("time", _) => vec![c(NIST, "Cybersecurity State Awareness")],
        ("identity", _) => vec![c(NIST, "Device Identification")],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_maps_to_known_clauses() {
        for check in crate::checks::ALL_CHECKS {
            let clauses = for_check(check);
            assert!(!clauses.is_empty(), "{check} maps to no clause");
            for cl in clauses {
                assert!(
                    ALL.iter()
                        .any(|(s, c, _)| *s == cl.standard && *c == cl.clause),
                    "{check}: {cl:?} not in ALL"
                );
            }
        }
    }
}
