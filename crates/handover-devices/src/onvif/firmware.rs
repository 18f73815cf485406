//! Sending a firmware image through ONVIF: StartFirmwareUpgrade (oxvif) then an HTTP POST of the image to the
//! upload URI it returns, or, on devices that only have the older operation, UpgradeSystemFirmware with the
//! image as an MTOM attachment. Both stream the file ([`crate::upload`]) with the session's credentials, over
//! the session's scheme: an upload URI on plain HTTP is moved to the session's HTTPS address (same host), and
//! one on another host is refused.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::Uri;

use crate::error::{Error, Result};
use crate::onvif::session::{Auth, DeviceClient, OnvifSession};
use crate::upload::{Framed, Uplink};

/// Where and when to upload, from StartFirmwareUpgrade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadTarget {
    /// The URI the image goes to (already moved to the session's scheme and address).
    pub uri: String,
    /// How long to wait before uploading.
    pub delay: Duration,
    /// How long the device says it will be away, when it says.
    pub expected_down: Option<Duration>,
}

/// How an image was sent and what the device said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmwareSent {
    /// `StartFirmwareUpgrade` or `UpgradeSystemFirmware`.
    pub method: &'static str,
    /// Bytes sent (the image, plus the MTOM framing for UpgradeSystemFirmware).
    pub bytes: u64,
    /// How long the device said it will be away, when it said.
    pub expected_down: Option<Duration>,
}

/// An ISO 8601 duration such as `PT30S`, `PT1M30S`, `PT2H` (days and larger are not used by devices).
pub fn parse_iso_duration(s: &str) -> Option<Duration> {
    let t = s
        .trim()
        .strip_prefix("PT")
        .or_else(|| s.trim().strip_prefix("pt"))?;
    let (mut secs, mut num) = (0f64, String::new());
    for c in t.chars() {
        match c {
            '0'..='9' | '.' => num.push(c),
            'H' | 'h' => secs += num.parse::<f64>().ok()? * 3600.0,
            'M' | 'm' => secs += num.parse::<f64>().ok()? * 60.0,
            'S' | 's' => secs += num.parse::<f64>().ok()?,
            _ => return None,
        }
        if c.is_ascii_alphabetic() {
            num.clear();
        }
    }
    (num.is_empty() && secs.is_finite()).then(|| Duration::from_secs_f64(secs.max(0.0)))
}

/// The upload URI to use: on the session's host only, and on its scheme and address when the session is HTTPS.
fn placed(session: &str, offered: &str) -> Result<Uri> {
    let bad = |why: &str| Error::InvalidAddress {
        input: offered.to_owned(),
        source: Some(why.to_owned().into()),
    };
    let s: Uri = session
        .parse()
        .map_err(|_| bad("the session address does not parse"))?;
    let o: Uri = offered
        .parse()
        .map_err(|_| bad("the upload URI does not parse"))?;
    if o.host().map(str::to_ascii_lowercase) != s.host().map(str::to_ascii_lowercase) {
        return Err(bad("the upload URI is on another host than the device"));
    }
    if s.scheme_str() == Some("https") && o.scheme_str() != Some("https") {
        let path = o.path_and_query().map_or("/", |p| p.as_str());
        return format!("https://{}{path}", s.authority().map_or("", |a| a.as_str()))
            .parse()
            .map_err(|_| bad("cannot move the upload URI to HTTPS"));
    }
    Ok(o)
}

impl OnvifSession {
    /// StartFirmwareUpgrade: where to upload the image.
    pub async fn start_firmware_upgrade(&self) -> Result<UploadTarget> {
        let r = self
            .call(
                Auth::IfAny,
                |c| async move { c.start_firmware_upgrade().await },
            )
            .await?;
        let uri = placed(self.xaddr(), &r.upload_uri)?;
        Ok(UploadTarget {
            uri: uri.to_string(),
            delay: parse_iso_duration(&r.upload_delay).unwrap_or_default(),
            expected_down: parse_iso_duration(&r.expected_down_time),
        })
    }
}

const MTOM_BOUNDARY: &str = "handover-firmware-8b1c2d";

fn mtom_parts(file: &Path) -> (String, Bytes, Bytes) {
    let envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" \
        xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" \
        xmlns:xmime=\"http://www.w3.org/2005/05/xmlmime\"><s:Body><tds:UpgradeSystemFirmware>\
        <tds:Firmware xmime:contentType=\"application/octet-stream\"><xop:Include href=\"cid:firmware@handover\"/>\
        </tds:Firmware></tds:UpgradeSystemFirmware></s:Body></s:Envelope>";
    let b = MTOM_BOUNDARY;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().replace(['"', '\r', '\n'], "_"))
        .unwrap_or_default();
    let head = format!(
        "--{b}\r\nContent-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\n\
         Content-Transfer-Encoding: 8bit\r\nContent-ID: <soap@handover>\r\n\r\n{envelope}\r\n\
         --{b}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\
         Content-ID: <firmware@handover>\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\r\n"
    );
    let content_type = format!(
        "multipart/related; type=\"application/xop+xml\"; start=\"<soap@handover>\"; \
         start-info=\"application/soap+xml\"; boundary=\"{b}\""
    );
    (
        content_type,
        Bytes::from(head),
        Bytes::from(format!("\r\n--{b}--\r\n")),
    )
}

