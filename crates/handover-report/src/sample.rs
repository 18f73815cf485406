//! A synthetic but realistic [`ReportModel`] of any size, for tests, the benchmark and the
//! demo: several VLANs, a mix of makers, some outdated firmware, a default credential left,
//! findings with waivers, and deliberately hostile device names (very long, Hebrew, Arabic,
//! Greek, Cyrillic, control characters, PDF syntax such as `) Tj` and backslashes).
//! Deterministic: the same `n` and clock give the same model. Not used by `render`.

use time::{Duration, OffsetDateTime};

use crate::model::*;

/// Device names that must render as text and break nothing.
pub const HOSTILE_NAMES: [&str; 8] = [
    "Cam ) Tj (pwned) Tj ET BT",
    "Back\\slash \\) \\\\ (paren",
    "מצלמה כניסה ראשית",
    "كاميرا المدخل",
    "Камера вход · Κάμερα εισόδου",
    "ctl\u{0}\u{7}\u{1b}[31mred\r\nnext\u{202E}lanif.exe",
    "Very long name that goes on and on well past any sensible column width so that it has to wrap and then be cut off with an ellipsis somewhere along the way because nobody needs this much text in a device name cell",
    "%PDF-1.7 endobj trailer <</Root 1 0 R>> stream",
];

const MAKERS: [(&str, &str, &str); 5] = [
    ("Axis", "P3265-LVE", "10.12.182"),
    ("Hanwha Vision", "XNV-8082R", "2.21.02"),
    ("Hikvision", "DS-2CD2387G2", "5.7.15"),
    ("Bosch", "FLEXIDOME 5100i", "9.00.0210"),
    ("HID", "VertX EVO V1000", "3.6.0.5"),
];

/// Serial number of sample device `i` (tests search for these in the PDF text).
pub fn serial(i: usize) -> String {
    format!("SN{:06}X{:03}", i * 7919 % 1_000_000, i % 997)
}

