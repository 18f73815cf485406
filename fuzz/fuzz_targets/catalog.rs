//! Fuzz target: a catalog file as the loader meets it, one step per input so an execution parses the TOML
//! once. The first byte chooses the step (`b % 4`; the seeds use the letter shown): 0 (`d`) the
//! default-credentials parser, whose catalog is then asked about a few devices; 1 (`a`) `peek_header` alone;
//! 2 (`f`) the firmware-baseline parser and its questions; 3 (`s`) the `.sig` check, the rest's first line
//! taken as the `.sig` text and the lines after it as the catalog bytes, against the shipped key. Profiling
//! showed the three TOML parses of every input were the cost, not the Ed25519 check.
#![no_main]

use std::sync::OnceLock;

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

fn shipped() -> &'static [signature::TrustedKey] {
    static KEYS: OnceLock<Vec<signature::TrustedKey>> = OnceLock::new();
    KEYS.get_or_init(signature::TrustedKey::shipped)
}

fuzz_target!(|data: &[u8]| {
    let Some((&step, body)) = data.split_first() else {
        return;
    };
    match step % 4 {
        0 => {
            if let Ok(c) = DefaultCredentials::parse(body, "fuzz") {
                for (facts, mac) in devices() {
                    let _ = c.attempt_plan(&facts, mac);
                }
            }
        }
        1 => {
            let _ = peek_header("fuzz", body);
        }
        2 => {
            if let Ok(c) = FirmwareBaseline::parse(body, "fuzz") {
                for (facts, mac) in devices() {
                    let _ = c.assess(&facts, mac);
                    let _ = c.end_of_support(&facts, mac);
                    let _ =
                        c.parse_version(&facts, mac, facts.firmware.as_deref().unwrap_or_default());
                }
            }
        }
        _ => {
            let (sig, bytes) = match body.iter().position(|b| *b == b'\n') {
                Some(at) => (&body[..at], &body[at + 1..]),
                None => (body, &[][..]),
            };
            let sig = String::from_utf8_lossy(sig);
            let _ = signature::verify("fuzz", bytes, Some(&sig), shipped());
        }
    }
});
