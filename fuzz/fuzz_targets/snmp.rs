//! Fuzz target: one SNMP answer datagram (v1/v2c or v3) decoded as the switch client decodes it, its
//! varbinds read as forwarding-table rows (`handover_devices::fuzzing::snmp_response`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    handover_devices::fuzzing::snmp_response(data);
});
