//! The report's sections, in reading order: cover with the executive summary and its bar
//! chart, device tables per VLAN, findings, waivers, the standards table, the method
//! appendix and the sign-off block. Each section turns model facts into composer calls;
//! all untrusted text goes through the table/line helpers, which sanitize, wrap and clip.
//! Does not build the PDF file (see `render.rs`).

use crate::layout::page::{Composer, palette};
use crate::layout::table::{Align, Cell, Column, Span, Table, Tone};
use crate::layout::text::{Weight, format_date, format_timestamp};
use crate::model::{CredentialState, Device, FindingStatus, FirmwareStatus, ReportModel, Severity};
use crate::render::RenderOptions;

/// Lays out the whole report.
pub fn compose(c: &mut Composer, m: &ReportModel, opts: &RenderOptions) {
    cover(c, m, opts);
    summary(c, m);
    let header = format!(
        "Security handover report \u{00B7} {}",
        c.fonts().regular.sanitize(&m.site.name)
    );
    c.set_running_header(Some(header));
    c.new_page();
    devices(c, m);
    findings(c, m);
    waivers(c, m);
    standards(c, m);
    method(c, m);
    sign_off(c, m);
}

fn col(title: &'static str, share: f32) -> Column {
    Column {
        title,
        share,
        align: Align::Left,
    }
}

fn num(title: &'static str, share: f32) -> Column {
    Column {
        title,
        share,
        align: Align::Right,
    }
}

/// A section title with a rule under it; starts a new page unless the title and
/// `keep` points of what follows fit on this one.
fn heading(c: &mut Composer, title: &str) {
    heading_keep(c, title, 60.0);
}

fn heading_keep(c: &mut Composer, title: &str, keep: f32) {
    c.ensure(keep + 40.0);
    if c.y > c.margin_top + 1.0 {
        c.y += 8.0;
    }
    let size = 14.0;
    c.text(
        c.margin_x,
        c.y + size,
        Weight::Bold,
        size,
        palette::ACCENT,
        title,
    );
    c.y += size + 5.0;
    c.hline(c.margin_x, c.width - c.margin_x, c.y, 1.0, palette::ACCENT);
    c.y += 10.0;
}

/// A paragraph of wrapped text.
fn paragraph(c: &mut Composer, text: &str, size: f32, color: palette::Rgb3) {
    let face = c.fonts().face(Weight::Regular);
    let clean = face.sanitize(text);
    let lines = face.wrap(&clean, size, c.content_width(), 200);
    for l in lines {
        c.ensure(size * 1.4);
        c.text(c.margin_x, c.y + size, Weight::Regular, size, color, &l);
        c.y += size * 1.4;
    }
    c.y += 4.0;
}

/// Label/value rows (labels muted, values wrapped to at most three lines).
fn key_values(c: &mut Composer, rows: &[(&str, String)], label_w: f32, size: f32) {
    let value_w = c.content_width() - label_w;
    for (label, value) in rows {
        let face = c.fonts().face(Weight::Regular);
        let clean = face.sanitize(value);
        let lines = face.wrap(&clean, size, value_w, 3);
        let h = lines.len().max(1) as f32 * size * 1.35 + 3.0;
        c.ensure(h);
        c.text(
            c.margin_x,
            c.y + size,
            Weight::Regular,
            size,
            palette::MUTED,
            label,
        );
        for (i, l) in lines.iter().enumerate() {
            c.text(
                c.margin_x + label_w,
                c.y + size + i as f32 * size * 1.35,
                Weight::Regular,
                size,
                palette::INK,
                l,
            );
        }
        c.y += h;
    }
}

