//! The machine-readable twin of the report: the inventory and findings as JSON (embedded in
//! the PDF as an attached file and exported beside it) and the device inventory as CSV, for
//! IT to load into a CMDB, plus the findings as CSV. Field order is the struct declaration order, so the output is
//! stable. Built from [`ReportModel`] alone, which has no field for a secret, so no secret can
//! appear here. This module does no IO: it returns bytes.

use serde::Serialize;

use crate::error::Result;
use crate::model::{Device, Finding, ReportModel, Site, Summary, Vlan, Waiver};

/// The schema identifier written into every inventory JSON document.
pub const INVENTORY_SCHEMA: &str = "handover-inventory/1";

/// The file name of the JSON attached inside the PDF.
pub const EMBEDDED_JSON_NAME: &str = "handover-inventory.json";

/// The inventory document as serialized (borrowing from the model).
#[derive(Serialize)]
struct Inventory<'a> {
    schema: &'static str,
    project_id: &'a str,
    #[serde(with = "time::serde::rfc3339")]
    generated_at: time::OffsetDateTime,
    /// The Handover version that made the report (the workspace version), as in the PDF's appendix.
    handover_version: &'a str,
    /// The audit log head the report anchors, as printed in the PDF's method appendix.
    audit_log_head: &'a str,
    site: &'a Site,
    summary: Summary,
    vlans: &'a [Vlan],
    devices: &'a [Device],
    findings: &'a [Finding],
    waivers: &'a [Waiver],
}

/// The inventory and findings as pretty-printed JSON (UTF-8, trailing newline).
pub fn inventory_json(model: &ReportModel) -> Result<Vec<u8>> {
    let inv = Inventory {
        schema: INVENTORY_SCHEMA,
        project_id: &model.project_id,
        generated_at: model.generated_at,
        handover_version: &model.method.handover_version,
        audit_log_head: &model.method.audit_log_head,
        site: &model.site,
        summary: model.summary(),
        vlans: &model.vlans,
        devices: &model.devices,
        findings: &model.findings,
        waivers: &model.waivers,
    };
    let mut out = serde_json::to_vec_pretty(&inv)?;
    out.push(b'\n');
    Ok(out)
}

/// The CSV header, one column per field of a device row.
pub const CSV_HEADER: [&str; 20] = [
    "device_id",
    "name",
    "vlan_id",
    "vlan_name",
    "address",
    "mac",
    "maker",
    "model",
    "serial",
    "firmware_version",
    "firmware_baseline",
    "firmware_status",
    "credential_state",
    "credential_rotated_at",
    "credential_rotated_by",
    "credential_over_plain_http",
    "placement_verified",
    "services",
    "open_findings",
    "tls_certificate_sha256",
];

/// The device inventory as CSV (RFC 4180 quoting, header row first, one row per device).
pub fn inventory_csv(model: &ReportModel) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for d in &model.devices {
        let vlan_name = model
            .vlans
            .iter()
            .find(|v| v.id == d.vlan_id)
            .map(|v| v.name.as_str())
            .unwrap_or("");
        let rotated_at = d
            .credential
            .rotated_at
            .map(crate::layout::text::format_timestamp)
            .unwrap_or_default();
        let services = d
            .services
            .iter()
            .map(|s| format!("{}/{} {}", s.port, s.transport, s.name))
            .collect::<Vec<_>>()
            .join("; ");
        let open = model
            .findings
            .iter()
            .filter(|f| {
                f.status == crate::model::FindingStatus::Open
                    && f.device_id.as_deref() == Some(d.id.as_str())
            })
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        w.write_record([
            d.id.as_str(),
            &csv_safe(&d.name),
            &d.vlan_id.to_string(),
            &csv_safe(vlan_name),
            &d.address,
            &d.mac,
            &csv_safe(&d.maker),
            &csv_safe(&d.model),
            &csv_safe(&d.serial),
            &csv_safe(&d.firmware.version),
            d.firmware.baseline.as_deref().unwrap_or(""),
            d.firmware.status.label(),
            d.credential.state.label(),
            &rotated_at,
            &csv_safe(d.credential.rotated_by.as_deref().unwrap_or("")),
            if d.credential.over_plain_http {
                "yes"
            } else {
                "no"
            },
            if d.placement.verified { "yes" } else { "no" },
            &services,
            &open,
            d.tls_sha256.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| crate::error::Error::Csv(csv::Error::from(e.into_error())))
}

/// The header of the findings CSV.
pub const FINDINGS_CSV_HEADER: [&str; 10] = [
    "finding_id",
    "device_id",
    "device_serial",
    "severity",
    "status",
    "title",
    "detail",
    "clauses",
    "waiver_id",
    "waiver_expires_at",
];

/// The findings as CSV, one row per finding (with its waiver, if any), for IT's ticketing.
pub fn findings_csv(model: &ReportModel) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(FINDINGS_CSV_HEADER)?;
    for f in &model.findings {
        let device = f.device_id.as_deref().and_then(|id| model.device(id));
        let waiver = model.waivers.iter().find(|w| w.finding_id == f.id);
        w.write_record([
            csv_safe(&f.id),
            csv_safe(f.device_id.as_deref().unwrap_or("")),
            csv_safe(device.map(|d| d.serial.as_str()).unwrap_or("")),
            f.severity.label().to_owned(),
            f.status.label().to_owned(),
            csv_safe(&f.title),
            csv_safe(&f.detail),
            csv_safe(&f.clauses.join("; ")),
            waiver.map(|w| csv_safe(&w.id)).unwrap_or_default(),
            waiver
                .and_then(|w| w.expires_at)
                .map(crate::layout::text::format_timestamp)
                .unwrap_or_default(),
        ])?;
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| crate::error::Error::Csv(csv::Error::from(e.into_error())))
}

/// Neutralise spreadsheet formula injection: a cell that a spreadsheet would evaluate
/// (leading `=`, `+`, `-`, `@`, tab or CR) gets a leading apostrophe. Control characters
/// (NUL, escape sequences, line breaks) become spaces so every record stays one line that
/// CMDB importers accept. Device names come from devices and are untrusted.
/// The guard looks at the cleaned cell, past leading white space: a cell such as NUL, then `=HYPERLINK(…)`
/// is cleaned to ` =HYPERLINK(…)`, which spreadsheets still evaluate.
fn csv_safe(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match clean.trim_start().chars().next() {
        Some('=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠') => format!("'{clean}"),
        _ => clean,
    }
}

#[cfg(test)]
mod tests {
    use super::csv_safe;

    #[test]
    fn csv_cells_are_inert() {
        assert_eq!(csv_safe("=1+1"), "'=1+1");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("a\u{0}b\r\nc"), "a b  c");
        assert_eq!(csv_safe("cam-01"), "cam-01");
        // The guard applies after cleaning, past leading blanks and control characters.
        assert_eq!(csv_safe("\u{0}=HYPERLINK(x)"), "' =HYPERLINK(x)");
        assert_eq!(csv_safe("\t=1+1"), "' =1+1");
        assert_eq!(csv_safe("\r\n@x"), "'  @x");
        assert_eq!(csv_safe("  -2"), "'  -2");
        assert_eq!(csv_safe("＝1+1"), "'＝1+1");
    }
}
