//! Fuzz target: one HTTP answer from an ONVIF device (status line, headers, SOAP body) given to every ONVIF
//! operation the product makes (`handover_devices::fuzzing::soap_answer`): Digest challenges, the Date
//! header, fault scanning, oxvif's SOAP parsing and our conversions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    handover_devices::fuzzing::soap_answer(data);
});
