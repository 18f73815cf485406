//! Fuzz target: an SSDP (HTTPU) answer datagram through `ssdp::parse`, and the USN's uuid it yields.
#![no_main]

use handover_devices::discovery::ssdp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(a) = ssdp::parse(data) {
        let _ = a.uuid();
    }
});
