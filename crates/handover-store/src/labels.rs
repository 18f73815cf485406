//! The `device_labels` table: the name and location the technician gave a device (what the device calls itself
//! stays in its facts). One row per labelled device; a merge keeps the surviving device's label and takes the
//! other's where it had none.

use rusqlite::{Connection, OptionalExtension, params};

use handover_model::{DeviceId, DeviceLabel};

use crate::error::Result;
use crate::migrate::Step;

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 5,
    sql: "CREATE TABLE device_labels (
        device_id INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
        name TEXT,
        location TEXT
    ) STRICT;",
}];

/// The label of a device (empty when the technician gave none).
pub(crate) fn get(conn: &Connection, id: DeviceId) -> Result<DeviceLabel> {
    let mut stmt =
        conn.prepare_cached("SELECT name, location FROM device_labels WHERE device_id = ?1")?;
    let row = stmt
        .query_row([id.0], |r| {
            Ok(DeviceLabel {
                name: r.get(0)?,
                location: r.get(1)?,
            })
        })
        .optional()?;
    Ok(row.unwrap_or_default())
}

/// Sets a device's label (an empty label removes the row).
pub(crate) fn set(conn: &Connection, id: DeviceId, label: &DeviceLabel) -> Result<()> {
    if label.name.is_none() && label.location.is_none() {
        conn.execute("DELETE FROM device_labels WHERE device_id = ?1", [id.0])?;
    } else {
        conn.execute(
            "INSERT INTO device_labels (device_id, name, location) VALUES (?1, ?2, ?3)
             ON CONFLICT (device_id) DO UPDATE SET name = ?2, location = ?3",
            params![id.0, label.name, label.location],
        )?;
    }
    Ok(())
}

/// Before device `gone` is folded into `keep`: `keep` takes whatever part of `gone`'s label it lacks.
pub(crate) fn merge(conn: &Connection, keep: DeviceId, gone: DeviceId) -> Result<()> {
    let (k, g) = (get(conn, keep)?, get(conn, gone)?);
    let merged = DeviceLabel {
        name: k.name.or(g.name),
        location: k.location.or(g.location),
    };
    set(conn, keep, &merged)?;
    conn.execute("DELETE FROM device_labels WHERE device_id = ?1", [gone.0])?;
    Ok(())
}
