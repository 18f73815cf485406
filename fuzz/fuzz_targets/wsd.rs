//! Fuzz target: a WS-Discovery datagram (ProbeMatches, Hello, Bye or anything else) through `wsd::parse`.
#![no_main]

use handover_devices::discovery::wsd;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = wsd::parse(data);
});