/// A model with `n` devices, generated at `generated_at`.
pub fn sample_model(n: usize, generated_at: OffsetDateTime) -> ReportModel {
    let started = generated_at - Duration::hours(9);
    let vlans = vec![
        Vlan {
            id: 20,
            name: "CCTV".into(),
            subnet: "10.20.0.0/16".into(),
            role: "cameras and recorders".into(),
        },
        Vlan {
            id: 30,
            name: "ACCESS".into(),
            subnet: "10.30.0.0/16".into(),
            role: "access control".into(),
        },
        Vlan {
            id: 40,
            name: "INTERCOM".into(),
            subnet: "10.40.0.0/16".into(),
            role: "intercoms".into(),
        },
    ];
    let mut devices = Vec::with_capacity(n);
    let mut findings = Vec::new();
    let mut waivers = Vec::new();
    for i in 0..n {
        let (maker, model, fw) = MAKERS[i % MAKERS.len()];
        let vlan = match i % 10 {
            0..=6 => 20,
            7 | 8 => 30,
            _ => 40,
        };
        let name = if i < HOSTILE_NAMES.len() {
            HOSTILE_NAMES[i].to_owned()
        } else {
            format!(
                "cam-{:04}-{}",
                i,
                ["lobby", "dock", "gate", "yard", "stair"][i % 5]
            )
        };
        let outdated = i % 17 == 3;
        let default_left = i % 97 == 5;
        let misplaced = i % 53 == 7;
        let id = format!("dev-{i:05}");
        devices.push(Device {
            id: id.clone(),
            name,
            location: (i % 3 == 0).then(|| format!("Building {}", i % 7 + 1)),
            vlan_id: if misplaced { 99 } else { vlan },
            address: format!("10.{}.{}.{}", vlan, i / 250, i % 250 + 2),
            mac: format!(
                "00:40:8c:{:02x}:{:02x}:{:02x}",
                (i >> 16) & 0xff,
                (i >> 8) & 0xff,
                i & 0xff
            ),
            maker: maker.into(),
            model: model.into(),
            serial: serial(i),
            firmware: Firmware {
                version: if outdated { "1.0.0".into() } else { fw.into() },
                baseline: Some(fw.into()),
                status: if outdated {
                    FirmwareStatus::Outdated
                } else {
                    FirmwareStatus::Compliant
                },
            },
            credential: if default_left {
                CredentialStatus {
                    state: CredentialState::DefaultActive,
                    rotated_at: None,
                    rotated_by: None,
                    over_plain_http: false,
                }
            } else {
                CredentialStatus {
                    state: CredentialState::Rotated,
                    rotated_at: Some(started + Duration::minutes(i as i64 % 480)),
                    rotated_by: Some("J. Okafor".into()),
                    over_plain_http: false,
                }
            },
            placement: Placement {
                verified: !misplaced,
                evidence: format!(
                    "sw-core-{} port Gi1/0/{} PVID {}",
                    i % 4 + 1,
                    i % 48 + 1,
                    if misplaced { 99 } else { vlan }
                ),
            },
            services: if i % 11 == 0 {
                vec![
                    Service {
                        port: 443,
                        transport: "tcp".into(),
                        name: "https".into(),
                    },
                    Service {
                        port: 554,
                        transport: "tcp".into(),
                        name: "rtsp".into(),
                    },
                    Service {
                        port: 23,
                        transport: "tcp".into(),
                        name: "telnet".into(),
                    },
                ]
            } else {
                vec![
                    Service {
                        port: 443,
                        transport: "tcp".into(),
                        name: "https".into(),
                    },
                    Service {
                        port: 554,
                        transport: "tcp".into(),
                        name: "rtsp".into(),
                    },
                ]
            },
            clock: Clock {
                skew_seconds: if i % 29 == 4 {
                    Some(187)
                } else {
                    Some((i % 3) as i64 - 1)
                },
                ntp_server: Some("10.1.0.1".into()),
            },
            tls_sha256: (i % 11 != 0).then(|| {
                (0..32)
                    .map(|k| format!("{:02X}", (i * 31 + k * 7) % 256))
                    .collect::<Vec<_>>()
                    .join(":")
            }),
            not_checked: None,
            role: match vlan {
                20 => "camera",
                30 => "access-control",
                _ => "intercom",
            }
            .into(),
            switch_port: (!misplaced || i % 2 == 0).then(|| SwitchPortView {
                switch: format!("sw-core-{}", i % 4 + 1),
                port: format!("Gi1/0/{}", i % 48 + 1),
                vlan: if misplaced { 99 } else { vlan },
            }),
        });
        if i % 41 == 9 {
            // A device Handover never logged into: its checks are "not checked", never a pass.
            let d = devices.last_mut().expect("just pushed");
            d.credential = CredentialStatus {
                state: CredentialState::Unknown,
                rotated_at: None,
                rotated_by: None,
                over_plain_http: false,
            };
            d.services.clear();
            d.clock = Clock {
                skew_seconds: Some(0),
                ntp_server: None,
            };
            d.not_checked = Some(NotChecked {
                reason: "never logged in: the device is not activated".into(),
                aspects: vec!["credentials".into(), "services".into(), "clock".into()],
            });
        }
        let mut push = |title: String,
                        detail: &str,
                        sev: Severity,
                        clauses: &[&str],
                        status: FindingStatus,
                        check: &str| {
            let fid = format!("F-{:04}", findings.len() + 1);
            let open = status == FindingStatus::Open;
            let due_days = match sev {
                Severity::Critical => 7,
                Severity::High => 14,
                Severity::Medium => 30,
                _ => 90,
            };
            findings.push(Finding {
                id: fid.clone(),
                device_id: Some(id.clone()),
                severity: sev,
                title,
                detail: detail.into(),
                clauses: clauses.iter().map(|s| s.to_string()).collect(),
                status,
                check: check.into(),
                known_exploited: if check == "firmware.known-exploited" {
                    vec!["CVE-2021-36260".into()]
                } else {
                    Vec::new()
                },
                action: String::new(),
                owner: open.then_some(Owner::Integrator),
                due: open.then(|| {
                    crate::layout::text::format_date(generated_at + Duration::days(due_days))
                }),
                resolution: (status == FindingStatus::Resolved).then(|| Resolution {
                    action: "Telnet switched off".into(),
                    read_back_at: started + Duration::minutes(i as i64 % 480 + 5),
                }),
            });
            fid
        };
        if outdated {
            let waived = i % 34 == 3;
            let fid = push(
                format!("Firmware below baseline on {}", serial(i)),
                "The vendor's update fixes CVE-listed issues; schedule the update in the next maintenance window.",
                Severity::High,
                &["ETSI 5.3", "NIST software update"],
                if waived {
                    FindingStatus::Waived
                } else {
                    FindingStatus::Open
                },
                if i % 34 == 20 {
                    "firmware.known-exploited"
                } else {
                    "firmware.outdated"
                },
            );
            if waived {
                waivers.push(Waiver {
                    id: format!("W-{:03}", waivers.len() + 1),
                    finding_id: fid,
                    reason: "Update requires a site visit by the vendor; customer accepts the risk until then.".into(),
                    approved_by: "M. Lindqvist (IT)".into(),
                    recorded_by: "J. Okafor".into(),
                    approved_at: generated_at - Duration::hours(1),
                    expires_at: Some(generated_at + Duration::days(90)),
                });
            }
        }
        if default_left {
            push(
                format!("Factory default password still active ({})", serial(i)),
                "The device refused SetUser for the admin account; change it in the web UI and re-run custody.",
                Severity::Critical,
                &["ETSI 5.1", "NIST logical access"],
                FindingStatus::Open,
                "credentials.default",
            );
        }
        if i % 11 == 0 {
            push(
                "Telnet enabled".into(),
                "Telnet was switched off by Handover.",
                Severity::Medium,
                &["ETSI 5.6"],
                FindingStatus::Resolved,
                "services.telnet",
            );
        }
    }
    let count = |f: &dyn Fn(&Device) -> bool| devices.iter().filter(|d| f(d)).count() as u32;
    let total = n as u32;
    let defaults = count(&|d| d.credential.state != CredentialState::Rotated);
    let fw_bad = count(&|d| d.firmware.status != FirmwareStatus::Compliant);
    let waived = waivers.len() as u32;
    let std_row =
        |standard: &str, clause: &str, title: &str, failing: u32, waived: u32| StandardsRow {
            standard: standard.into(),
            clause: clause.into(),
            title: title.into(),
            passing: total - failing,
            failing: failing - waived,
            waived,
        };
    let standards = vec![
        std_row(
            "ETSI EN 303 645",
            "5.1",
            "No universal default passwords",
            defaults,
            0,
        ),
        std_row(
            "ETSI EN 303 645",
            "5.3",
            "Keep software updated",
            fw_bad,
            waived,
        ),
        std_row("ETSI EN 303 645", "5.5", "Communicate securely", 0, 0),
        std_row(
            "ETSI EN 303 645",
            "5.6",
            "Minimize exposed attack surfaces",
            0,
            0,
        ),
        std_row(
            "NIST IR 8259A",
            "Device identification",
            "The device can be uniquely identified",
            0,
            0,
        ),
        std_row(
            "NIST IR 8259A",
            "Logical access",
            "Access to interfaces is restricted",
            defaults,
            0,
        ),
        std_row(
            "NIST IR 8259A",
            "Software update",
            "Software can be updated securely",
            fw_bad,
            waived,
        ),
        std_row(
            "NIST IR 8259A",
            "State awareness",
            "Cybersecurity state can be reported",
            0,
            0,
        ),
    ];
    let found = [20u16, 30, 40].map(|v| count(&|d| d.vlan_id == v));
    let devices_for_accounts: Vec<(String, bool)> = devices
        .iter()
        .map(|d| (d.id.clone(), d.credential.state == CredentialState::Rotated))
        .collect();
    ReportModel {
        project_id: "PRJ-2026-0042".into(),
        generated_at,
        site: Site {
            name: "Northgate Logistics \u{2014} Warehouse 3".into(),
            address: "14 Harbour Road, Tilbury RM18 7EH, United Kingdom".into(),
            customer: "Northgate Logistics Ltd".into(),
            integrator: "Brightline Security Systems".into(),
            technician: "J. Okafor".into(),
            it_reviewer: Some("M. Lindqvist".into()),
        },
        vlans,
        devices,
        findings,
        waivers,
        standards,
        method: MethodAppendix {
            handover_version: "0.1.0".into(),
            catalogs: vec![
                CatalogRef {
                    name: "default-credentials".into(),
                    version: "2026.10".into(),
                    sha256: "9f2c".repeat(16),
                },
                CatalogRef {
                    name: "firmware-baselines".into(),
                    version: "2026.11".into(),
                    sha256: "41ab".repeat(16),
                },
            ],
            discovery: vec![
                SubnetDiscovery {
                    subnet: "10.20.0.0/16".into(),
                    methods: vec!["WS-Discovery".into(), "unicast sweep".into()],
                    devices_found: found[0],
                    not_found: vec![],
                    unidentified: Vec::new(),
                    no_camera_service: 0,
                },
                SubnetDiscovery {
                    subnet: "10.30.0.0/16".into(),
                    methods: vec!["unicast sweep".into(), "SNMP FDB".into()],
                    devices_found: found[1],
                    not_found: vec![
                        "Door controller DC-07: no link on switch port Gi1/0/31 (powered off?)"
                            .into(),
                    ],
                    unidentified: vec![UnidentifiedHost {
                        address: "10.30.0.201".into(),
                        reason: "a web service answers but not the camera protocol (ONVIF): not a camera, or a camera with ONVIF switched off".into(),
                    }],
                    no_camera_service: 3,
                },
                SubnetDiscovery {
                    subnet: "10.40.0.0/16".into(),
                    methods: vec!["mDNS".into(), "unicast sweep".into()],
                    devices_found: found[2],
                    not_found: vec![],
                    unidentified: Vec::new(),
                    no_camera_service: 0,
                },
            ],
            audit_log_head: "3b1f0c9e5a7d2b4c6e8f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f809"
                .into(),
            started_at: started,
            finished_at: generated_at - Duration::minutes(20),
        },
        credentials: Some(CredentialHandover {
            accounts: sample_accounts(&devices_for_accounts, started),
            export: Some(CredentialExport {
                file: "northgate-w3.kdbx".into(),
                sha256: Some("5e1d".repeat(16)),
                entries: devices_for_accounts.len() as u32,
                at: generated_at - Duration::minutes(25),
            }),
            integrator_side: INTEGRATOR_SIDE.into(),
        }),
        firmware_upgrades: Vec::new(),
        signer: Some(Signer {
            subject: "CN=J. Okafor, O=Brightline Security Systems".into(),
            ca_subject: "CN=Brightline Security Systems Handover CA, O=Brightline Security Systems"
                .into(),
            ca_sha256: (0..32)
                .map(|k| format!("{:02X}", (k * 37 + 11) % 256))
                .collect::<Vec<_>>()
                .join(":"),
        }),
    }
}

/// What the sample says stays with the integrator.
const INTEGRATOR_SIDE: &str = "The passwords stay sealed in the project file on the technician's laptop, under a key only \
its OS keyring holds; deleting the project file and that keyring entry removes them.";

fn sample_accounts(devices: &[(String, bool)], started: OffsetDateTime) -> Vec<HeldAccount> {
    devices
        .iter()
        .enumerate()
        .filter(|(_, (_, rotated))| *rotated)
        .flat_map(|(i, (id, _))| {
            let admin = HeldAccount {
                device_id: id.clone(),
                user: "admin".into(),
                level: Some("Administrator".into()),
                state: "rotated".into(),
                rotated_at: Some(started + Duration::minutes(i as i64 % 480)),
                rotated_by: Some("J. Okafor".into()),
            };
            let vms = (i % 3 == 0).then(|| HeldAccount {
                device_id: id.clone(),
                user: "vms".into(),
                level: Some("Operator".into()),
                state: "VMS account".into(),
                rotated_at: Some(started + Duration::minutes(i as i64 % 480 + 1)),
                rotated_by: Some("J. Okafor".into()),
            });
            std::iter::once(admin).chain(vms)
        })
        .collect()
}
