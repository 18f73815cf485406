//! Builds the report model (a display-ready view for the PDF and its JSON/CSV twins) from the project file,
//! the catalogs and the standards map. Reads no clock: "now" is passed in.

use std::collections::BTreeMap;

use handover_model::{CredentialState, Device, Finding, FindingStatus, Plan, Severity};
use handover_policy::catalog::firmware::Assessment;
use handover_policy::clauses;
use handover_report as r;
use time::OffsetDateTime;

use crate::error::Result;
use crate::report_it;
use crate::session::Session;

fn severity(s: Severity) -> r::Severity {
    match s {
        Severity::Info => r::Severity::Info,
        Severity::Low => r::Severity::Low,
        Severity::Medium => r::Severity::Medium,
        Severity::High => r::Severity::High,
        Severity::Critical => r::Severity::Critical,
    }
}

fn status(s: FindingStatus) -> r::FindingStatus {
    match s {
        FindingStatus::Open => r::FindingStatus::Open,
        FindingStatus::Fixed => r::FindingStatus::Resolved,
        FindingStatus::Waived => r::FindingStatus::Waived,
    }
}

fn placement(d: &Device, plan: &Plan, findings: &[&Finding]) -> r::Placement {
    let open_network = findings
        .iter()
        .any(|f| f.check.starts_with("network.") && f.status != FindingStatus::Fixed);
    let here = plan.vlan_for_address(d.address);
    let subnet = here.map_or_else(
        || "no planned subnet".to_owned(),
        |v| format!("subnet of VLAN {} ({})", v.id, v.name),
    );
    match (&d.facts.switch_port, here) {
        // Short enough for the device table's cell: the switch and port first, the VLANs after.
        (Some(sw), Some(v)) if sw.vlan == v.id => r::Placement {
            verified: !open_network,
            evidence: format!("{} port {}, VLAN {}", sw.switch, sw.port, sw.vlan),
        },
        (Some(sw), Some(v)) => r::Placement {
            verified: false,
            evidence: format!(
                "{} port {} in VLAN {}; address in VLAN {}",
                sw.switch, sw.port, sw.vlan, v.id
            ),
        },
        _ if d.identity.mac.is_none() => r::Placement {
            verified: false,
            evidence: format!("{subnet}; its MAC was not read, so no switch could place it"),
        },
        _ => r::Placement {
            verified: false,
            evidence: format!("{subnet}; layer 2 not confirmed (no switch reported its MAC)"),
        },
    }
}

fn services(d: &Device) -> Vec<r::Service> {
    d.facts
        .protocols
        .iter()
        .filter_map(|p| {
            let (name, port) = p.split_once(':')?;
            Some(r::Service {
                port: port.parse().ok()?,
                transport: "tcp".into(),
                name: name.to_owned(),
            })
        })
        .collect()
}

/// Whether the device's last committed credential change crossed the network over plain HTTP.
fn last_change_over_plain_http(
    p: &handover_store::Project,
    id: handover_model::DeviceId,
) -> Result<bool> {
    Ok(p.audit_latest("rotation.phase", &id.to_string())?
        .is_some_and(|e| e.detail["phase"] == "committed" && e.detail["over_plain_http"] == true))
}

