//! The machine-readable twin: the JSON export equals the file embedded in the PDF, has a
//! stable field order and no secret-looking fields; the CSV has one row per device and
//! neutralises spreadsheet formulas in device-supplied text.

use handover_test_support::report as common;

use common::*;
use handover_report::twin::{
    CSV_HEADER, FINDINGS_CSV_HEADER, INVENTORY_SCHEMA, findings_csv, inventory_csv, inventory_json,
};

#[test]
fn json_twin_is_embedded_and_stable() {
    let m = model(25);
    let json = inventory_json(&m).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["schema"], INVENTORY_SCHEMA);
    assert_eq!(v["handover_version"], m.method.handover_version);
    assert_eq!(v["audit_log_head"], m.method.audit_log_head);
    assert_eq!(v["devices"].as_array().unwrap().len(), 25);
    assert_eq!(v["devices"][0]["serial"], m.devices[0].serial);
    // Field order follows the model, so the bytes are stable: top-level keys in order.
    let text = String::from_utf8(json.clone()).unwrap();
    let order: Vec<usize> = [
        "schema",
        "project_id",
        "generated_at",
        "handover_version",
        "audit_log_head",
        "site",
        "summary",
        "vlans",
        "devices",
        "findings",
        "waivers",
    ]
    .iter()
    .map(|k| {
        text.find(&format!("\n  \"{k}\":"))
            .unwrap_or_else(|| panic!("{k} missing"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // No field could hold a secret: no key anywhere names one (values may mention the
    // word, e.g. a finding "default password still active").
    fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| {
                out.push(k.to_lowercase());
                keys(v, out)
            }),
            serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    keys(&v, &mut all);
    for k in &all {
        for secret_word in ["password", "secret", "key", "token", "credential_value"] {
            assert!(!k.contains(secret_word), "field {k} in the twin");
        }
    }
    // The PDF carries exactly these bytes as /EmbeddedFiles handover-inventory.json.
    let pdf = render_n(25);
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let embedded = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .find(|s| {
            s.dict.get(b"Type").ok().and_then(|t| t.as_name().ok())
                == Some(b"EmbeddedFile".as_slice())
        })
        .expect("embedded file stream");
    let content = embedded
        .decompressed_content()
        .unwrap_or_else(|_| embedded.content.clone());
    assert_eq!(content, json);
}

#[test]
fn csv_has_a_row_per_device_and_no_formulas() {
    let mut m = model(12);
    m.devices[3].name = "=HYPERLINK(\"http://x\")".into();
    let csv = inventory_csv(&m).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_HEADER.to_vec()
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12);
    let col = |name: &str| CSV_HEADER.iter().position(|h| *h == name).unwrap();
    assert_eq!(&rows[0][col("serial")], m.devices[0].serial.as_str());
    // The pinned TLS certificate, where the device has one, in the last column.
    for (row, d) in rows.iter().zip(&m.devices) {
        assert_eq!(
            &row[CSV_HEADER.len() - 1],
            d.tls_sha256.as_deref().unwrap_or(""),
            "{}",
            d.id
        );
    }
    assert!(m.devices.iter().any(|d| d.tls_sha256.is_some()));
    assert!(m.devices.iter().any(|d| d.tls_sha256.is_none()));
    assert!(rows[3][1].starts_with("'="), "{}", &rows[3][1]);
    // One vocabulary with the JSON twin; ISO 8601 times; switch, port, role, site and status present.
    let json: serde_json::Value = serde_json::from_slice(&inventory_json(&m).unwrap()).unwrap();
    for (row, d) in rows.iter().zip(json["devices"].as_array().unwrap()) {
        assert_eq!(
            &row[col("firmware_status")],
            d["firmware"]["status"].as_str().unwrap()
        );
        assert_eq!(
            &row[col("credential_state")],
            d["credential"]["state"].as_str().unwrap()
        );
        if let Some(t) = d["credential"]["rotated_at"].as_str() {
            let csv_t = time::OffsetDateTime::parse(
                &row[col("credential_rotated_at")],
                &time::format_description::well_known::Rfc3339,
            )
            .expect("ISO 8601 in the CSV");
            let json_t =
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                    .unwrap();
            assert_eq!(csv_t, json_t);
        }
        assert_eq!(&row[col("role")], d["role"].as_str().unwrap());
        assert_eq!(&row[col("site")], m.site.name.as_str());
        assert!(
            ["active", "staged"].contains(&&row[col("status")]),
            "{:?}",
            row
        );
        match d["switch_port"].as_object() {
            Some(p) => {
                assert_eq!(&row[col("switch")], p["switch"].as_str().unwrap());
                assert_eq!(&row[col("switch_port")], p["port"].as_str().unwrap());
            }
            None => assert_eq!(&row[col("switch")], ""),
        }
    }
    // Hostile names survive quoting intact.
    assert_eq!(&rows[0][1], m.devices[0].name.as_str());
    assert_eq!(&rows[1][1], m.devices[1].name.as_str());
    // Control characters from a device name never reach the CSV.
    assert!(m.devices[5].name.chars().any(char::is_control));
    assert!(
        !rows[5][1].chars().any(char::is_control),
        "{:?}",
        &rows[5][1]
    );
    assert_eq!(
        csv.iter().filter(|&&b| b == b'\n').count(),
        13,
        "one line per record"
    );
}

#[test]
fn findings_csv_lists_every_finding_with_its_waiver() {
    let m = model(80);
    let csv = findings_csv(&m).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        FINDINGS_CSV_HEADER.to_vec()
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), m.findings.len());
    let waived: Vec<_> = rows.iter().filter(|r| &r[4] == "waived").collect();
    assert!(!waived.is_empty());
    assert!(
        waived.iter().all(|r| r[8].starts_with("W-")),
        "waived findings name their waiver"
    );
    for (row, f) in rows.iter().zip(&m.findings) {
        assert_eq!(&row[0], f.id.as_str());
        let serial = m
            .device(f.device_id.as_deref().unwrap())
            .unwrap()
            .serial
            .as_str();
        assert_eq!(&row[2], serial);
    }
}