fn cover(c: &mut Composer, m: &ReportModel, opts: &RenderOptions) {
    let band = 150.0;
    c.fill_rect(0.0, 0.0, c.width, band, palette::ACCENT);
    let x = c.margin_x;
    c.text(
        x,
        52.0,
        Weight::Regular,
        10.0,
        (0.80, 0.86, 0.93),
        "HANDOVER \u{00B7} SECURITY ACCEPTANCE",
    );
    c.text(
        x,
        84.0,
        Weight::Bold,
        24.0,
        palette::WHITE,
        "Security Handover Report",
    );
    let face = c.fonts().face(Weight::Regular);
    let site = face.ellipsize(&face.sanitize(&m.site.name), 14.0, c.content_width());
    c.text(x, 112.0, Weight::Regular, 14.0, palette::WHITE, &site);
    let date = format_date(m.generated_at);
    c.text(
        x,
        132.0,
        Weight::Regular,
        9.0,
        (0.80, 0.86, 0.93),
        &format!("Issued {date}"),
    );
    c.y = band + 28.0;
    key_values(
        c,
        &[
            ("Site", m.site.name.clone()),
            ("Address", m.site.address.clone()),
            ("Customer", m.site.customer.clone()),
            ("Integrator", m.site.integrator.clone()),
            ("Technician", m.site.technician.clone()),
            ("Report date", format_timestamp(m.generated_at)),
            ("Project id", m.project_id.clone()),
            ("Document id", opts.document_id.clone()),
        ],
        100.0,
        10.0,
    );
    c.y += 6.0;
}

fn pct(part: u32, whole: u32) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

fn summary(c: &mut Composer, m: &ReportModel) {
    let s = m.summary();
    heading(c, "Executive summary");
    // Six figure tiles in two rows of three.
    let tiles: [(&str, String, palette::Rgb3); 6] = [
        ("Devices", s.devices.to_string(), palette::ACCENT),
        (
            "Defaults removed",
            format!("{} / {}", s.defaults_removed, s.devices),
            tone_of(s.defaults_removed, s.devices),
        ),
        (
            "Firmware compliant",
            format!("{} / {}", s.firmware_compliant, s.devices),
            tone_of(s.firmware_compliant, s.devices),
        ),
        (
            "Placement verified",
            format!("{} / {}", s.placement_verified, s.devices),
            tone_of(s.placement_verified, s.devices),
        ),
        (
            "Open findings",
            s.open_findings.to_string(),
            if s.open_findings == 0 {
                palette::GOOD
            } else {
                palette::BAD
            },
        ),
        (
            "Waivers",
            s.waivers.to_string(),
            if s.waivers == 0 {
                palette::INK
            } else {
                palette::WARN
            },
        ),
    ];
    let gap = 10.0;
    let tw = (c.content_width() - 2.0 * gap) / 3.0;
    let th = 46.0;
    c.ensure(2.0 * th + gap);
    for (i, (label, value, color)) in tiles.iter().enumerate() {
        let (row, column) = (i / 3, i % 3);
        let x = c.margin_x + column as f32 * (tw + gap);
        let top = c.y + row as f32 * (th + gap);
        c.fill_rect(x, top, tw, th, palette::STRIPE);
        c.fill_rect(x, top, 3.0, th, *color);
        c.text(
            x + 12.0,
            top + 16.0,
            Weight::Regular,
            8.5,
            palette::MUTED,
            label,
        );
        c.text(x + 12.0, top + 36.0, Weight::Bold, 16.0, *color, value);
    }
    c.y += 2.0 * th + gap + 20.0;

    // Bar chart: share of devices meeting each control.
    let bars = [
        (
            "Default credentials removed",
            pct(s.defaults_removed, s.devices),
        ),
        (
            "Firmware at or above baseline",
            pct(s.firmware_compliant, s.devices),
        ),
        ("On the planned VLAN", pct(s.placement_verified, s.devices)),
    ];
    c.ensure(24.0 + bars.len() as f32 * 22.0);
    c.text(
        c.margin_x,
        c.y + 10.0,
        Weight::Bold,
        10.0,
        palette::INK,
        "Compliance by control (share of devices)",
    );
    c.y += 20.0;
    let label_w = 150.0;
    let bar_w = c.content_width() - label_w - 40.0;
    for (label, share) in bars {
        c.text(
            c.margin_x,
            c.y + 10.0,
            Weight::Regular,
            8.5,
            palette::INK,
            label,
        );
        let bx = c.margin_x + label_w;
        c.fill_rect(bx, c.y + 1.0, bar_w, 12.0, palette::ACCENT_LIGHT);
        let color = if share >= 0.999 {
            palette::GOOD
        } else if share >= 0.9 {
            palette::WARN
        } else {
            palette::BAD
        };
        if share > 0.0 {
            c.fill_rect(bx, c.y + 1.0, bar_w * share, 12.0, color);
        }
        c.text_right(
            c.width - c.margin_x,
            c.y + 10.5,
            Weight::Bold,
            8.5,
            palette::INK,
            &format!("{:.0} %", share * 100.0),
        );
        c.y += 22.0;
    }
    // Tick marks at 0/50/100 %.
    let bx = c.margin_x + label_w;
    for (i, t) in ["0", "50", "100 %"].iter().enumerate() {
        let x = bx + bar_w * i as f32 / 2.0;
        c.text(x - 3.0, c.y + 6.0, Weight::Regular, 6.5, palette::MUTED, t);
    }
    c.y += 22.0;
    let verdict = if s.open_findings == 0 {
        format!(
            "All {} devices were handed over with no open findings{}.",
            s.devices,
            if s.waivers > 0 {
                format!("; {} finding(s) are covered by customer waivers", s.waivers)
            } else {
                String::new()
            }
        )
    } else {
        format!(
            "{} finding(s) remain open at handover and are listed in the Findings section with the devices concerned.",
            s.open_findings
        )
    };
    paragraph(c, &verdict, 9.5, palette::INK);
    paragraph(
        c,
        "This report is digitally signed (PAdES). Its machine-readable twin (inventory and findings as JSON) is attached \
         to this PDF as handover-inventory.json. Run `handover verify` on this file to check the signature and the \
         certificate chain offline. Device credentials are held in the integrator's vault and never appear in this report.",
        8.5,
        palette::MUTED,
    );
}

