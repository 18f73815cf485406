//! The machine-readable twin of the report: the inventory and findings as JSON (embedded in
//! the PDF as an attached file and exported beside it) and the device inventory as CSV, for
//! IT to load into a CMDB, plus the findings as CSV. Field order is the struct declaration order, so the output is
//! stable. Built from [`ReportModel`] alone, which has no field for a secret, so no secret can
//! appear here. This module does no IO: it returns bytes.

use serde::Serialize;

use crate::error::Result;
use crate::model::{
    CredentialHandover, Device, Finding, ReportModel, Signer, Site, SubnetDiscovery, Summary, Vlan,
    Waiver,
};

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
    /// The signer and the CA to trust, with its SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<&'a Signer>,
    /// The accounts held and the export made for IT (never a password).
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials: Option<&'a CredentialHandover>,
    /// Discovery per subnet, with the hosts that answered but could not be identified.
    discovery: &'a [SubnetDiscovery],
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
        signer: model.signer.as_ref(),
        credentials: model.credentials.as_ref(),
        discovery: &model.method.discovery,
    };
    let mut out = serde_json::to_vec_pretty(&inv)?;
    out.push(b'\n');
    Ok(out)
}

/// The CSV header, one column per field of a device row. States use the JSON twin's words
/// (`compliant`, `default_active`, …) and times are ISO 8601 (RFC 3339, UTC).
pub const CSV_HEADER: [&str; 27] = [
    "device_id",
    "name",
    "location",
    "role",
    "site",
    "status",
    "vlan_id",
    "vlan_name",
    "address",
    "mac",
    "switch",
    "switch_port",
    "switch_port_vlan",
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

/// ISO 8601 / RFC 3339 in UTC, e.g. `2026-12-07T06:11:00Z`.
pub fn iso(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A device's handover status, one word for the PDF, the JSON and both CSVs (and a valid NetBox
/// device status): `active` when handed over with every check run, `staged` while some check could
/// not run (the device is not handed over yet).
pub fn device_status(d: &Device) -> &'static str {
    if d.not_checked
        .as_ref()
        .is_some_and(|n| n.aspects.iter().any(|a| a == "credentials"))
    {
        "staged"
    } else {
        "active"
    }
}

/// What the CSV twins are written from: the model when a report is made ([`ReportModel::csv_source`]), or
/// the inventory read back from a signed report ([`crate::Inventory::csv_source`], the desktop app's Review
/// export). Both go through the same writers, so a CSV exported from a received report has the report's
/// own schema, byte for byte. `keep` picks the rows (device ids for the device CSVs, finding ids for the
/// findings CSV); every row when `None`. Open findings per device are counted over all findings.
#[derive(Debug, Clone)]
pub struct CsvSource<'a> {
    /// Site, customer and the people involved.
    pub site: &'a Site,
    /// The report's date as the PDF prints it (NetBox descriptions).
    pub generated_on: String,
    /// The planned VLANs.
    pub vlans: &'a [Vlan],
    /// Every device.
    pub devices: &'a [Device],
    /// Every finding.
    pub findings: &'a [Finding],
    /// Every waiver.
    pub waivers: &'a [Waiver],
    /// The ids of the rows to write; all when `None`.
    pub keep: Option<&'a [String]>,
}

impl CsvSource<'_> {
    /// Whether the row with this id is written.
    pub fn kept(&self, id: &str) -> bool {
        self.keep.is_none_or(|k| k.iter().any(|x| x == id))
    }
}

impl ReportModel {
    /// Every row of this model, for the CSV writers.
    pub fn csv_source(&self) -> CsvSource<'_> {
        CsvSource {
            site: &self.site,
            generated_on: crate::layout::text::format_date(self.generated_at),
            vlans: &self.vlans,
            devices: &self.devices,
            findings: &self.findings,
            waivers: &self.waivers,
            keep: None,
        }
    }
}

/// The device inventory as CSV (header [`CSV_HEADER`]) for a report's model.
pub fn inventory_csv(model: &ReportModel) -> Result<Vec<u8>> {
    devices_csv(&model.csv_source())
}

/// The NetBox device import (header [`NETBOX_CSV_HEADER`]) for a report's model.
pub fn netbox_csv(model: &ReportModel) -> Result<Vec<u8>> {
    netbox_devices_csv(&model.csv_source())
}

/// The findings as CSV (header [`FINDINGS_CSV_HEADER`]) for a report's model.
pub fn findings_csv(model: &ReportModel) -> Result<Vec<u8>> {
    findings_rows_csv(&model.csv_source())
}

fn open_findings_of<'a>(model: &CsvSource<'a>, d: &Device) -> String {
    model
        .findings
        .iter()
        .filter(|f| {
            f.status == crate::model::FindingStatus::Open
                && f.device_id.as_deref() == Some(d.id.as_str())
        })
        .map(|f| f.id.as_str())
        .collect::<Vec<&'a str>>()
        .join(" ")
}

