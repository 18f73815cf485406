//! StartFirmwareUpgrade: a one-time upload URI on the scheme the request came in on (the image itself is
//! POSTed to it, see `upload.rs`). Devices whose personality lacks it answer ActionNotSupported, as firmware
//! that offers only UpgradeSystemFirmware does; UpgradeSystemFirmware itself arrives as MTOM (`upload.rs`).

use super::Outcome;
use crate::device::Device;
use crate::firmware::{self, iso_secs};
use crate::soap::SoapFault;

pub(super) fn start(dev: &Device, protocol: &str) -> Outcome {
    if !dev.cfg.personality.firmware_upload_uri {
        return not_supported("StartFirmwareUpgrade");
    }
    let Some(e) = dev.endpoints.get() else {
        return not_supported("StartFirmwareUpgrade");
    };
    let base = match (protocol, e.https) {
        ("HTTPS", Some(a)) => format!("https://{a}"),
        _ => format!("http://{}", e.http),
    };
    let token = firmware::issue_token(dev);
    let down = {
        let f = &dev.state().faults;
        if f.firmware_reboot_ms > 0 {
            std::time::Duration::from_millis(f.firmware_reboot_ms)
        } else {
            dev.cfg.reboot_duration
        }
    };
    Outcome::Body(format!(
        "<tds:StartFirmwareUpgradeResponse><tds:UploadUri>{base}/onvif/firmware/{token}</tds:UploadUri>\
         <tds:UploadDelay>PT0S</tds:UploadDelay><tds:ExpectedDownTime>{}</tds:ExpectedDownTime>\
         </tds:StartFirmwareUpgradeResponse>",
        iso_secs(down)
    ))
}

/// UpgradeSystemFirmware sent as a plain SOAP body (no MTOM attachment).
pub(super) fn inline_system_firmware(dev: &Device) -> Outcome {
    if dev.cfg.personality.firmware_upload_uri {
        return not_supported("UpgradeSystemFirmware");
    }
    super::fault_invalid(
        None,
        "UpgradeSystemFirmware takes the image as an MTOM attachment (multipart/related)",
    )
}

fn not_supported(op: &str) -> Outcome {
    Outcome::Fault(SoapFault::receiver(
        "ter:ActionNotSupported",
        None,
        format!("{op} is not supported by this device"),
    ))
}
