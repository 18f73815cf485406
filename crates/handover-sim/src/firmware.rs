//! Firmware on a simulated device: the image format it accepts (written here again on the device side, as the
//! product's reader is in `handover-policy`), validation of an upload as it streams in (header, vendor, model,
//! the SHA-256 trailer), and what the device does once a valid image is in: reboot for its firmware reboot time,
//! then run the new version, or fall back to the old bank (`firmware_boot_fails`), come back on factory
//! settings (`firmware_factory_reset`), its network settings reset (`firmware_resets_network`), with a new
//! certificate (`firmware_new_certificate`), or not at all
//! (`firmware_never_returns`).
//!
//! Image layout: `HOVRFW1\n`, `key: value` lines (`vendor`, `model`: a model or a prefix with `*`,
//! `version`), an empty line, the payload, then the SHA-256 of everything before it (32 bytes).

use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};

use crate::device::Device;

const MAGIC: &[u8] = b"HOVRFW1\n";
const HEAD: usize = 4096;

/// Builds an image in memory (tests; large images: [`write_image`]).
pub fn image(vendor: &str, model: &str, version: &str, payload_len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_len + 128);
    write_image(&mut out, vendor, model, version, payload_len as u64)
        .expect("writing to memory does not fail");
    out
}

/// Writes an image of `payload_len` deterministic payload bytes to `w`, streaming (never the whole image in
/// memory).
pub fn write_image(
    w: &mut impl std::io::Write,
    vendor: &str,
    model: &str,
    version: &str,
    payload_len: u64,
) -> std::io::Result<()> {
    let mut h = Sha256::new();
    let head = format!("vendor: {vendor}\nmodel: {model}\nversion: {version}\n\n");
    for part in [MAGIC, head.as_bytes()] {
        h.update(part);
        w.write_all(part)?;
    }
    let mut chunk = vec![0u8; 1 << 16];
    let seed = Sha256::digest(format!("{vendor}|{model}|{version}").as_bytes());
    let mut left = payload_len;
    let mut n = 0u64;
    while left > 0 {
        let take = left.min(chunk.len() as u64) as usize;
        for (i, b) in chunk[..take].iter_mut().enumerate() {
            *b = seed[(i + n as usize) % 32] ^ ((n as usize + i) / 251) as u8;
        }
        h.update(&chunk[..take]);
        w.write_all(&chunk[..take])?;
        left -= take as u64;
        n += take as u64;
    }
    w.write_all(&h.finalize())?;
    w.flush()
}

/// Why a device refused an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not an image this device's firmware reads.
    Format,
    /// The SHA-256 trailer does not match: corrupted in transit or on disk.
    Corrupted,
    /// An image for another vendor.
    ForeignVendor(String),
    /// An image for another model.
    ForeignModel(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Format => f.write_str("not a firmware image for this device"),
            Refusal::Corrupted => f.write_str("image checksum mismatch: the image is corrupted"),
            Refusal::ForeignVendor(v) => write!(f, "image is for vendor {v}"),
            Refusal::ForeignModel(m) => write!(f, "image is for model {m}"),
        }
    }
}

/// An image arriving in pieces: hashes as it goes, keeps the head and the last 32 bytes only.
#[derive(Debug, Default)]
pub(crate) struct Receiver {
    hasher: Sha256,
    head: Vec<u8>,
    tail: Vec<u8>,
    pub received: u64,
}

impl Receiver {
    pub fn feed(&mut self, bytes: &[u8]) {
        self.received += bytes.len() as u64;
        if self.head.len() < HEAD {
            let take = bytes.len().min(HEAD - self.head.len());
            self.head.extend_from_slice(&bytes[..take]);
        }
        // Everything but the last 32 bytes seen goes into the hash.
        self.tail.extend_from_slice(bytes);
        if self.tail.len() > 32 {
            let spill = self.tail.len() - 32;
            self.hasher.update(&self.tail[..spill]);
            self.tail.drain(..spill);
        }
    }

    /// Judges the whole image for `dev`; the version it installs when valid.
    pub fn finish(self, dev: &Device) -> Result<String, Refusal> {
        let rest = self.head.strip_prefix(MAGIC).ok_or(Refusal::Format)?;
        let end = rest
            .windows(2)
            .position(|w| w == b"\n\n")
            .ok_or(Refusal::Format)?;
        let text = std::str::from_utf8(&rest[..end]).map_err(|_| Refusal::Format)?;
        let field = |k: &str| {
            text.lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(key, _)| key.trim() == k)
                .map(|(_, v)| v.trim().to_owned())
        };
        let (vendor, model, version) = (
            field("vendor").ok_or(Refusal::Format)?,
            field("model").ok_or(Refusal::Format)?,
            field("version").ok_or(Refusal::Format)?,
        );
        if self.tail.len() != 32 || self.hasher.finalize().as_slice() != self.tail.as_slice() {
            return Err(Refusal::Corrupted);
        }
        let p = dev.cfg.personality;
        let v = vendor.to_lowercase();
        if !(v.contains(p.key) || v.contains(&p.manufacturer.to_lowercase())) {
            return Err(Refusal::ForeignVendor(vendor));
        }
        let fits = match model.strip_suffix('*') {
            Some(prefix) => dev
                .cfg
                .model
                .to_lowercase()
                .starts_with(&prefix.to_lowercase()),
            None => dev.cfg.model.eq_ignore_ascii_case(&model),
        };
        if !fits {
            return Err(Refusal::ForeignModel(model));
        }
        Ok(version)
    }
}

