//! Fuzz target: an mDNS / DNS-SD answer datagram through `mdns::parse` (names, compression pointers, records).
#![no_main]

use handover_devices::discovery::mdns;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mdns::parse(data);
});