/// The device inventory as CSV (RFC 4180 quoting, header row first, one row per device kept). Every text cell
/// goes through the formula guard: a source read back from a received file is untrusted throughout.
pub fn devices_csv(model: &CsvSource<'_>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for d in model.devices.iter().filter(|d| model.kept(&d.id)) {
        let vlan_name = model
            .vlans
            .iter()
            .find(|v| v.id == d.vlan_id)
            .map(|v| v.name.as_str())
            .unwrap_or("");
        let rotated_at = d.credential.rotated_at.map(iso).unwrap_or_default();
        let services = d
            .services
            .iter()
            .map(|s| format!("{}/{} {}", s.port, s.transport, s.name))
            .collect::<Vec<_>>()
            .join("; ");
        let port = d.switch_port.as_ref();
        w.write_record([
            csv_safe(&d.id).as_str(),
            &csv_safe(&d.name),
            &csv_safe(d.location.as_deref().unwrap_or("")),
            &csv_safe(&d.role),
            &csv_safe(&model.site.name),
            device_status(d),
            &d.vlan_id.to_string(),
            &csv_safe(vlan_name),
            &csv_safe(&d.address),
            &csv_safe(&d.mac),
            &csv_safe(port.map_or("", |p| p.switch.as_str())),
            &csv_safe(port.map_or("", |p| p.port.as_str())),
            &port.map(|p| p.vlan.to_string()).unwrap_or_default(),
            &csv_safe(&d.maker),
            &csv_safe(&d.model),
            &csv_safe(&d.serial),
            &csv_safe(&d.firmware.version),
            &csv_safe(d.firmware.baseline.as_deref().unwrap_or("")),
            d.firmware.status.label(),
            d.credential.state.code(),
            &rotated_at,
            &csv_safe(d.credential.rotated_by.as_deref().unwrap_or("")),
            if d.credential.over_plain_http {
                "yes"
            } else {
                "no"
            },
            if d.placement.verified { "yes" } else { "no" },
            &csv_safe(&services),
            &csv_safe(&open_findings_of(model, d)),
            &csv_safe(d.tls_sha256.as_deref().unwrap_or("")),
        ])?;
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| crate::error::Error::Csv(csv::Error::from(e.into_error())))
}

/// The header of the NetBox devices CSV: NetBox's device bulk-import fields first (`name`, `role`,
/// `manufacturer`, `device_type`, `site`, `status`, `serial`, `description`), then Handover's own
/// facts as custom fields (`cf_…`; create them in NetBox first, or drop the columns).
pub const NETBOX_CSV_HEADER: [&str; 18] = [
    "name",
    "role",
    "manufacturer",
    "device_type",
    "site",
    "status",
    "serial",
    "description",
    "cf_handover_id",
    "cf_ip_address",
    "cf_mac_address",
    "cf_planned_vlan",
    "cf_switch",
    "cf_switch_port",
    "cf_switch_port_vlan",
    "cf_firmware",
    "cf_firmware_status",
    "cf_credential_state",
];

/// The devices as NetBox's device import wants them (`/dcim/devices/import/`, CSV). NetBox finds
/// `role`, `manufacturer`, `site` by name and `device_type` by model, so those must exist in NetBox
/// (the README lists what to create); a device without a known maker or model gets "Unknown".
pub fn netbox_devices_csv(model: &CsvSource<'_>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(NETBOX_CSV_HEADER)?;
    let or_unknown = |s: &str| {
        if s.trim().is_empty() {
            "Unknown".to_owned()
        } else {
            csv_safe(s.trim())
        }
    };
    for d in model.devices.iter().filter(|d| model.kept(&d.id)) {
        let port = d.switch_port.as_ref();
        w.write_record([
            csv_safe(&d.name),
            or_unknown(&d.role),
            or_unknown(&d.maker),
            or_unknown(&d.model),
            csv_safe(&model.site.name),
            device_status(d).to_owned(),
            csv_safe(&d.serial),
            csv_safe(&format!(
                "Handed over by {} on {}",
                model.site.integrator, model.generated_on
            )),
            csv_safe(&d.id),
            csv_safe(&d.address),
            csv_safe(&d.mac),
            if d.vlan_id == 0 {
                String::new()
            } else {
                d.vlan_id.to_string()
            },
            csv_safe(port.map_or("", |p| p.switch.as_str())),
            csv_safe(port.map_or("", |p| p.port.as_str())),
            port.map(|p| p.vlan.to_string()).unwrap_or_default(),
            csv_safe(&d.firmware.version),
            d.firmware.status.label().to_owned(),
            d.credential.state.code().to_owned(),
        ])?;
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| crate::error::Error::Csv(csv::Error::from(e.into_error())))
}

/// The header of the findings CSV.
pub const FINDINGS_CSV_HEADER: [&str; 17] = [
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
    "check",
    "owner",
    "due",
    "known_exploited",
    "action",
    "resolution",
    "read_back_at",
];

/// The findings as CSV, one row per finding kept (with its waiver, if any), for IT's ticketing.
pub fn findings_rows_csv(model: &CsvSource<'_>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(FINDINGS_CSV_HEADER)?;
    for f in model.findings.iter().filter(|f| model.kept(&f.id)) {
        let device = f
            .device_id
            .as_deref()
            .and_then(|id| model.devices.iter().find(|d| d.id == id));
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
                .map(iso)
                .unwrap_or_default(),
            csv_safe(&f.check),
            f.owner
                .map(|o| match o {
                    crate::model::Owner::Integrator => "integrator",
                    crate::model::Owner::Customer => "customer",
                })
                .unwrap_or_default()
                .to_owned(),
            csv_safe(f.due.as_deref().unwrap_or("")),
            csv_safe(&f.known_exploited.join(" ")),
            csv_safe(&f.action),
            f.resolution
                .as_ref()
                .map(|r| csv_safe(&r.action))
                .unwrap_or_default(),
            f.resolution
                .as_ref()
                .map(|r| iso(r.read_back_at))
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
