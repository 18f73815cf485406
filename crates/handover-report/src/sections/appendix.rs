//! Method appendix (versions, catalogs and hashes, discovery per subnet, audit log head,
//! timestamps, the devices' pinned TLS certificates) and the sign-off block for the technician and the IT
//! reviewer.

use super::{col, heading, heading_keep, key_values, num, paragraph};
use crate::layout::page::{Composer, palette};
use crate::layout::table::{Span, Table, Tone};
use crate::layout::text::{Weight, format_timestamp};
use crate::model::ReportModel;

pub(super) fn method(c: &mut Composer, m: &ReportModel) {
    heading(c, "Method appendix");
    paragraph(
        c,
        "The signature covers the whole file. To check it offline, with the integrator's CA certificate whose SHA-256 \
         is on the cover: `handover verify THIS.pdf --trust CA.pem` (or any PAdES-capable reader with that CA trusted). \
         The attached handover-inventory.json holds the same inventory and findings for import.",
        8.0,
        palette::MUTED,
    );
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
            let mut why: Vec<Span> = if d.not_found.is_empty() {
                vec![Span::toned("all planned devices found", Tone::Good)]
            } else {
                d.not_found.iter().map(|w| Span::plain(w.clone())).collect()
            };
            if !d.unidentified.is_empty() {
                why.push(Span::toned(
                    format!(
                        "{} unidentified host(s): see As-built network",
                        d.unidentified.len()
                    ),
                    Tone::Warn,
                ));
            }
            if d.no_camera_service > 0 {
                why.push(Span::toned(
                    format!(
                        "{} other host(s) with no camera service",
                        d.no_camera_service
                    ),
                    Tone::Muted,
                ));
            }
            vec![
                vec![Span::plain(d.subnet.clone())],
                vec![Span::plain(d.methods.join(", "))],
                vec![Span::plain(d.devices_found.to_string())],
                why,
            ]
        }),
    );
    let pinned: Vec<_> = m
        .devices
        .iter()
        .filter(|d| d.tls_sha256.is_some())
        .collect();
    if !pinned.is_empty() {
        let certs = Table {
            columns: vec![col("Device", 1.1), col("Address", 0.6), col("SHA-256", 4.3)],
            font_size: 6.4,
            max_lines: 2,
        };
        certs.draw(
            c,
            Some("TLS certificates pinned (first seen, trusted on first use)"),
            pinned.iter().map(|d| {
                vec![
                    vec![Span::plain(format!("{} {}", d.id, d.name))],
                    vec![Span::plain(d.address.clone())],
                    vec![Span::toned(
                        d.tls_sha256.clone().unwrap_or_default(),
                        Tone::Muted,
                    )],
                ]
            }),
        );
    }
}

pub(super) fn sign_off(c: &mut Composer, m: &ReportModel) {
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
