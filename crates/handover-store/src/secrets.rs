//! The `secrets` table: device and switch secrets, sealed (XChaCha20-Poly1305, by `handover-vault`) under the
//! project's vault key, which lives only in the OS keyring; and the `vault` row naming that key by its public
//! fingerprint. This module stores opaque bytes: it never sees a secret in clear and cannot open one.
//!
//! Writes come as [`SecretWrite`] lists that the project applies in the same transaction as the journal phase
//! and audit entry they belong to (`Project::rotation_begin`, `Project::rotation_advance`,
//! `Project::write_secrets`). `device_id` is deliberately not a foreign key: when two device rows merge, a
//! secret that cannot move (the kept row already holds that account and slot) stays under the old id rather
//! than being dropped, so nothing is ever lost.

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use handover_model::DeviceId;

use crate::error::Result;
use crate::migrate::Step;
use crate::project::ts;

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 3,
    sql: "CREATE TABLE secrets (
        id INTEGER PRIMARY KEY,
        device_id INTEGER,
        username TEXT,
        slot TEXT,
        name TEXT,
        sealed_as TEXT NOT NULL,
        sealed BLOB NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((device_id IS NOT NULL AND username IS NOT NULL AND slot IS NOT NULL AND name IS NULL)
            OR (device_id IS NULL AND username IS NULL AND slot IS NULL AND name IS NOT NULL))
    ) STRICT;
    CREATE UNIQUE INDEX secrets_device ON secrets (device_id, username, slot) WHERE device_id IS NOT NULL;
    CREATE UNIQUE INDEX secrets_name ON secrets (name) WHERE name IS NOT NULL;
    CREATE TABLE vault (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key_id TEXT NOT NULL,
        keyring_migrated INTEGER NOT NULL DEFAULT 0
    ) STRICT;",
}];

/// Where a sealed secret belongs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretName {
    /// A device account's password in one slot (`current`, `pending`).
    Device {
        /// The device.
        device: DeviceId,
        /// The account on the device.
        username: String,
        /// The slot name.
        slot: String,
    },
    /// A project secret that belongs to no device (`snmp-switch:1`, ...).
    Project {
        /// Its name.
        name: String,
    },
}

impl SecretName {
    /// A device account's slot.
    pub fn device(device: DeviceId, username: &str, slot: &str) -> Self {
        SecretName::Device {
            device,
            username: username.to_owned(),
            slot: slot.to_owned(),
        }
    }
}

/// A sealed secret as stored: its place, the entry name it was sealed for (the associated data the vault binds
/// in; it differs from the place only after two device rows merged) and the sealed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// Where it is kept.
    pub name: SecretName,
    /// The vault entry name it was sealed for.
    pub sealed_as: String,
    /// `handover-vault`'s sealed bytes.
    pub sealed: Vec<u8>,
}

/// One change to the secrets table, applied inside a caller's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretWrite {
    /// Store (or replace) a sealed secret.
    Put(SealedSecret),
    /// Remove a secret (nothing happens when there is none).
    Delete(SecretName),
}

fn split(name: &SecretName) -> (Option<i64>, Option<&str>, Option<&str>, Option<&str>) {
    match name {
        SecretName::Device {
            device,
            username,
            slot,
        } => (Some(device.0), Some(username), Some(slot), None),
        SecretName::Project { name } => (None, None, None, Some(name)),
    }
}

pub(crate) fn apply(conn: &Connection, writes: &[SecretWrite], now: OffsetDateTime) -> Result<()> {
    for w in writes {
        match w {
            SecretWrite::Put(s) => {
                delete(conn, &s.name)?;
                let (d, u, sl, n) = split(&s.name);
                conn.execute(
                    "INSERT INTO secrets (device_id, username, slot, name, sealed_as, sealed, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![d, u, sl, n, s.sealed_as, s.sealed, ts(now)],
                )?;
            }
            SecretWrite::Delete(name) => delete(conn, name)?,
        }
    }
    Ok(())
}

fn delete(conn: &Connection, name: &SecretName) -> Result<()> {
    match name {
        SecretName::Device {
            device,
            username,
            slot,
        } => conn.execute(
            "DELETE FROM secrets WHERE device_id = ?1 AND username = ?2 AND slot = ?3",
            params![device.0, username, slot],
        )?,
        SecretName::Project { name } => {
            conn.execute("DELETE FROM secrets WHERE name = ?1", params![name])?
        }
    };
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SealedSecret> {
    let device: Option<i64> = r.get(0)?;
    let name = match device {
        Some(d) => SecretName::Device {
            device: DeviceId(d),
            username: r.get(1)?,
            slot: r.get(2)?,
        },
        None => SecretName::Project { name: r.get(3)? },
    };
    Ok(SealedSecret {
        name,
        sealed_as: r.get(4)?,
        sealed: r.get(5)?,
    })
}

const COLUMNS: &str = "device_id, username, slot, name, sealed_as, sealed";

/// The sealed secret kept under `name`, if any.
pub fn get(conn: &Connection, name: &SecretName) -> Result<Option<SealedSecret>> {
    let found = match name {
        SecretName::Device {
            device,
            username,
            slot,
        } => conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM secrets WHERE device_id = ?1 AND username = ?2 AND slot = ?3"
                ),
                params![device.0, username, slot],
                row,
            )
            .optional()?,
        SecretName::Project { name } => conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM secrets WHERE name = ?1"),
                params![name],
                row,
            )
            .optional()?,
    };
    Ok(found)
}

/// Every sealed secret, device secrets first (by device, account, slot), then project secrets by name.
pub fn list(conn: &Connection) -> Result<Vec<SealedSecret>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM secrets ORDER BY device_id IS NULL, device_id, username, slot, name"
    ))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves the secrets of a merged-away device row to the kept one, where the kept row has none in that slot.
pub(crate) fn merge(conn: &Connection, keep: DeviceId, gone: DeviceId) -> Result<()> {
    conn.execute(
        "UPDATE OR IGNORE secrets SET device_id = ?1 WHERE device_id = ?2",
        params![keep.0, gone.0],
    )?;
    Ok(())
}

/// The project's vault: the public fingerprint of its key, and whether secrets kept as separate keyring entries
/// by earlier versions have all been moved into the project file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultRecord {
    /// `Sealer::key_id` of the key every secret here is sealed under.
    pub key_id: String,
    /// Earlier versions' keyring entries were sealed in and removed.
    pub keyring_migrated: bool,
}

/// The vault record, if the project has a vault key yet.
pub fn vault(conn: &Connection) -> Result<Option<VaultRecord>> {
    Ok(conn
        .query_row(
            "SELECT key_id, keyring_migrated FROM vault WHERE id = 1",
            [],
            |r| {
                Ok(VaultRecord {
                    key_id: r.get(0)?,
                    keyring_migrated: r.get::<_, i64>(1)? != 0,
                })
            },
        )
        .optional()?)
}

pub(crate) fn set_vault(conn: &Connection, v: &VaultRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO vault (id, key_id, keyring_migrated) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET key_id = ?1, keyring_migrated = ?2",
        params![v.key_id, i64::from(v.keyring_migrated)],
    )?;
    Ok(())
}