fn tone_of(part: u32, whole: u32) -> palette::Rgb3 {
    if part == whole {
        palette::GOOD
    } else {
        palette::BAD
    }
}

fn device_row(m: &ReportModel, d: &Device) -> Vec<Cell> {
    let fw = &d.firmware;
    let fw_tone = match fw.status {
        FirmwareStatus::Compliant => Tone::Good,
        FirmwareStatus::Outdated => Tone::Bad,
        FirmwareStatus::Unknown => Tone::Warn,
    };
    let baseline = match &fw.baseline {
        Some(b) => format!("baseline {b} \u{00B7} {}", fw.status.label()),
        None => fw.status.label().to_owned(),
    };
    let cred = &d.credential;
    let cred_tone = match cred.state {
        CredentialState::Rotated => Tone::Good,
        CredentialState::DefaultActive => Tone::Bad,
        _ => Tone::Warn,
    };
    let mut cred_cell = vec![Span {
        text: cred.state.label().to_owned(),
        tone: cred_tone,
        bold: true,
    }];
    if let Some(t) = cred.rotated_at {
        cred_cell.push(Span::toned(format_timestamp(t), Tone::Muted));
    }
    if let Some(by) = &cred.rotated_by {
        cred_cell.push(Span::toned(format!("by {by}"), Tone::Muted));
    }
    let place = if d.placement.verified {
        Span {
            text: "verified".into(),
            tone: Tone::Good,
            bold: true,
        }
    } else {
        Span {
            text: "NOT verified".into(),
            tone: Tone::Bad,
            bold: true,
        }
    };
    let services = if d.services.is_empty() {
        "none".to_owned()
    } else {
        d.services
            .iter()
            .map(|s| format!("{}/{} {}", s.port, s.transport, s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let clock = match d.clock.skew_seconds {
        Some(s) if s.abs() <= 2 => Span::toned(format!("{s:+} s"), Tone::Good),
        Some(s) => Span::toned(format!("{s:+} s"), Tone::Bad),
        None => Span::toned("unread", Tone::Warn),
    };
    let ntp = Span::toned(
        d.clock
            .ntp_server
            .clone()
            .map(|n| format!("NTP {n}"))
            .unwrap_or_else(|| "no NTP".into()),
        Tone::Muted,
    );
    let open: Vec<&str> = m
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open && f.device_id.as_deref() == Some(&d.id))
        .map(|f| f.id.as_str())
        .collect();
    let mut name_cell = vec![Span::bold(d.name.clone()), Span::plain(d.address.clone())];
    if !open.is_empty() {
        name_cell.push(Span::toned(format!("open: {}", open.join(" ")), Tone::Bad));
    }
    vec![
        name_cell,
        vec![
            Span::plain(d.mac.clone()),
            Span::toned(d.serial.clone(), Tone::Normal),
        ],
        vec![
            Span::plain(d.maker.clone()),
            Span::toned(d.model.clone(), Tone::Muted),
        ],
        vec![
            Span::toned(fw.version.clone(), fw_tone),
            Span::toned(baseline, Tone::Muted),
        ],
        cred_cell,
        vec![
            place,
            Span::toned(d.placement.evidence.clone(), Tone::Muted),
        ],
        vec![Span::plain(services)],
        vec![clock, ntp],
    ]
}

fn devices(c: &mut Composer, m: &ReportModel) {
    heading(c, "Devices by VLAN");
    let table = Table {
        columns: vec![
            col("Device / address", 1.25),
            col("MAC / serial", 1.2),
            col("Maker / model", 1.0),
            col("Firmware", 1.05),
            col("Credential", 1.0),
            col("Placement", 1.2),
            col("Services", 1.05),
            col("Clock", 0.75),
        ],
        font_size: 6.6,
        max_lines: 4,
    };
    let mut vlan_ids: Vec<u16> = m.vlans.iter().map(|v| v.id).collect();
    for d in &m.devices {
        if !vlan_ids.contains(&d.vlan_id) {
            vlan_ids.push(d.vlan_id);
        }
    }
    vlan_ids.sort_unstable();
    vlan_ids.dedup();
    for id in vlan_ids {
        let on: Vec<&Device> = m.devices.iter().filter(|d| d.vlan_id == id).collect();
        let caption = match m.vlans.iter().find(|v| v.id == id) {
            Some(v) => format!(
                "VLAN {} \u{00B7} {} \u{00B7} {} \u{00B7} {} \u{2014} {} device(s)",
                v.id,
                v.name,
                v.subnet,
                v.role,
                on.len()
            ),
            None => format!(
                "VLAN {id} (not in the plan) \u{2014} {} device(s)",
                on.len()
            ),
        };
        let caption = c.fonts().bold.sanitize(&caption);
        if on.is_empty() {
            c.ensure(30.0);
            c.text(
                c.margin_x,
                c.y + 9.0,
                Weight::Bold,
                8.1,
                palette::ACCENT,
                &caption,
            );
            c.y += 14.0;
            paragraph(c, "No devices found on this VLAN.", 8.0, palette::MUTED);
            continue;
        }
        table.draw(c, Some(&caption), on.into_iter().map(|d| device_row(m, d)));
    }
}

fn severity_tone(s: Severity) -> Tone {
    match s {
        Severity::Critical | Severity::High => Tone::Bad,
        Severity::Medium => Tone::Warn,
        _ => Tone::Muted,
    }
}

fn findings(c: &mut Composer, m: &ReportModel) {
    heading(c, "Findings");
    if m.findings.is_empty() {
        paragraph(c, "No findings.", 9.0, palette::MUTED);
        return;
    }
    let mut list: Vec<_> = m.findings.iter().collect();
    // Open first, then by severity (highest first), then by id.
    list.sort_by(|a, b| {
        let rank = |s: FindingStatus| match s {
            FindingStatus::Open => 0,
            FindingStatus::Waived => 1,
            FindingStatus::Resolved => 2,
        };
        rank(a.status)
            .cmp(&rank(b.status))
            .then(b.severity.cmp(&a.severity))
            .then(a.id.cmp(&b.id))
    });
    let table = Table {
        columns: vec![
            col("ID", 0.55),
            col("Severity", 0.6),
            col("Status", 0.6),
            col("Device", 1.1),
            col("Finding", 3.2),
            col("Clauses", 0.9),
        ],
        font_size: 7.2,
        max_lines: 6,
    };
    let rows = list.into_iter().map(|f| {
        let device = f
            .device_id
            .as_deref()
            .map(|id| match m.device(id) {
                Some(d) => vec![
                    Span::plain(d.name.clone()),
                    Span::toned(d.address.clone(), Tone::Muted),
                ],
                None => vec![Span::plain(id.to_owned())],
            })
            .unwrap_or_else(|| vec![Span::toned("site-wide", Tone::Muted)]);
        let status_tone = match f.status {
            FindingStatus::Open => Tone::Bad,
            FindingStatus::Waived => Tone::Warn,
            FindingStatus::Resolved => Tone::Good,
        };
        vec![
            vec![Span::bold(f.id.clone())],
            vec![Span::toned(f.severity.label(), severity_tone(f.severity))],
            vec![Span {
                text: f.status.label().into(),
                tone: status_tone,
                bold: true,
            }],
            device,
            vec![
                Span::bold(f.title.clone()),
                Span::toned(f.detail.clone(), Tone::Muted),
            ],
            vec![Span::plain(f.clauses.join(", "))],
        ]
    });
    table.draw(c, None, rows);
}

fn waivers(c: &mut Composer, m: &ReportModel) {
    heading(c, "Waivers");
    if m.waivers.is_empty() {
        paragraph(
            c,
            "No waivers: every finding was resolved or remains open above.",
            9.0,
            palette::MUTED,
        );
        return;
    }
    let table = Table {
        columns: vec![
            col("Waiver", 0.6),
            col("Finding", 0.6),
            col("Reason", 2.6),
            col("Approved by", 1.1),
            col("Approved", 0.9),
            col("Expires", 0.7),
        ],
        font_size: 7.2,
        max_lines: 6,
    };
    let rows = m.waivers.iter().map(|w| {
        vec![
            vec![Span::bold(w.id.clone())],
            vec![Span::plain(w.finding_id.clone())],
            vec![Span::plain(w.reason.clone())],
            vec![Span::plain(w.approved_by.clone())],
            vec![Span::plain(format_timestamp(w.approved_at))],
            vec![Span::plain(
                w.expires_at
                    .map(format_date)
                    .unwrap_or_else(|| "no expiry".into()),
            )],
        ]
    });
    table.draw(c, None, rows);
}

fn standards(c: &mut Composer, m: &ReportModel) {
    heading(c, "Standards");
    paragraph(
        c,
        "Each clause of ETSI EN 303 645 and NIST IR 8259A that the checks map to, with the number of devices passing, \
         failing and failing under a customer waiver.",
        8.5,
        palette::MUTED,
    );
    let table = Table {
        columns: vec![
            col("Standard", 1.0),
            col("Clause", 1.15),
            col("Requirement", 2.25),
            num("Passing", 0.6),
            num("Failing", 0.6),
            num("Waived", 0.6),
        ],
        font_size: 7.6,
        max_lines: 3,
    };
    let rows = m.standards.iter().map(|r| {
        vec![
            vec![Span::plain(r.standard.clone())],
            vec![Span::bold(r.clause.clone())],
            vec![Span::plain(r.title.clone())],
            vec![Span::toned(r.passing.to_string(), Tone::Good)],
            vec![Span::toned(
                r.failing.to_string(),
                if r.failing > 0 {
                    Tone::Bad
                } else {
                    Tone::Muted
                },
            )],
            vec![Span::toned(
                r.waived.to_string(),
                if r.waived > 0 {
                    Tone::Warn
                } else {
                    Tone::Muted
                },
            )],
        ]
    });
    table.draw(c, None, rows);
}

fn method(c: &mut Composer, m: &ReportModel) {
    heading(c, "Method appendix");
    let a = &m.method;
    key_values(
        c,
        &[
            ("Handover version", a.handover_version.clone()),
            ("Work started", format_timestamp(a.started_at)),
            ("Work finished", format_timestamp(a.finished_at)),
            ("Report generated", format_timestamp(m.generated_at)),
            ("Audit log head", a.audit_log_head.clone()),
        ],
        110.0,
        8.5,
    );
    c.y += 8.0;
    let catalogs = Table {
        columns: vec![
            col("Catalog", 1.2),
            col("Version", 0.8),
            col("SHA-256", 3.2),
        ],
        font_size: 7.2,
        max_lines: 2,
    };
    catalogs.draw(
        c,
        Some("Catalogs"),
        a.catalogs.iter().map(|k| {
            vec![
                vec![Span::plain(k.name.clone())],
                vec![Span::plain(k.version.clone())],
                vec![Span::toned(k.sha256.clone(), Tone::Muted)],
            ]
        }),
    );
    let discovery = Table {
        columns: vec![
            col("Subnet", 0.9),
            col("Methods", 1.6),
            num("Found", 0.5),
            col("Why planned devices were not found", 2.4),
        ],
        font_size: 7.2,
        max_lines: 6,
    };
    discovery.draw(
        c,
        Some("Discovery per subnet"),
        a.discovery.iter().map(|d| {
            let why = if d.not_found.is_empty() {
                vec![Span::toned("all planned devices found", Tone::Good)]
            } else {
                d.not_found.iter().map(|w| Span::plain(w.clone())).collect()
            };
            vec![
                vec![Span::plain(d.subnet.clone())],
                vec![Span::plain(d.methods.join(", "))],
                vec![Span::plain(d.devices_found.to_string())],
                why,
            ]
        }),
    );
}

fn sign_off(c: &mut Composer, m: &ReportModel) {
    let box_h = 120.0;
    heading_keep(c, "Sign-off", box_h + 50.0);
    let gap = 16.0;
    let w = (c.content_width() - gap) / 2.0;
    let reviewer = m.site.it_reviewer.clone().unwrap_or_default();
    let parties = [
        (
            "Technician (integrator)",
            m.site.technician.clone(),
            m.site.integrator.clone(),
        ),
        ("IT reviewer (customer)", reviewer, m.site.customer.clone()),
    ];
    let top = c.y;
    for (i, (role, name, org)) in parties.iter().enumerate() {
        let x = c.margin_x + i as f32 * (w + gap);
        c.fill_rect(x, top, w, box_h, palette::STRIPE);
        c.fill_rect(x, top, w, 2.0, palette::ACCENT);
        c.text(
            x + 10.0,
            top + 18.0,
            Weight::Bold,
            9.0,
            palette::ACCENT,
            role,
        );
        let face = c.fonts().face(Weight::Regular);
        let label = |s: &str| face.ellipsize(&face.sanitize(s), 9.0, w - 84.0);
        let (name, org) = (label(name), label(org));
        c.text(
            x + 10.0,
            top + 38.0,
            Weight::Regular,
            8.0,
            palette::MUTED,
            "Name",
        );
        c.text(
            x + 74.0,
            top + 38.0,
            Weight::Regular,
            9.0,
            palette::INK,
            &name,
        );
        c.text(
            x + 10.0,
            top + 54.0,
            Weight::Regular,
            8.0,
            palette::MUTED,
            "Organisation",
        );
        c.text(
            x + 74.0,
            top + 54.0,
            Weight::Regular,
            9.0,
            palette::INK,
            &org,
        );
        c.text(
            x + 10.0,
            top + 82.0,
            Weight::Regular,
            8.0,
            palette::MUTED,
            "Date",
        );
        c.hline(x + 74.0, x + w - 10.0, top + 84.0, 0.5, palette::MUTED);
        c.text(
            x + 10.0,
            top + 108.0,
            Weight::Regular,
            8.0,
            palette::MUTED,
            "Signature",
        );
        c.hline(x + 74.0, x + w - 10.0, top + 110.0, 0.5, palette::MUTED);
    }
    c.y = top + box_h + 14.0;
    paragraph(
        c,
        "By signing, the technician confirms the facts above were gathered as described in the method appendix; the IT \
         reviewer confirms receipt of the system, this report and the credentials export.",
        8.0,
        palette::MUTED,
    );
}
