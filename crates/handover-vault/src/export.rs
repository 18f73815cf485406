//! The encrypted export for IT: a KeePass KDBX4 file with one group per site and VLAN and one entry per device
//! account (title, URL, user name, password, notes with model, serial and MAC).
//!
//! Encryption: AES-256 outer cipher, ChaCha20 for protected fields, key derived with Argon2id. The `keepass`
//! crate's default KDF (Argon2d, 1 MiB) is too weak, so the KDF is always an explicit [`KdfParams`]; the product
//! uses [`KdfParams::STRONG`] (64 MiB, 10 passes, 2 lanes) and the constructor refuses anything below
//! [`KdfParams::FLOOR`] (64 MiB, 3 passes) unless the caller asks for the clearly named test-only parameters.
//! The file is written atomically (temporary file in the same directory, fsync, rename), so a full disk or an
//! unwritable path leaves no partial file. Limitation: the `keepass` crate keeps field values in ordinary
//! `String`s, so the copies it holds while encoding are freed but not wiped.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use keepass::config::{DatabaseConfig, KdfConfig};
use keepass::db::fields;
use keepass::{Database, DatabaseKey};

use crate::error::{ExportPasswordProblem, VaultError};
use crate::secret::SecretString;

/// Minimum length of the export password the technician types.
pub const MIN_EXPORT_PASSWORD_CHARS: usize = 12;

/// Argon2id parameters for the export's key derivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    memory_kib: u64,
    iterations: u64,
    parallelism: u32,
}

impl KdfParams {
    /// What the product writes: 64 MiB, 10 passes, 2 lanes (about 0.3 s to open in KeePassXC on a laptop;
    /// each guess of the export password costs an attacker the same 64 MiB × 10 passes).
    pub const STRONG: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 10,
        parallelism: 2,
    };

    /// The weakest parameters [`KdfParams::new`] accepts: 64 MiB, 3 passes.
    pub const FLOOR: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Custom parameters, at least [`KdfParams::FLOOR`] in memory and passes; `None` below it.
    pub fn new(memory_mib: u64, iterations: u64, parallelism: u32) -> Option<Self> {
        let p = KdfParams {
            memory_kib: memory_mib.checked_mul(1024)?,
            iterations,
            parallelism: parallelism.max(1),
        };
        (p.memory_kib >= Self::FLOOR.memory_kib && p.iterations >= Self::FLOOR.iterations)
            .then_some(p)
    }

    /// Deliberately weak parameters (1 MiB, 1 pass) for tests that write many files. Never for the product:
    /// the name says so, and nothing picks it by default.
    pub fn insecure_for_tests_only() -> Self {
        KdfParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        }
    }

    /// Memory in KiB.
    pub fn memory_kib(&self) -> u64 {
        self.memory_kib
    }

    /// Passes over memory.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Lanes.
    pub fn parallelism(&self) -> u32 {
        self.parallelism
    }

    fn config(&self) -> KdfConfig {
        KdfConfig::Argon2id {
            iterations: self.iterations,
            memory: self.memory_kib * 1024,
            parallelism: self.parallelism,
            version: argon2::Version::Version13,
        }
    }
}

impl Default for KdfParams {
    /// [`KdfParams::STRONG`].
    fn default() -> Self {
        Self::STRONG
    }
}

/// One device account in the export.
#[derive(Debug, Clone)]
pub struct ExportAccount {
    /// Site group name (e.g. "Warehouse North").
    pub site: String,
    /// VLAN group name (e.g. "VLAN 20 cameras"); `None` puts the entry under "No VLAN".
    pub vlan: Option<String>,
    /// Entry title (device name, plus the account when a device has several).
    pub title: String,
    /// Where IT logs in: `http://<address>` or the ONVIF device service address.
    pub url: String,
    /// Account name on the device.
    pub username: String,
    /// The account's current password.
    pub password: SecretString,
    /// Device model.
    pub model: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// MAC address.
    pub mac: Option<String>,
    /// Anything else worth knowing (firmware, location); must not contain secrets.
    pub extra_notes: Option<String>,
}

impl ExportAccount {
    /// The entry's notes: model, serial, MAC, then the extra notes.
    pub fn notes(&self) -> String {
        let mut lines = Vec::new();
        for (label, value) in [
            ("Model", &self.model),
            ("Serial", &self.serial),
            ("MAC", &self.mac),
        ] {
            if let Some(v) = value {
                lines.push(format!("{label}: {v}"));
            }
        }
        if let Some(extra) = &self.extra_notes {
            lines.push(extra.clone());
        }
        lines.join("\n")
    }
}

