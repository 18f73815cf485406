//! What an image file says about itself. Only formats whose header states vendor, model and version in the
//! clear are read: today that is the Handover image format (`HOVRFW1`, used by the simulated site and its
//! tests). Vendors' own formats (Axis `.bin`, Hikvision `digicap.dav`, Dahua `.bin`, Hanwha `.img`) are
//! signed or encrypted containers whose layout is not published, so Handover does not guess from them: such
//! a file is recognised by its SHA-256 against the signed catalog only.
//!
//! Pure: the caller reads the first bytes of the file ([`HEAD_LEN`]) and hashes the whole of it.

use serde::Serialize;

/// How many bytes from the start of a file [`recognise`] needs at most.
pub const HEAD_LEN: usize = 4096;

/// The first line of a Handover-format image.
pub const MAGIC: &[u8] = b"HOVRFW1\n";

/// What a file's own header states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageHeader {
    /// The header format (`handover`).
    pub format: &'static str,
    /// The vendor as written in the file.
    pub vendor: String,
    /// The model or model pattern (a trailing `*`: a prefix) the image is for.
    pub model: String,
    /// The version the image installs.
    pub version: String,
}

/// Reads the header from the first bytes of a file; `None` when the format is not one that states vendor,
/// model and version (or the header is damaged).
pub fn recognise(head: &[u8]) -> Option<ImageHeader> {
    let rest = head.strip_prefix(MAGIC)?;
    let end = rest.windows(2).position(|w| w == b"\n\n")?;
    let text = std::str::from_utf8(&rest[..end]).ok()?;
    let (mut vendor, mut model, mut version) = (None, None, None);
    for line in text.lines() {
        let (k, v) = line.split_once(':')?;
        let v = v.trim();
        if v.is_empty() || v.len() > 128 || v.chars().any(char::is_control) {
            return None;
        }
        match k.trim() {
            "vendor" => vendor = Some(v.to_owned()),
            "model" => model = Some(v.to_owned()),
            "version" => version = Some(v.to_owned()),
            _ => {}
        }
    }
    Some(ImageHeader {
        format: "handover",
        vendor: vendor?,
        model: model?,
        version: version?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_handover_header_and_nothing_else() {
        let h = recognise(b"HOVRFW1\nvendor: Generic\nmodel: SIM-CAM*\nversion: 2.1.0\n\npayload")
            .unwrap();
        assert_eq!(
            (h.vendor.as_str(), h.model.as_str(), h.version.as_str()),
            ("Generic", "SIM-CAM*", "2.1.0")
        );
        assert_eq!(recognise(b"\x7fELF....."), None);
        assert_eq!(recognise(b"HOVRFW1\nvendor: Generic\n\n"), None);
        assert_eq!(
            recognise(b"HOVRFW1\nvendor Generic\nmodel: X\nversion: 1\n\n"),
            None
        );
    }
}
