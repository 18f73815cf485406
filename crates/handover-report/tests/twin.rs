//! The machine-readable twin: the JSON export equals the file embedded in the PDF, has a
//! stable field order and no secret-looking fields; the CSV has one row per device and
//! neutralises spreadsheet formulas in device-supplied text.

mod common;

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
    assert_eq!(&rows[0][8], m.devices[0].serial.as_str());
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