/// What goes into one export file.
#[derive(Debug, Clone, Default)]
pub struct ExportModel {
    /// Database name and root group name (e.g. "Handover: ACME HQ 2026-11").
    pub title: String,
    /// The accounts, in the order they should appear within their group.
    pub accounts: Vec<ExportAccount>,
}

/// Name of the group for accounts without a VLAN.
pub const NO_VLAN_GROUP: &str = "No VLAN";

fn build_database(model: &ExportModel, kdf: &KdfParams) -> Database {
    let mut config = DatabaseConfig::default();
    config.kdf_config = kdf.config();
    let mut db = Database::with_config(config);
    db.meta.database_name = Some(model.title.clone());
    db.meta.generator = Some("Handover".to_owned());
    db.meta.recyclebin_enabled = Some(false);
    let mut root = db.root_mut();
    root.name = model.title.clone();
    for account in &model.accounts {
        let vlan = account.vlan.as_deref().unwrap_or(NO_VLAN_GROUP);
        let mut root = db.root_mut();
        let site_exists = root.group_by_name_mut(&account.site).is_some();
        if !site_exists {
            root.add_group().name = account.site.clone();
        }
        let Some(mut site) = root.group_by_name_mut(&account.site) else {
            continue;
        };
        if site.group_by_name_mut(vlan).is_none() {
            site.add_group().name = vlan.to_owned();
        }
        let Some(mut group) = site.group_by_name_mut(vlan) else {
            continue;
        };
        let mut entry = group.add_entry();
        entry.set_unprotected(fields::TITLE, account.title.as_str());
        entry.set_unprotected(fields::URL, account.url.as_str());
        entry.set_unprotected(fields::USERNAME, account.username.as_str());
        entry.set_protected(fields::PASSWORD, account.password.expose().as_str());
        entry.set_unprotected(fields::NOTES, account.notes());
    }
    db
}

/// Writes `model` as a KDBX4 file at `path`, encrypted under `password` with `kdf`. Atomic: on any error no file
/// (complete or partial) is left at `path` or beside it; an existing file at `path` is replaced only on success.
pub fn export_kdbx(
    path: &Path,
    model: &ExportModel,
    password: &SecretString,
    kdf: &KdfParams,
) -> Result<(), VaultError> {
    if password.expose().chars().count() < MIN_EXPORT_PASSWORD_CHARS {
        return Err(VaultError::ExportPassword {
            problem: ExportPasswordProblem::TooShort {
                min: MIN_EXPORT_PASSWORD_CHARS,
            },
        });
    }
    let io_err = |source: std::io::Error| VaultError::ExportIo {
        path: path.to_path_buf(),
        source,
    };
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let db = build_database(model, kdf);
    // Encode into memory first: encoding errors then never touch the disk.
    let mut bytes = Vec::new();
    db.save(
        &mut bytes,
        DatabaseKey::new().with_password(password.expose()),
    )
    .map_err(|source| VaultError::ExportEncode { source })?;
    // Same directory, so the final rename is atomic; created 0600 by tempfile.
    let mut tmp = tempfile::Builder::new()
        .prefix(".handover-export-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io_err)?;
    tmp.write_all(&bytes).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    // Make the rename itself durable; a failure here does not undo a complete file.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kdf_parameters_below_the_floor_are_refused() {
        assert_eq!(
            KdfParams::new(64, 3, 2).map(|p| p.memory_kib()),
            Some(65536)
        );
        assert_eq!(KdfParams::new(32, 10, 2), None);
        assert_eq!(KdfParams::new(256, 2, 2), None);
        assert_eq!(KdfParams::default(), KdfParams::STRONG);
        assert!(KdfParams::STRONG.memory_kib() >= KdfParams::FLOOR.memory_kib());
        assert!(KdfParams::STRONG.iterations() >= KdfParams::FLOOR.iterations());
        assert_eq!(KdfParams::STRONG.parallelism(), 2);
    }

    #[test]
    fn notes_list_model_serial_mac() {
        let a = ExportAccount {
            site: "s".into(),
            vlan: None,
            title: "t".into(),
            url: "http://127.0.0.1".into(),
            username: "admin".into(),
            password: "x".into(),
            model: Some("M1".into()),
            serial: None,
            mac: Some("00:11:22:33:44:55".into()),
            extra_notes: Some("Firmware 1.2".into()),
        };
        assert_eq!(a.notes(), "Model: M1\nMAC: 00:11:22:33:44:55\nFirmware 1.2");
        assert!(!format!("{a:?}").contains("password: \"x\""));
    }
}
