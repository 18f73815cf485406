//! Folding one device row into another once they turn out to be one device: every row that depends on the
//! device moves over, inside the caller's transaction, and a clash (both rows hold the same finding or account)
//! is settled by a rule rather than left behind, so no constraint error can follow. It decides nothing about
//! *whether* two rows are one device (that is `devices::record`'s rule) and never opens a secret.
//!
//! The dependents are listed once, in [`DEPENDENTS`]; a test compares the list with the schema, so a table added
//! later with a reference to `devices` cannot be forgotten here.

use rusqlite::{Connection, OptionalExtension, params};

use handover_model::DeviceId;

use crate::error::Result;

/// Every table with a foreign key to `devices`, as the merge handles it.
const DEPENDENTS: &[&str] = &[
    "device_addresses",
    "device_claims",
    "findings",
    "credentials",
    "rotation_journal",
    "login_attempts",
    "firmware_journal",
    "device_labels",
];

/// Moves every row of `gone` to `keep`. The caller deletes `gone` afterwards, in the same transaction.
pub(crate) fn move_dependents(conn: &Connection, keep: DeviceId, gone: DeviceId) -> Result<()> {
    let (k, g) = (keep.0, gone.0);
    // Addresses: the union; a shared address keeps the kept row's dates.
    conn.execute(
        "INSERT OR IGNORE INTO device_addresses (device_id, address, first_seen, last_seen)
         SELECT ?1, address, first_seen, last_seen FROM device_addresses WHERE device_id = ?2",
        params![k, g],
    )?;
    conn.execute(
        "DELETE FROM device_addresses WHERE device_id = ?1",
        params![g],
    )?;
    // Claims: an open claim from an address the kept row already has an open claim from is the same claim.
    conn.execute(
        "DELETE FROM device_claims WHERE device_id = ?2 AND status = 'open' AND address IN
           (SELECT address FROM device_claims WHERE device_id = ?1 AND status = 'open')",
        params![k, g],
    )?;
    conn.execute(
        "UPDATE device_claims SET device_id = ?1 WHERE device_id = ?2",
        params![k, g],
    )?;
    // History that is never unique per device.
    for table in ["rotation_journal", "login_attempts", "firmware_journal"] {
        conn.execute(
            &format!("UPDATE {table} SET device_id = ?1 WHERE device_id = ?2"),
            params![k, g],
        )?;
    }
    findings(conn, k, g)?;
    credentials(conn, k, g)?;
    crate::secrets::merge(conn, keep, gone)?;
    // The technician's name and location: the kept row's, completed by the other's.
    crate::labels::merge(conn, keep, gone)?;
    for table in DEPENDENTS {
        let left: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE device_id = ?1"),
            [g],
            |r| r.get(0),
        )?;
        if left > 0 {
            return Err(crate::Error::Conflict(format!(
                "merging device {gone} into {keep} left {left} rows in {table}"
            )));
        }
    }
    Ok(())
}

/// One row per device and check: on a clash the waived one wins (the customer's decision), then the open one,
/// then the newer; the loser (and its waiver) goes.
fn findings(conn: &Connection, k: i64, g: i64) -> Result<()> {
    let rank = |status: &str| match status {
        "waived" => 2,
        "open" => 1,
        _ => 0,
    };
    let clashes: Vec<(i64, String, String, i64, String, String)> = conn
        .prepare(
            "SELECT gf.id, gf.status, gf.updated_at, kf.id, kf.status, kf.updated_at
             FROM findings gf JOIN findings kf ON kf.check_id = gf.check_id AND kf.device_id = ?1
             WHERE gf.device_id = ?2",
        )?
        .query_map(params![k, g], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (gid, gstatus, gat, kid, kstatus, kat) in clashes {
        let gone_wins = (rank(&gstatus), gat) > (rank(&kstatus), kat);
        let loser = if gone_wins { kid } else { gid };
        conn.execute("DELETE FROM waivers WHERE finding_id = ?1", [loser])?;
        conn.execute("DELETE FROM findings WHERE id = ?1", [loser])?;
    }
    conn.execute(
        "UPDATE findings SET device_id = ?1 WHERE device_id = ?2",
        params![k, g],
    )?;
    Ok(())
}

/// One row per device and account: on a clash the password Handover holds wins over one it does not, then the
/// later change; the winner's sealed secrets come with it (the loser's stay under the old id, never dropped).
fn credentials(conn: &Connection, k: i64, g: i64) -> Result<()> {
    let held = |state: &str| matches!(state, "factory-default" | "technician-supplied" | "rotated");
    let users: Vec<String> = conn
        .prepare(
            "SELECT g.username FROM credentials g JOIN credentials k
               ON k.username = g.username AND k.device_id = ?1 WHERE g.device_id = ?2",
        )?
        .query_map(params![k, g], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for user in users {
        let row = |id: i64| {
            conn.query_row(
                "SELECT state, coalesce(rotated_at, '') FROM credentials WHERE device_id = ?1 AND username = ?2",
                params![id, user],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()
        };
        let (Some((gstate, gat)), Some((kstate, kat))) = (row(g)?, row(k)?) else {
            continue;
        };
        if (held(&gstate), gat) > (held(&kstate), kat) {
            // The gone row's password is the one to keep: swap the two rows' secrets of this account.
            let park = -g;
            for (from, to) in [(k, park), (g, k), (park, g)] {
                conn.execute(
                    "UPDATE secrets SET device_id = ?2 WHERE device_id = ?1 AND username = ?3",
                    params![from, to, user],
                )?;
            }
            conn.execute(
                "DELETE FROM credentials WHERE device_id = ?1 AND username = ?2",
                params![k, user],
            )?;
        } else {
            conn.execute(
                "DELETE FROM credentials WHERE device_id = ?1 AND username = ?2",
                params![g, user],
            )?;
        }
    }
    conn.execute(
        "UPDATE credentials SET device_id = ?1 WHERE device_id = ?2",
        params![k, g],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_that_references_devices_is_a_dependent() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrate::apply_up_to(&mut conn, crate::LATEST_VERSION).unwrap();
        let mut referencing: Vec<String> = conn
            .prepare(
                "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f
                 WHERE m.type = 'table' AND f.\"table\" = 'devices' ORDER BY m.name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut listed: Vec<String> = DEPENDENTS.iter().map(|s| (*s).to_owned()).collect();
        referencing.sort();
        listed.sort();
        assert_eq!(referencing, listed);
    }
}
