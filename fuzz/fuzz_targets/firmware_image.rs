//! Fuzz target: the first bytes of a file in the technician's firmware folder, as `firmware_image::recognise`
//! reads them; what it recognises is then identified against the built-in baseline and planned for a few
//! devices, as `handover firmware plan` would.
#![no_main]

use handover_model::DeviceFacts;
use handover_policy::catalog::firmware::FirmwareBaseline;
use handover_policy::firmware_image::{HEAD_LEN, recognise};
use handover_policy::firmware_plan::{ImageFile, identify, plan_device};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let header = recognise(&data[..data.len().min(HEAD_LEN)]);
    static BASELINE: std::sync::OnceLock<FirmwareBaseline> = std::sync::OnceLock::new();
    let baseline = BASELINE.get_or_init(FirmwareBaseline::built_in);
    let image = ImageFile {
        file: "fuzz.bin".into(),
        sha256: "00".repeat(32),
        size: data.len() as u64,
        header,
    };
    let id = identify(image, baseline, &["00".repeat(32)]);
    for (m, model, fw) in [
        ("Hikvision", "DS-2CD2143G2-I", "V5.5.0 build 170725"),
        ("AXIS", "P3265-LVE", "12.4.0"),
        ("Generic", "IPC-G100", "1.4.0"),
    ] {
        let facts = DeviceFacts {
            manufacturer: Some(m.into()),
            model: Some(model.into()),
            firmware: Some(fw.into()),
            ..DeviceFacts::default()
        };
        let _ = plan_device(&facts, None, baseline, std::slice::from_ref(&id), None);
        let _ = plan_device(&facts, None, baseline, &[], Some(&id));
    }
});
