//! Fuzz target: one ONVIF operation answered with one HTTP answer from a device
//! (`handover_devices::fuzzing::soap_answer`): the input's first byte chooses the operation (every one the
//! product makes, `identify` included) and the session's authentication, the rest is the answer (status line,
//! headers, SOAP body) given to each request of that operation: Digest challenges, the Date header, fault
//! scanning, oxvif's SOAP parsing and our conversions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    handover_devices::fuzzing::soap_answer(data);
});
