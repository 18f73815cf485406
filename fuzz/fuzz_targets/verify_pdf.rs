//! Fuzz target: the bytes of a PDF given to `handover verify` and the app's Review screen
//! (`handover_report::read_inventory`: the verification and the embedded inventory), against the CA that
//! signed the seed report (`fuzz/seeds/verify_pdf.ca.pem`) at a fixed time, and the verdict's text.
#![no_main]

use std::sync::OnceLock;

use handover_report::{TrustedCert, read_inventory};
use libfuzzer_sys::fuzz_target;

fn trusted() -> &'static [TrustedCert] {
    static CA: OnceLock<Vec<TrustedCert>> = OnceLock::new();
    CA.get_or_init(|| {
        TrustedCert::from_pem(include_bytes!("../seeds/verify_pdf.ca.pem"))
            .expect("the seed CA parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let reading = read_inventory(
        data,
        trusted(),
        time::macros::datetime!(2026-12-01 12:00 UTC),
    );
    let _ = reading.audit_anchor();
    let v = &reading.verification;
    let _ = v.verdict();
    let _ = v.reason();
    let _ = v.to_string();
    if let Ok(inventory) = &reading.inventory {
        let _ = inventory.summary();
    }
});