const ANONYMOUS_PROBE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
    <s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" \
    xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\"><s:Body><tds:GetDeviceInformation/></s:Body></s:Envelope>";

/// How a device takes an image: at an upload URI, or (older devices) as an MTOM attachment of
/// UpgradeSystemFirmware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirmwareRoute {
    /// StartFirmwareUpgrade answered.
    UploadUri(UploadTarget),
    /// The device does not support StartFirmwareUpgrade: UpgradeSystemFirmware it is.
    SystemFirmware,
}

impl FirmwareRoute {
    /// How long the device said it would be away, when it said.
    pub fn expected_down(&self) -> Option<Duration> {
        match self {
            FirmwareRoute::UploadUri(t) => t.expected_down,
            FirmwareRoute::SystemFirmware => None,
        }
    }
}

impl DeviceClient {
    /// Asks the device how it takes an image (StartFirmwareUpgrade, falling back to UpgradeSystemFirmware where
    /// it does not support it). Nothing is installed yet.
    pub async fn firmware_route(&self, session: &OnvifSession) -> Result<FirmwareRoute> {
        match session.start_firmware_upgrade().await {
            Ok(t) => Ok(FirmwareRoute::UploadUri(t)),
            Err(e) if e.is_not_supported() => Ok(FirmwareRoute::SystemFirmware),
            Err(e) => Err(e),
        }
    }

    /// Sends the image by `route` with the session's credentials, streamed and paced by `uplink`. The device
    /// then installs it and reboots; proving the result is the caller's job.
    pub async fn upload_firmware(
        &self,
        session: &OnvifSession,
        route: &FirmwareRoute,
        file: &Path,
        uplink: &Arc<Uplink>,
    ) -> Result<FirmwareSent> {
        let creds = session.credentials().ok_or_else(|| Error::AuthRequired {
            addr: session.address().to_owned(),
            digest: false,
        })?;
        let parse = |s: &str| {
            s.parse::<Uri>().map_err(|_| Error::InvalidAddress {
                input: s.to_owned(),
                source: None,
            })
        };
        match route {
            FirmwareRoute::UploadUri(target) => {
                tokio::time::sleep(target.delay.min(Duration::from_secs(60))).await;
                let uri = parse(&target.uri)?;
                let auth = self.http.digest_for(&uri, Bytes::new(), creds).await?;
                let parts = Framed {
                    head: Bytes::new(),
                    file,
                    tail: Bytes::new(),
                };
                let r = self
                    .http
                    .post_streamed(
                        &uri,
                        "application/octet-stream",
                        auth.as_deref(),
                        parts,
                        uplink,
                    )
                    .await?;
                Ok(FirmwareSent {
                    method: "StartFirmwareUpgrade",
                    bytes: r.bytes,
                    expected_down: target.expected_down,
                })
            }
            FirmwareRoute::SystemFirmware => {
                let uri = parse(session.xaddr())?;
                let auth = self
                    .http
                    .digest_for(&uri, Bytes::from_static(ANONYMOUS_PROBE.as_bytes()), creds)
                    .await?;
                let (content_type, head, tail) = mtom_parts(file);
                let r = self
                    .http
                    .post_streamed(
                        &uri,
                        &content_type,
                        auth.as_deref(),
                        Framed { head, file, tail },
                        uplink,
                    )
                    .await?;
                Ok(FirmwareSent {
                    method: "UpgradeSystemFirmware",
                    bytes: r.bytes,
                    expected_down: None,
                })
            }
        }
    }

    /// [`Self::firmware_route`] then [`Self::upload_firmware`].
    pub async fn send_firmware(
        &self,
        session: &OnvifSession,
        file: &Path,
        uplink: &Arc<Uplink>,
    ) -> Result<FirmwareSent> {
        let route = self.firmware_route(session).await?;
        self.upload_firmware(session, &route, file, uplink).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations() {
        assert_eq!(parse_iso_duration("PT30S"), Some(Duration::from_secs(30)));
        assert_eq!(parse_iso_duration("PT1M30S"), Some(Duration::from_secs(90)));
        assert_eq!(parse_iso_duration("PT2H"), Some(Duration::from_secs(7200)));
        assert_eq!(
            parse_iso_duration("PT0.5S"),
            Some(Duration::from_millis(500))
        );
        assert_eq!(parse_iso_duration("P1D"), None);
        assert_eq!(parse_iso_duration(""), None);
    }

    #[test]
    fn upload_uris_stay_on_the_device_and_on_https() {
        let s = "https://10.0.0.5:443/onvif/device_service";
        assert_eq!(
            placed(s, "http://10.0.0.5/onvif/firmware/abc")
                .unwrap()
                .to_string(),
            "https://10.0.0.5:443/onvif/firmware/abc"
        );
        assert!(placed(s, "http://10.0.0.99/fw").is_err());
        assert_eq!(
            placed(
                "http://10.0.0.5/onvif/device_service",
                "http://10.0.0.5:8080/fw"
            )
            .unwrap()
            .to_string(),
            "http://10.0.0.5:8080/fw"
        );
    }
}
