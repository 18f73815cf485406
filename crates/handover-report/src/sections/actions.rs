//! The cover's part for IT: open findings by severity, the known-exploited vulnerabilities by
//! name with their devices, and a short numbered list of what IT must do next (confirm the CA,
//! the items owned by customer IT, what to hold the integrator to, waivers and devices not
//! checked). Everything here is derived from the model; nothing is invented for the cover.

use super::paragraph;
use crate::layout::page::{Composer, palette};
use crate::layout::text::Weight;
use crate::model::{Finding, FindingStatus, Owner, ReportModel, Severity};

fn open(m: &ReportModel) -> impl Iterator<Item = &Finding> {
    m.findings
        .iter()
        .filter(|f| f.status == FindingStatus::Open)
}

fn device_label(m: &ReportModel, f: &Finding) -> String {
    match f.device_id.as_deref().and_then(|id| m.device(id)) {
        Some(d) => format!("{} ({})", d.name, d.address),
        None => f.device_id.clone().unwrap_or_else(|| "site-wide".into()),
    }
}

/// Four boxes: open findings per severity (critical, high, medium, low; info is counted with low).
pub(super) fn severity_strip(c: &mut Composer, m: &ReportModel) {
    let s = m.summary();
    let counts = [
        ("Critical", s.open_by_severity[0], palette::BAD),
        ("High", s.open_by_severity[1], palette::BAD),
        ("Medium", s.open_by_severity[2], palette::WARN),
        (
            "Low / info",
            s.open_by_severity[3] + s.open_by_severity[4],
            palette::MUTED,
        ),
    ];
    let h = 30.0;
    c.ensure(h + 30.0);
    c.text(
        c.margin_x,
        c.y + 10.0,
        Weight::Bold,
        10.0,
        palette::INK,
        &format!("Open findings by severity ({} open)", s.open_findings),
    );
    c.y += 16.0;
    let gap = 8.0;
    let w = (c.content_width() - 3.0 * gap) / 4.0;
    for (i, (label, n, color)) in counts.iter().enumerate() {
        let x = c.margin_x + i as f32 * (w + gap);
        let tone = if *n == 0 { palette::GOOD } else { *color };
        c.fill_rect(x, c.y, w, h, palette::STRIPE);
        c.fill_rect(x, c.y, 3.0, h, tone);
        c.text(
            x + 10.0,
            c.y + 19.5,
            Weight::Regular,
            8.5,
            palette::MUTED,
            label,
        );
        c.text_right(
            x + w - 10.0,
            c.y + 21.0,
            Weight::Bold,
            14.0,
            tone,
            &n.to_string(),
        );
    }
    c.y += h + 11.0;
    let (line, tone) = if s.unidentified_hosts == 0 {
        (
            "Unidentified hosts on planned subnets: none".to_owned(),
            palette::MUTED,
        )
    } else {
        (
            format!(
                "Unidentified hosts on planned subnets: {} (see As-built network)",
                s.unidentified_hosts
            ),
            palette::WARN,
        )
    };
    c.text(c.margin_x, c.y, Weight::Bold, 8.5, tone, &line);
    c.y += 12.0;
}