/// NetBox's device bulk import (`/dcim/devices/import/`, DeviceImportForm) needs `name`, `role`,
/// `manufacturer`, `device_type`, `site` and `status` (one of NetBox's DeviceStatusChoices); other
/// columns must be model fields or custom fields named `cf_<name>`. NetBox cannot run here, so the CSV
/// is checked against those documented rules.
#[test]
fn the_netbox_csv_has_netbox_import_fields_and_valid_values() {
    use handover_report::twin::{NETBOX_CSV_HEADER, netbox_csv};
    let mut m = model(30);
    m.devices[2].maker.clear();
    let csv = netbox_csv(&m).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, NETBOX_CSV_HEADER.map(String::from).to_vec());
    const REQUIRED: [&str; 6] = [
        "name",
        "role",
        "manufacturer",
        "device_type",
        "site",
        "status",
    ];
    const MODEL_FIELDS: [&str; 8] = [
        "name",
        "role",
        "manufacturer",
        "device_type",
        "site",
        "status",
        "serial",
        "description",
    ];
    const STATUSES: [&str; 7] = [
        "offline",
        "active",
        "planned",
        "staged",
        "failed",
        "inventory",
        "decommissioning",
    ];
    for h in &header {
        let custom = h.strip_prefix("cf_").is_some_and(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
        assert!(
            MODEL_FIELDS.contains(&h.as_str()) || custom,
            "{h} is neither a device field nor a custom field"
        );
    }
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), m.devices.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, d) in rows.iter().zip(&m.devices) {
        for req in REQUIRED {
            assert!(!row[col(req)].trim().is_empty(), "{req} empty for {}", d.id);
        }
        assert!(STATUSES.contains(&&row[col("status")]), "{:?}", row);
        assert_eq!(&row[col("serial")], d.serial.as_str());
        assert_eq!(&row[col("cf_handover_id")], d.id.as_str());
    }
    assert_eq!(&rows[2][col("manufacturer")], "Unknown");
    // The never-logged-into device is not handed over: staged, not active.
    let staged: Vec<&str> = rows
        .iter()
        .filter(|r| &r[col("status")] == "staged")
        .map(|r| r.get(col("cf_handover_id")).unwrap())
        .collect();
    let expected: Vec<&str> = m
        .devices
        .iter()
        .filter(|d| d.not_checked.is_some())
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(staged, expected);
}

#[test]
fn csv_exported_from_a_received_report_is_the_reports_own_csv() {
    use handover_report::twin::{devices_csv, findings_rows_csv, netbox_csv, netbox_devices_csv};
    let m = model(25);
    let pdf = render_n(25);
    let reading = handover_report::read_inventory(&pdf, &[], clock());
    let inv = reading.inventory.expect("the twin is readable");
    // Every row: byte for byte the files `report` writes beside the PDF.
    let all = inv.csv_source();
    assert_eq!(devices_csv(&all).unwrap(), inventory_csv(&m).unwrap());
    assert_eq!(netbox_devices_csv(&all).unwrap(), netbox_csv(&m).unwrap());
    assert_eq!(findings_rows_csv(&all).unwrap(), findings_csv(&m).unwrap());
    // A selection keeps the header and only the rows named, with the open findings still counted over all.
    let keep = [m.devices[3].id.clone(), m.devices[7].id.clone()];
    let mut some = inv.csv_source();
    some.keep = Some(&keep);
    let text = String::from_utf8(devices_csv(&some).unwrap()).unwrap();
    let whole = String::from_utf8(inventory_csv(&m).unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], CSV_HEADER.join(","));
    for (line, id) in lines[1..].iter().zip(&keep) {
        assert!(
            whole.lines().any(|l| l == *line),
            "{line} is a row of the report's own CSV"
        );
        assert!(line.starts_with(&format!("{id},")), "{line}");
    }
    let f_keep = [m.findings[0].id.clone()];
    let mut f = inv.csv_source();
    f.keep = Some(&f_keep);
    let text = String::from_utf8(findings_rows_csv(&f).unwrap()).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert_eq!(text.lines().next().unwrap(), FINDINGS_CSV_HEADER.join(","));
}

#[test]
fn csv_from_a_hostile_inventory_cannot_run_as_a_formula() {
    use handover_report::twin::{devices_csv, netbox_devices_csv};
    let pdf = render_n(3);
    let mut inv = handover_report::read_inventory(&pdf, &[], clock())
        .inventory
        .unwrap();
    // A received file can say anything, even in fields Handover itself fills with ids and addresses.
    inv.devices[0].id = "=HYPERLINK(\"http://x\")".into();
    inv.devices[0].address = "+1+1".into();
    inv.devices[0].mac = "@SUM(A1)".into();
    inv.devices[0].tls_sha256 = Some("-2".into());
    inv.generated_at = "\u{1b}]0;title\u{7}".into();
    for csv in [
        devices_csv(&inv.csv_source()).unwrap(),
        netbox_devices_csv(&inv.csv_source()).unwrap(),
    ] {
        let mut r = csv::Reader::from_reader(csv.as_slice());
        for row in r.records() {
            for cell in row.unwrap().iter() {
                assert!(
                    !cell.trim_start().starts_with(['=', '+', '-', '@']),
                    "a formula cell: {cell:?}"
                );
                assert!(!cell.chars().any(char::is_control), "{cell:?}");
            }
        }
    }
}