/// The firmware side of a device's state.
#[derive(Debug, Clone)]
pub(crate) struct FirmwareState {
    /// The version it runs.
    pub version: String,
    /// Upload URIs handed out by StartFirmwareUpgrade and not used yet: token and expiry.
    pub tokens: Vec<(String, Instant)>,
    /// Upgrades installed (after each reboot the version in effect).
    pub upgrades: u32,
}

impl FirmwareState {
    pub fn new(version: String) -> Self {
        Self {
            version,
            tokens: Vec::new(),
            upgrades: 0,
        }
    }
}

/// How long an upload URI stays valid.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// Issues a one-time upload token.
pub(crate) fn issue_token(dev: &Device) -> String {
    let token = hex::encode(rand::random::<[u8; 12]>());
    let mut st = dev.state();
    let now = Instant::now();
    st.firmware.tokens.retain(|(_, t)| *t > now);
    st.firmware
        .tokens
        .push((token.clone(), now + TOKEN_LIFETIME));
    token
}

/// Takes a token (one use) when it is valid.
pub(crate) fn take_token(dev: &Device, token: &str) -> bool {
    let mut st = dev.state();
    let now = Instant::now();
    let before = st.firmware.tokens.len();
    st.firmware
        .tokens
        .retain(|(t, exp)| !(t == token && *exp > now));
    st.firmware.tokens.len() < before
}

/// Whether a token is valid, without taking it.
pub(crate) fn token_valid(dev: &Device, token: &str) -> bool {
    let now = Instant::now();
    dev.state()
        .firmware
        .tokens
        .iter()
        .any(|(t, exp)| t == token && *exp > now)
}

/// A valid image is in: install it and reboot, as the faults say.
pub(crate) fn install(dev: &Device, version: String) {
    let reboot = {
        let mut st = dev.state();
        let f = st.faults.clone();
        if !f.firmware_boot_fails {
            st.firmware.version = version;
            st.firmware.upgrades += 1;
        }
        if f.firmware_factory_reset {
            dev.restore_factory(&mut st);
        }
        if f.firmware_resets_network {
            st.hostname = format!("{}-factory", dev.cfg.personality.key);
            st.ntp.manual.clear();
        }
        if f.firmware_new_certificate {
            st.faults.tls_certificate_replaced = !st.faults.tls_certificate_replaced;
        }
        if f.firmware_never_returns {
            Duration::from_secs(24 * 3600)
        } else if f.firmware_reboot_ms > 0 {
            Duration::from_millis(f.firmware_reboot_ms)
        } else {
            dev.cfg.reboot_duration
        }
    };
    dev.start_reboot_for(reboot);
}

/// ISO 8601 duration in seconds (`PT20S`).
pub(crate) fn iso_secs(d: Duration) -> String {
    format!("PT{}S", d.as_secs().max(1))
}

/// Writes an image file (tests, examples, benchmarks), streaming.
pub fn write_image_file(
    path: &std::path::Path,
    vendor: &str,
    model: &str,
    version: &str,
    payload_len: u64,
) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    write_image(&mut f, vendor, model, version, payload_len)?;
    f.into_inner()?.sync_all()
}

/// The version the demo site's outdated Hikvision camera is upgraded to (the demo's image for it).
pub const DEMO_HIK_TO: &str = "V5.7.23 build 240618";
/// The version the demo site's outdated Dahua camera is upgraded to.
pub const DEMO_DAHUA_TO: &str = "V2.820.0000000.5.R";

/// Writes into `folder` the vendors' images for the demo site's outdated cameras (`digicap.dav` for the
/// Hikvision, `dahua.bin` for the Dahua, 2 MB each), which the signed catalog does not list: what the CLI's
/// firmware test and the desktop walk upgrade them with.
pub fn write_demo_images(folder: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    write_image_file(
        &folder.join("digicap.dav"),
        "Hikvision",
        "DS-2CD2*",
        DEMO_HIK_TO,
        2_000_000,
    )?;
    write_image_file(
        &folder.join("dahua.bin"),
        "Dahua",
        "IPC-HFW2*",
        DEMO_DAHUA_TO,
        2_000_000,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trailer_is_the_sha256_of_what_precedes_it() {
        let img = image("Generic", "IPC-G*", "2.0.0", 100_000);
        let (body, trailer) = img.split_at(img.len() - 32);
        assert_eq!(Sha256::digest(body).as_slice(), trailer);
    }
}