/// The known-exploited CVEs still open, by name, with their devices, owner and due date.
pub(super) fn known_exploited(c: &mut Composer, m: &ReportModel) {
    let kev: Vec<&Finding> = open(m).filter(|f| !f.known_exploited.is_empty()).collect();
    if kev.is_empty() {
        return;
    }
    c.ensure(60.0);
    c.text(
        c.margin_x,
        c.y + 10.0,
        Weight::Bold,
        10.0,
        palette::BAD,
        "Known-exploited vulnerabilities (attackers use them today)",
    );
    c.y += 16.0;
    // One line per set of CVEs; up to three devices named with their finding ids, the rest counted, so a
    // site with many vulnerable cameras still has a one-page cover.
    let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in kev {
        let key = f.known_exploited.join(", ");
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    for (cves, list) in groups.iter().take(4) {
        let first = list[0];
        let due = match (
            &first.owner,
            list.iter().filter_map(|f| f.due.as_deref()).min(),
        ) {
            (Some(o), Some(d)) => format!("; {} by {d}", o.label()),
            _ => String::new(),
        };
        let mut named: Vec<String> = list
            .iter()
            .take(3)
            .map(|f| format!("{} ({})", device_label(m, f), f.id))
            .collect();
        if list.len() > 3 {
            named.push(format!("and {} more", list.len() - 3));
        }
        paragraph(
            c,
            &format!("{cves} on {}: firmware update{due}", named.join(", ")),
            8.5,
            palette::BAD,
        );
        c.y -= 3.0;
    }
    if groups.len() > 4 {
        paragraph(
            c,
            &format!(
                "{} more set(s) of known-exploited CVEs: see Open findings.",
                groups.len() - 4
            ),
            8.5,
            palette::BAD,
        );
        c.y -= 3.0;
    }
    c.y += 6.0;
}

/// What IT must do next, numbered.
pub(super) fn next_steps(c: &mut Composer, m: &ReportModel) {
    let mut steps: Vec<String> = Vec::new();
    let integrator = &m.site.integrator;
    if m.signer.is_some() {
        steps.push(format!(
            "Call {integrator} and read the CA SHA-256 above back to them before you trust their CA certificate; \
             then check this file's signature with it."
        ));
    }
    let mut customer: Vec<&Finding> = open(m)
        .filter(|f| f.owner == Some(Owner::Customer))
        .collect();
    customer.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.due.cmp(&b.due)));
    for f in customer.iter().take(4) {
        let severity = f.severity.label();
        let mut chars = severity.chars();
        let severity: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        steps.push(format!(
            "{severity}: {} \u{2014} {}, due {} ({}).",
            f.title,
            device_label(m, f),
            f.due.as_deref().unwrap_or("now"),
            f.id
        ));
    }
    if customer.len() > 4 {
        steps.push(format!(
            "{} more item(s) for customer IT are in the Findings section.",
            customer.len() - 4
        ));
    }
    let theirs: Vec<&Finding> = open(m)
        .filter(|f| f.owner == Some(Owner::Integrator))
        .collect();
    if let Some(first) = theirs.iter().filter_map(|f| f.due.as_deref()).min() {
        let urgent = theirs
            .iter()
            .filter(|f| f.severity >= Severity::High)
            .count();
        steps.push(format!(
            "Hold {integrator} to {} open item(s) ({urgent} critical or high), the first due {first}: listed in \
             Findings with owner \"integrator\".",
            theirs.len()
        ));
    }
    let plain: Vec<&str> = m
        .devices
        .iter()
        .filter(|d| d.credential.over_plain_http)
        .map(|d| d.name.as_str())
        .collect();
    if !plain.is_empty() {
        steps.push(format!(
            "New passwords reached {} over plain HTTP (they offer no working HTTPS): have {integrator} enable HTTPS \
             on them and change those passwords again.",
            plain.join(", ")
        ));
    }
    let unchecked: Vec<&str> = m
        .devices
        .iter()
        .filter(|d| d.not_checked.is_some())
        .map(|d| d.name.as_str())
        .collect();
    if !unchecked.is_empty() {
        steps.push(format!(
            "Treat {} device(s) as not handed over until their checks are complete: {}.",
            unchecked.len(),
            unchecked.join(", ")
        ));
    }
    let s = m.summary();
    if s.unidentified_hosts > 0 {
        steps.push(format!(
            "Identify the {} host(s) on planned subnets that answered but are not in this inventory (As-built \
             network): each is either a device to hand over or something that does not belong there.",
            s.unidentified_hosts
        ));
    }
    match m.credentials.as_ref().map(|h| &h.export) {
        Some(Some(e)) => steps.push(format!(
            "Check that the credential export you received is {} with SHA-256 {}\u{2026} and {} entries; get its \
             password from {integrator} separately.",
            e.file,
            e.sha256.as_deref().map_or("(not recorded)", |h| &h[..h.len().min(16)]),
            e.entries
        )),
        Some(None) => steps.push(format!(
            "Ask {integrator} for the encrypted credential export: none was made yet."
        )),
        None => {}
    }
    let unapproved: Vec<&str> = m
        .waivers
        .iter()
        .filter(|w| w.approved_by.trim().is_empty())
        .map(|w| w.finding_id.as_str())
        .collect();
    if !unapproved.is_empty() {
        steps.push(format!(
            "Approve or reject {} waiver(s) nobody on your side has accepted yet ({}): each is a risk your \
             organisation would carry.",
            unapproved.len(),
            unapproved.join(", ")
        ));
    } else if !m.waivers.is_empty() {
        let open_ended = m.waivers.iter().filter(|w| w.expires_at.is_none()).count();
        steps.push(format!(
            "Review the {} waiver(s) your side approved{}.",
            m.waivers.len(),
            if open_ended > 0 {
                format!("; {open_ended} have no expiry date")
            } else {
                String::new()
            }
        ));
    }
    if steps.is_empty() {
        steps.push("Nothing is open: file this report with the system's documentation.".into());
    }
    c.ensure(40.0);
    c.text(
        c.margin_x,
        c.y + 10.0,
        Weight::Bold,
        10.0,
        palette::INK,
        "What IT must do next",
    );
    c.y += 16.0;
    let face = c.fonts().face(Weight::Regular);
    let size = 8.5;
    let indent = 14.0;
    for (i, step) in steps.iter().enumerate() {
        let lines = face.wrap(&face.sanitize(step), size, c.content_width() - indent, 4);
        c.ensure(lines.len() as f32 * size * 1.35 + 3.0);
        c.text(
            c.margin_x,
            c.y + size,
            Weight::Bold,
            size,
            palette::ACCENT,
            &format!("{}.", i + 1),
        );
        for l in lines {
            c.text(
                c.margin_x + indent,
                c.y + size,
                Weight::Regular,
                size,
                palette::INK,
                &l,
            );
            c.y += size * 1.35;
        }
        c.y += 2.0;
    }
    c.y += 4.0;
}
