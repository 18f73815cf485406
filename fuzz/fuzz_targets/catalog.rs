//! Fuzz target: a catalog file as the loader meets it. The `.sig` check runs first (its text taken from the
//! input's first line, against the shipped key), then, as if the signature had held, the body goes through
//! `peek_header` and both catalog parsers; a catalog that parses is asked about a few devices.
#![no_main]

use handover_model::{DeviceFacts, MacAddr};
use handover_policy::catalog::{
    defaults::DefaultCredentials, firmware::FirmwareBaseline, peek_header, signature,
};
use libfuzzer_sys::fuzz_target;

fn devices() -> Vec<(DeviceFacts, Option<MacAddr>)> {
    let facts = |m: &str, model: &str, fw: &str| DeviceFacts {
        manufacturer: Some(m.into()),
        model: Some(model.into()),
        firmware: Some(fw.into()),
        ..DeviceFacts::default()
    };
    vec![
        (
            facts("AXIS", "P3265-LVE", "10.12.114"),
            Some(MacAddr([0xac, 0xcc, 0x8e, 0, 0, 1])),
        ),
        (
            facts("Hikvision", "DS-2CD2143G2-I", "V5.7.3 build 220112"),
            None,
        ),
        (facts("", "", ""), None),
    ]
}

fuzz_target!(|data: &[u8]| {
    let sig = String::from_utf8_lossy(data.split(|b| *b == b'\n').next().unwrap_or_default());
    let _ = signature::verify("fuzz", data, Some(&sig), &signature::TrustedKey::shipped());
    let _ = peek_header("fuzz", data);
    if let Ok(c) = DefaultCredentials::parse(data, "fuzz") {
        for (facts, mac) in devices() {
            let _ = c.attempt_plan(&facts, mac);
        }
    }
    if let Ok(c) = FirmwareBaseline::parse(data, "fuzz") {
        for (facts, mac) in devices() {
            let _ = c.assess(&facts, mac);
            let _ = c.end_of_support(&facts, mac);
            let _ = c.parse_version(&facts, mac, facts.firmware.as_deref().unwrap_or_default());
        }
    }
});