impl Session {
    /// The report model for the project as it stands.
    pub fn report_model(&self, now: OffsetDateTime) -> Result<r::ReportModel> {
        let catalogs = &self.catalogs_in_use()?;
        let p = self.project();
        let plan = p.plan()?;
        let site = p.site()?;
        let findings = p.findings()?;
        let credentials = p.credentials()?;
        let verdict = p.audit_verify()?;
        let devices = p.devices()?;
        // Findings grouped by device once: the per-device tables and the standards table read them per device.
        let mut by_device: BTreeMap<handover_model::DeviceId, Vec<&Finding>> = BTreeMap::new();
        for f in &findings {
            by_device.entry(f.device).or_default().push(f);
        }
        let mut out_devices = Vec::new();
        // Devices that refused every default because they are not activated (the vendor's own tool first).
        let mut needs_activation = std::collections::BTreeSet::new();
        for d in &devices {
            if p.audit_latest("credential.needs-activation", &d.id.to_string())?
                .is_some()
            {
                needs_activation.insert(d.id);
            }
        }
        for d in &devices {
            let mine: &[&Finding] = by_device.get(&d.id).map_or(&[], Vec::as_slice);
            let cred = credentials
                .iter()
                .find(|c| c.device == d.id && c.state != CredentialState::ServiceAccount);
            let not_checked =
                report_it::not_checked(d, cred.map(|c| c.state), needs_activation.contains(&d.id));
            let (fw_status, baseline) = match catalogs.firmware.assess(&d.facts, d.identity.mac) {
                Assessment::Compliant { min_version, .. } => {
                    (r::FirmwareStatus::Compliant, Some(min_version))
                }
                Assessment::Outdated { min_version, .. } => {
                    (r::FirmwareStatus::Outdated, Some(min_version))
                }
                Assessment::NotInBaseline { .. } => (r::FirmwareStatus::Unknown, None),
            };
            out_devices.push(r::Device {
                id: d.id.to_string(),
                name: d.name(),
                location: d.location(),
                vlan_id: plan.vlan_for_address(d.address).map_or(0, |v| v.id),
                address: crate::place::shown_address(d, &devices),
                mac: d.identity.mac.map(|m| m.to_string()).unwrap_or_default(),
                maker: d.facts.manufacturer.clone().unwrap_or_default(),
                model: d.facts.model.clone().unwrap_or_default(),
                serial: d.identity.serial.clone().unwrap_or_default(),
                firmware: r::Firmware {
                    version: d.facts.firmware.clone().unwrap_or_default(),
                    baseline,
                    status: fw_status,
                },
                credential: r::CredentialStatus {
                    state: match cred.map(|c| c.state) {
                        Some(CredentialState::Rotated) => r::CredentialState::Rotated,
                        Some(CredentialState::FactoryDefault) => r::CredentialState::DefaultActive,
                        Some(CredentialState::TechnicianSupplied) => {
                            r::CredentialState::ExternallyManaged
                        }
                        Some(CredentialState::Unknown | CredentialState::ServiceAccount) | None => {
                            r::CredentialState::Unknown
                        }
                    },
                    rotated_at: cred.and_then(|c| c.rotated_at),
                    rotated_by: cred.and_then(|c| c.rotated_by.clone()),
                    over_plain_http: cred.is_some_and(|c| c.state == CredentialState::Rotated)
                        && last_change_over_plain_http(&p, d.id)?,
                },
                placement: placement(d, &plan, mine),
                services: services(d),
                clock: r::Clock {
                    skew_seconds: d.facts.clock_skew_ms.map(|ms| ms / 1000),
                    ntp_server: d.facts.ntp.first().cloned(),
                },
                tls_sha256: d.facts.tls_fingerprint.clone(),
                not_checked,
                role: d.role.as_ref().map(ToString::to_string).unwrap_or_default(),
                switch_port: d.facts.switch_port.as_ref().map(|sp| r::SwitchPortView {
                    switch: sp.switch.clone(),
                    port: sp.port.clone(),
                    vlan: sp.vlan,
                }),
            });
        }
        let mut out_findings: Vec<r::Finding> = Vec::with_capacity(findings.len());
        for f in &findings {
            let open = f.status == FindingStatus::Open;
            let resolution = if f.status == FindingStatus::Fixed {
                p.audit_latest("finding.status", &f.id.to_string())?
                    .map(|e| r::Resolution {
                        action: report_it::resolution_action(
                            &f.check,
                            e.detail["why"].as_str().unwrap_or_default(),
                        ),
                        read_back_at: e.at,
                    })
            } else {
                None
            };
            out_findings.push(r::Finding {
                id: f.id.to_string(),
                device_id: Some(f.device.to_string()),
                severity: severity(f.severity),
                title: f.title.clone(),
                detail: report_it::evidence_for_it(&f.evidence),
                clauses: f
                    .clauses
                    .iter()
                    .map(|c| format!("{} {}", c.standard, c.clause))
                    .collect(),
                status: status(f.status),
                check: f.check.clone(),
                known_exploited: report_it::known_exploited(f),
                action: report_it::action(&f.check, needs_activation.contains(&f.device)),
                owner: open.then(|| report_it::owner(&f.check)),
                due: open.then(|| report_it::due(f.severity, now)),
                resolution,
            });
        }
        let waivers = p
            .waivers()?
            .into_iter()
            .enumerate()
            .map(|(i, w)| r::Waiver {
                id: format!("W{}", i + 1),
                finding_id: w.finding.to_string(),
                reason: w.reason,
                approved_by: w.approver.unwrap_or_default(),
                recorded_by: w.by,
                approved_at: w.at,
                expires_at: w.expires.as_deref().and_then(|e| {
                    let format = time::macros::format_description!("[year]-[month]-[day]");
                    time::Date::parse(e, format)
                        .ok()
                        .map(|d| d.midnight().assume_utc())
                }),
            })
            .collect();
        // Standards: per clause, a device fails with an open finding mapped to it, is waived with a waived one,
        // and passes otherwise.
        let mut per_clause: BTreeMap<(String, String), (u32, u32, u32)> = BTreeMap::new();
        for d in &devices {
            for (std, clause, _) in clauses::ALL {
                let mine = by_device.get(&d.id).map_or(&[][..], Vec::as_slice);
                let hits = |st: FindingStatus| {
                    mine.iter().any(|f| {
                        f.status == st
                            && f.clauses
                                .iter()
                                .any(|c| c.standard == *std && c.clause == *clause)
                    })
                };
                let e = per_clause
                    .entry(((*std).to_owned(), (*clause).to_owned()))
                    .or_default();
                if hits(FindingStatus::Open) {
                    e.1 += 1;
                } else if hits(FindingStatus::Waived) {
                    e.2 += 1;
                } else {
                    e.0 += 1;
                }
            }
        }
        let standards = clauses::ALL
            .iter()
            .map(|(std, clause, title)| {
                let (passing, failing, waived) = per_clause
                    .get(&((*std).to_owned(), (*clause).to_owned()))
                    .copied()
                    .unwrap_or_default();
                r::StandardsRow {
                    standard: (*std).into(),
                    clause: (*clause).into(),
                    title: (*title).into(),
                    passing,
                    failing,
                    waived,
                }
            })
            .collect();
        let notes = p.discovery_notes()?;
        let discovery = plan
            .vlans
            .iter()
            .map(|v| {
                let here: Vec<&Device> = devices
                    .iter()
                    .filter(|d| v.subnet.contains(&d.address))
                    .collect();
                let mut methods: Vec<String> = here
                    .iter()
                    .flat_map(|d| d.found_by.iter().map(ToString::to_string))
                    .collect();
                methods.sort();
                methods.dedup();
                let not_found = notes
                    .iter()
                    .filter(|n| {
                        n.note.subnet == v.subnet.to_string()
                            && n.note.outcome != "found"
                            && !n.note.method.starts_with("follow-up ")
                    })
                    .map(|n| format!("{}: {} ({})", n.note.method, n.note.detail, n.note.outcome))
                    .collect();
                // Hosts the sweep followed up: listed with a plain reason unless they are devices after all.
                let follow =
                    crate::unidentified::follow_ups(&notes, &devices, &v.subnet.to_string());
                let unidentified = follow
                    .hosts
                    .into_iter()
                    .map(|h| r::UnidentifiedHost {
                        address: h.address,
                        reason: h.reason,
                    })
                    .collect();
                let no_camera_service = follow.no_camera_service;
                r::SubnetDiscovery {
                    subnet: v.subnet.to_string(),
                    methods,
                    devices_found: here.len() as u32,
                    not_found,
                    unidentified,
                    no_camera_service,
                }
            })
            .collect();
        Ok(r::ReportModel {
            project_id: p.id().to_string(),
            generated_at: now,
            site: r::Site {
                name: site.name,
                address: site.address,
                customer: site.customer,
                integrator: site.integrator,
                technician: site.technician,
                it_reviewer: None,
            },
            vlans: plan
                .vlans
                .iter()
                .map(|v| r::Vlan {
                    id: v.id,
                    name: v.name.clone(),
                    subnet: v.subnet.to_string(),
                    role: v
                        .roles
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect(),
            devices: out_devices,
            findings: out_findings,
            waivers,
            standards,
            method: r::MethodAppendix {
                handover_version: env!("CARGO_PKG_VERSION").into(),
                catalogs: catalogs
                    .infos()
                    .into_iter()
                    .map(|i| r::CatalogRef {
                        name: i.header.kind,
                        version: i.header.version,
                        sha256: i.sha256,
                    })
                    .collect(),
                discovery,
                audit_log_head: verdict.head_hash,
                started_at: p.meta().created_at,
                finished_at: now,
            },
            signer: None,
            credentials: Some(credential_handover(&p, &devices, &credentials)?),
            firmware_upgrades: firmware_upgrades(&p, &devices)?,
        })
    }
}

/// Every firmware upgrade journaled, with why its image was trusted and what the device reports now.
fn firmware_upgrades(
    p: &handover_store::Project,
    devices: &[Device],
) -> Result<Vec<r::FirmwareUpgrade>> {
    use handover_store::firmware::UpgradePhase;
    let accepted = p.accepted_firmware()?;
    Ok(p.upgrades(false)?
        .into_iter()
        .map(|u| {
            let approval = accepted
                .iter()
                .find(|a| a.sha256 == u.image_sha256)
                .map_or_else(
                    || "signed catalog".to_owned(),
                    |a| format!("accepted by {}: {}", a.accepted_by, a.reason),
                );
            r::FirmwareUpgrade {
                device_id: u.device.to_string(),
                now: devices
                    .iter()
                    .find(|d| d.id == u.device)
                    .and_then(|d| d.facts.firmware.clone()),
                from: u.from_version,
                to: u.to_version,
                image: u.image_file,
                image_sha256: u.image_sha256,
                approval,
                at: u.started_at,
                outcome: match u.phase {
                    UpgradePhase::Upgraded => "upgraded",
                    UpgradePhase::NotUpgraded => "not upgraded",
                    UpgradePhase::Intent | UpgradePhase::Sent => "not settled",
                }
                .into(),
            }
        })
        .collect())
}

/// The credential handover: every account held (the device's reported level beside it), the newest export.
fn credential_handover(
    p: &handover_store::Project,
    devices: &[Device],
    credentials: &[handover_model::CredentialRef],
) -> Result<r::CredentialHandover> {
    let accounts = credentials
        .iter()
        .filter(|c| c.state != CredentialState::Unknown)
        .map(|c| {
            let level = devices
                .iter()
                .find(|d| d.id == c.device)
                .and_then(|d| d.facts.users.iter().find(|u| u.username == c.username))
                .map(|u| u.level.clone());
            r::HeldAccount {
                device_id: c.device.to_string(),
                user: c.username.clone(),
                level,
                state: report_it::account_state(c.state).to_owned(),
                rotated_at: c.rotated_at,
                rotated_by: c.rotated_by.clone(),
            }
        })
        .collect();
    let export = p
        .audit_latest("credentials.export", "project")?
        .map(|e| r::CredentialExport {
            file: e.detail["file"].as_str().unwrap_or("unnamed").to_owned(),
            sha256: e.detail["sha256"].as_str().map(str::to_owned),
            entries: e.detail["accounts"].as_u64().unwrap_or(0) as u32,
            at: e.at,
        });
    let file = p.path().file_name().map_or_else(
        || "(project file)".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(r::CredentialHandover {
        accounts,
        export,
        integrator_side: report_it::integrator_side(&file),
    })
}
