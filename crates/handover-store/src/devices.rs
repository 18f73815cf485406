//! The `devices` table and its address history: every device ever seen on the site, one row per physical
//! device however often and wherever it is seen again.
//!
//! A device is identified by what it is, not where it is. A sighting is matched to a known device by endpoint
//! reference, then MAC, then serial; a sighting with none of these (a manual add, a bare sweep hit) matches the
//! device answering on the same service (address *and* port) at its address, so several devices behind one
//! address (an encoder's channels, an NVR, a NAT'd site) stay several; a device added by hand that later
//! announces an endpoint reference on that same service is the same device. When identification later reveals that
//! two rows are one device, they are merged into the older row, with every dependent row (`merge`). Rows that
//! are certainly distinct devices (different endpoint references, MACs or serials, or different services of
//! one address) are never merged, whatever else they share: clones that report one MAC or serial stay two
//! devices (`sharing_identity` finds them, and the engine records a finding naming both).
//!
//! Identity before trust: a device Handover holds a password for, or whose certificate it pinned, never moves on
//! an unauthenticated sighting (a Hello, a ProbeMatch, a manual add) that claims its endpoint reference, MAC or
//! serial from another address, nor on another device's identification that reads its MAC or serial. The
//! sighting is kept as a *claim* (`device_claims`) and the device stays where it is; only a sighting that names
//! the device (`Sighting::device`, written after the engine proved the claim with the held password or the
//! pinned certificate) moves it.

use std::collections::BTreeSet;
use std::net::IpAddr;

use rusqlite::{Connection, OptionalExtension, Row, params};
use time::OffsetDateTime;

use handover_model::{
    Device, DeviceFacts, DeviceId, DeviceIdentity, DeviceLabel, DiscoveryMethod, MacAddr, Role,
};

use crate::error::{Error, Result};
use crate::migrate::Step;
use crate::project::{parse_ts, ts};

pub(crate) const MIGRATIONS: &[Step] = &[
    Step {
    version: 1,
    sql: "CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        endpoint_ref TEXT UNIQUE,
        mac TEXT UNIQUE,
        serial TEXT,
        address TEXT NOT NULL,
        role TEXT,
        found_by TEXT NOT NULL,
        facts TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    ) STRICT;
    CREATE INDEX devices_address ON devices (address);
    CREATE INDEX devices_serial ON devices (serial);
    CREATE TABLE device_addresses (
        device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (device_id, address)
    ) STRICT;",
    },
    Step {
        version: 3,
        sql: "CREATE TABLE device_claims (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        xaddr TEXT,
        method TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'proven', 'refuted')),
        note TEXT NOT NULL DEFAULT '',
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX device_claims_open ON device_claims (device_id, address) WHERE status = 'open';",
    },
    // Clones (issue #20): distinct devices may report one MAC. The schema-1 `mac` column is UNIQUE, and SQLite
    // drops a constraint only by rebuilding the table every other table references, so the MAC moves to a new
    // column without the constraint and `mac` stays, always NULL.
    Step {
        version: 5,
        sql: "ALTER TABLE devices ADD COLUMN mac_address TEXT;
        UPDATE devices SET mac_address = mac, mac = NULL;
        CREATE INDEX devices_mac_address ON devices (mac_address);",
    },
];

/// One sighting of a device, from discovery or identification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sighting {
    /// What identifies it (any part may be unknown).
    pub identity: DeviceIdentity,
    /// Where it answered.
    pub address: Option<IpAddr>,
    /// How it was found, if this sighting came from discovery.
    pub method: Option<DiscoveryMethod>,
    /// What was read from it.
    pub facts: DeviceFacts,
    /// Its role, if known.
    pub role: Option<Role>,
    /// The device this sighting is known to be about (identification of a known device).
    pub device: Option<DeviceId>,
}

/// What recording a sighting changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A device not known before.
    New,
    /// A known device, at the same address.
    Seen,
    /// A known device at a new address.
    Moved {
        /// Where it was.
        from: IpAddr,
    },
    /// Another address claims to be a known device Handover holds a password or a pinned certificate for: the
    /// device did not move; the claim waits for proof.
    Claimed {
        /// The claiming address.
        at: IpAddr,
    },
}

/// A claim by another address to be a known device, kept until the engine proves or refutes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The claim's id.
    pub id: i64,
    /// The device claimed.
    pub device: DeviceId,
    /// Where the claim came from.
    pub address: IpAddr,
    /// The ONVIF address the claim offered, if any.
    pub xaddr: Option<String>,
    /// `open`, `proven` or `refuted`.
    pub status: String,
}

/// Whether a device is in custody: Handover holds an administrator password for it or pinned its certificate.
fn in_custody(conn: &Connection, dev: &Device) -> Result<bool> {
    if dev.facts.tls_fingerprint.is_some() {
        return Ok(true);
    }
    let held: i64 = conn.query_row(
        "SELECT count(*) FROM credentials WHERE device_id = ?1
         AND state IN ('factory-default', 'technician-supplied', 'rotated')",
        [dev.id.0],
        |r| r.get(0),
    )?;
    Ok(held > 0)
}

fn record_claim(
    conn: &Connection,
    dev: &Device,
    s: &Sighting,
    at: IpAddr,
    now: &str,
) -> Result<()> {
    let method = s.method.map(|m| format!("{m:?}"));
    conn.execute(
        "INSERT INTO device_claims (device_id, address, xaddr, method, status, first_seen, last_seen)
         VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?5)
         ON CONFLICT (device_id, address) WHERE status = 'open'
         DO UPDATE SET last_seen = ?5, xaddr = coalesce(?3, xaddr)",
        params![dev.id.0, at.to_string(), s.facts.xaddr, method, now],
    )?;
    Ok(())
}

/// Claims, oldest first; only the open ones when `open_only`.
pub fn claims(conn: &Connection, open_only: bool) -> Result<Vec<Claim>> {
    let mut stmt = conn.prepare(if open_only {
        "SELECT id, device_id, address, xaddr, status FROM device_claims WHERE status = 'open' ORDER BY id"
    } else {
        "SELECT id, device_id, address, xaddr, status FROM device_claims ORDER BY id"
    })?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, device, address, xaddr, status) = row?;
        out.push(Claim {
            id,
            device: DeviceId(device),
            address: address
                .parse()
                .map_err(|_| Error::Conflict(format!("bad claim address {address:?}")))?,
            xaddr,
            status,
        });
    }
    Ok(out)
}

pub(crate) fn settle_claim(conn: &Connection, id: i64, proven: bool, note: &str) -> Result<()> {
    conn.execute(
        "UPDATE device_claims SET status = ?2, note = ?3 WHERE id = ?1",
        params![id, if proven { "proven" } else { "refuted" }, note],
    )?;
    Ok(())
}

const COLS: &str =
    "id, endpoint_ref, mac_address, serial, address, role, found_by, facts, first_seen, last_seen";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(Device, String, String)> {
    let parse_err = |i, e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let mac: Option<String> = r.get(2)?;
    let address: String = r.get(4)?;
    let role: Option<String> = r.get(5)?;
    let first: String = r.get(8)?;
    let last: String = r.get(9)?;
    let device = Device {
        id: DeviceId(r.get(0)?),
        identity: DeviceIdentity {
            endpoint_ref: r.get(1)?,
            mac: mac
                .map(|m| m.parse::<MacAddr>())
                .transpose()
                .map_err(|e| parse_err(2, e.to_string()))?,
            serial: r.get(3)?,
        },
        address: address.parse().map_err(|_| parse_err(4, address.clone()))?,
        previous_addresses: Vec::new(),
        role: role
            .map(|r| Role::parse(&r))
            .transpose()
            .map_err(|e| parse_err(5, e.to_string()))?,
        found_by: BTreeSet::new(),
        facts: DeviceFacts::default(),
        label: DeviceLabel::default(),
        first_seen: parse_ts(&first).map_err(|e| parse_err(8, e.to_string()))?,
        last_seen: parse_ts(&last).map_err(|e| parse_err(9, e.to_string()))?,
    };
    Ok((device, r.get(6)?, r.get(7)?))
}

fn finish(conn: &Connection, (mut d, found_by, facts): (Device, String, String)) -> Result<Device> {
    d.found_by = serde_json::from_str(&found_by)?;
    d.facts = serde_json::from_str(&facts)?;
    d.label = crate::labels::get(conn, d.id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT address FROM device_addresses WHERE device_id = ?1 AND address != ?2 ORDER BY first_seen, address",
    )?;
    for a in stmt.query_map(params![d.id.0, d.address.to_string()], |r| {
        r.get::<_, String>(0)
    })? {
        if let Ok(ip) = a?.parse() {
            d.previous_addresses.push(ip);
        }
    }
    Ok(d)
}

/// Drops the certificate pinned for a device; returns the fingerprint it had.
pub fn forget_certificate(conn: &Connection, id: DeviceId) -> Result<Option<String>> {
    let mut dev = get(conn, id)?;
    let old = dev.facts.tls_fingerprint.take();
    if old.is_some() {
        conn.execute(
            "UPDATE devices SET facts = ?2 WHERE id = ?1",
            params![id.0, serde_json::to_string(&dev.facts)?],
        )?;
    }
    Ok(old)
}

/// One device by id.
pub fn get(conn: &Connection, id: DeviceId) -> Result<Device> {
    let raw = conn
        .query_row(
            &format!("SELECT {COLS} FROM devices WHERE id = ?1"),
            [id.0],
            from_row,
        )
        .optional()?
        .ok_or_else(|| Error::Missing {
            what: format!("device {id}"),
        })?;
    finish(conn, raw)
}

/// Every device, by id.
pub fn list(conn: &Connection) -> Result<Vec<Device>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLS} FROM devices ORDER BY id"))?;
    let raws = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(|raw| finish(conn, raw)).collect()
}

/// How many devices the project knows.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM devices", [], |r| r.get(0))?)
}

/// Whether any known device matches a sighting.
pub(crate) fn matches(conn: &Connection, s: &Sighting) -> Result<bool> {
    Ok(!find_matches(conn, s)?.is_empty())
}

fn find_matches(conn: &Connection, s: &Sighting) -> Result<Vec<DeviceId>> {
    let mut ids = BTreeSet::new();
    ids.extend(s.device);
    let id = &s.identity;
    let mut probe = |sql: &str, v: &str| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        for row in stmt.query_map([v], |r| r.get::<_, i64>(0))? {
            ids.insert(DeviceId(row?));
        }
        Ok(())
    };
    if let Some(e) = &id.endpoint_ref {
        probe("SELECT id FROM devices WHERE endpoint_ref = ?1", e)?;
    }
    if let Some(m) = &id.mac {
        probe(
            "SELECT id FROM devices WHERE mac_address = ?1",
            &m.to_string(),
        )?;
    }
    if let Some(sn) = &id.serial {
        probe("SELECT id FROM devices WHERE serial = ?1", sn)?;
    }
    let anonymous = id.endpoint_ref.is_none() && id.mac.is_none() && id.serial.is_none();
    let port = s.facts.xaddr.as_deref().and_then(service_port);
    match (s.device, s.address) {
        (None, Some(a)) if anonymous => ids.extend(at_service(conn, a, s.facts.xaddr.as_deref())?),
        // A device added by hand (no endpoint reference yet) that now announces itself on the same service.
        (None, Some(a)) if ids.is_empty() && id.endpoint_ref.is_some() => {
            ids.extend(
                devices_at(conn, a)?
                    .iter()
                    .find(|d| {
                        d.identity.endpoint_ref.is_none()
                            && port.is_some_and(|p| service_ports(&d.facts).contains(&p))
                    })
                    .map(|d| d.id),
            );
        }
        _ => {}
    }
    Ok(ids.into_iter().collect())
}

/// Every device at `ip`, oldest first.
fn devices_at(conn: &Connection, ip: IpAddr) -> Result<Vec<Device>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM devices WHERE address = ?1 ORDER BY id"
    ))?;
    let raws = stmt
        .query_map([ip.to_string()], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(|raw| finish(conn, raw)).collect()
}

/// The device an anonymous sighting at `ip` is about: the one answering on the sighting's service port
/// (several devices share an address on distinct ports: an encoder's channels, an NVR, a NAT'd site), or one
/// whose service is not known yet; without a port, the oldest device at the address.
fn at_service(conn: &Connection, ip: IpAddr, xaddr: Option<&str>) -> Result<Option<DeviceId>> {
    let here = devices_at(conn, ip)?;
    let Some(port) = xaddr.and_then(service_port) else {
        return Ok(here.first().map(|d| d.id));
    };
    Ok(here
        .iter()
        .find(|d| service_ports(&d.facts).contains(&port))
        .or_else(|| here.iter().find(|d| d.facts.xaddr.is_none()))
        .map(|d| d.id))
}

/// The TCP port of a service address (`http://10.0.0.5:8080/onvif/device_service`; 80 or 443 by scheme).
fn service_port(xaddr: &str) -> Option<u16> {
    let (scheme, rest) = xaddr.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let after_host = match authority.strip_prefix('[') {
        Some(v6) => v6.split_once(']')?.1,
        None => authority.split_once(':').map_or("", |(_, p)| p),
    };
    match after_host.trim_start_matches(':') {
        "" if scheme.eq_ignore_ascii_case("https") => Some(443),
        "" if scheme.eq_ignore_ascii_case("http") => Some(80),
        "" => None,
        p => p.parse().ok(),
    }
}

/// Every port a device is known to serve on: its service address's, and those its protocols list names.
fn service_ports(f: &DeviceFacts) -> BTreeSet<u16> {
    let mut ports: BTreeSet<u16> = f
        .xaddr
        .as_deref()
        .and_then(service_port)
        .into_iter()
        .collect();
    ports.extend(
        f.protocols
            .iter()
            .filter_map(|p| p.rsplit_once(':').and_then(|(_, n)| n.parse::<u16>().ok())),
    );
    ports
}

/// Whether `other` is certainly another device than the one `s` is about (`target`, when known), however much
/// else they share: they carry different endpoint references, MACs or serials, or they answer on different
/// services of one address. Such rows are never merged (clones: duplicated MACs or serials).
fn distinct(other: &Device, target: Option<&Device>, s: &Sighting) -> bool {
    fn differ<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> bool {
        matches!((a, b), (Some(a), Some(b)) if a != b)
    }
    let t = target.map(|d| &d.identity);
    let (o, si) = (&other.identity, &s.identity);
    let ep = si
        .endpoint_ref
        .as_ref()
        .or(t.and_then(|t| t.endpoint_ref.as_ref()));
    if o.endpoint_ref.is_some() && o.endpoint_ref.as_ref() == ep {
        return false; // one endpoint reference is one device, whatever port it answers on today
    }
    let mac = si.mac.as_ref().or(t.and_then(|t| t.mac.as_ref()));
    let serial = si.serial.as_ref().or(t.and_then(|t| t.serial.as_ref()));
    if differ(o.endpoint_ref.as_ref(), ep)
        || differ(o.mac.as_ref(), mac)
        || differ(o.serial.as_ref(), serial)
    {
        return true;
    }
    let Some(at) = s.address.or(target.map(|d| d.address)) else {
        return false;
    };
    if other.address != at {
        return false;
    }
    let mut theirs = service_ports(&s.facts);
    if let Some(t) = target {
        theirs.extend(service_ports(&t.facts));
    }
    let ours = service_ports(&other.facts);
    !ours.is_empty() && !theirs.is_empty() && ours.is_disjoint(&theirs)
}

/// Other devices reporting the same MAC or serial as `dev` (clones), with what they share.
pub fn sharing_identity(conn: &Connection, dev: &Device) -> Result<Vec<(DeviceId, &'static str)>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, mac_address = ?2, serial = ?3 FROM devices
         WHERE id != ?1 AND (mac_address = ?2 OR serial = ?3) ORDER BY id",
    )?;
    let rows = stmt.query_map(
        params![
            dev.id.0,
            dev.identity.mac.map(|m| m.to_string()),
            dev.identity.serial
        ],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<bool>>(1)?.unwrap_or(false),
                r.get::<_, Option<bool>>(2)?.unwrap_or(false),
            ))
        },
    )?;
    for row in rows {
        let (id, mac, serial) = row?;
        if mac {
            out.push((DeviceId(id), "mac"));
        }
        if serial {
            out.push((DeviceId(id), "serial"));
        }
    }
    Ok(out)
}

fn touch_address(conn: &Connection, id: DeviceId, addr: IpAddr, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO device_addresses (device_id, address, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (device_id, address) DO UPDATE SET last_seen = ?3",
        params![id.0, addr.to_string(), now],
    )?;
    Ok(())
}

/// Folds device `gone` into `keep`: every dependent row moves over (`merge`), identity, methods and facts join,
/// then `gone` is deleted.
fn merge_into(conn: &Connection, keep: &mut Device, gone: DeviceId) -> Result<()> {
    let other = get(conn, gone)?;
    crate::merge::move_dependents(conn, keep.id, gone)?;
    keep.label = crate::labels::get(conn, keep.id)?;
    conn.execute("DELETE FROM devices WHERE id = ?1", [gone.0])?;
    keep.found_by.extend(other.found_by);
    let mut facts = other.facts;
    facts.merge_from(std::mem::take(&mut keep.facts));
    keep.facts = facts;
    let id = &mut keep.identity;
    id.endpoint_ref = id.endpoint_ref.take().or(other.identity.endpoint_ref);
    id.mac = id.mac.or(other.identity.mac);
    id.serial = id.serial.take().or(other.identity.serial);
    keep.role = keep.role.take().or(other.role);
    keep.first_seen = keep.first_seen.min(other.first_seen);
    Ok(())
}

fn exists(conn: &Connection, id: DeviceId) -> Result<bool> {
    Ok(conn
        .query_row("SELECT 1 FROM devices WHERE id = ?1", [id.0], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records a sighting: creates the device, or updates the one it matches (merging rows that turn out to be one
/// device). Returns the device as now stored and what changed. Call inside a transaction.
pub(crate) fn record(
    conn: &Connection,
    mut s: Sighting,
    now: OffsetDateTime,
) -> Result<(Device, Change)> {
    let now_s = ts(now);
    // A sighting naming a row merged away earlier in the same batch is matched like any other.
    if let Some(named) = s.device
        && !exists(conn, named)?
    {
        s.device = None;
    }
    let named = s.device.map(|id| get(conn, id)).transpose()?;
    // The rows this sighting is about: not those that are certainly other devices (clones).
    let mut rows = Vec::new();
    for id in find_matches(conn, &s)? {
        let d = get(conn, id)?;
        if Some(id) == s.device || !distinct(&d, named.as_ref(), &s) {
            rows.push(d);
        }
    }
    // Identity before trust: a sighting that does not name a device in custody does not move or merge it. An
    // identification names its own device; what it read proves nothing about another one.
    if let Some(at) = s.address {
        let mut kept = Vec::with_capacity(rows.len());
        for known in rows {
            if Some(known.id) != s.device && known.address != at && in_custody(conn, &known)? {
                record_claim(conn, &known, &s, at, &now_s)?;
                if s.device.is_none() {
                    return Ok((known, Change::Claimed { at }));
                }
            } else {
                kept.push(known);
            }
        }
        rows = kept;
    }
    let (mut dev, change) = match rows.split_first() {
        None => {
            let address = s
                .address
                .ok_or_else(|| Error::Conflict("a new device needs an address".into()))?;
            conn.execute(
                "INSERT INTO devices (address, found_by, facts, first_seen, last_seen) VALUES (?1, '[]', '{}', ?2, ?2)",
                params![address.to_string(), now_s],
            )?;
            let id = DeviceId(conn.last_insert_rowid());
            (get(conn, id)?, Change::New)
        }
        Some((first, rest)) => {
            // The oldest row stays; the others fold into it.
            let mut dev = first.clone();
            for other in rest {
                merge_into(conn, &mut dev, other.id)?;
            }
            let change = match s.address {
                Some(a) if a != dev.address => Change::Moved { from: dev.address },
                _ => Change::Seen,
            };
            (dev, change)
        }
    };
    if let Some(a) = s.address {
        dev.address = a;
        touch_address(conn, dev.id, a, &now_s)?;
    }
    let id = &mut dev.identity;
    id.endpoint_ref = s.identity.endpoint_ref.or(id.endpoint_ref.take());
    id.mac = s.identity.mac.or(id.mac);
    id.serial = s.identity.serial.or(id.serial.take());
    if s.role.is_some() {
        dev.role = s.role;
    }
    dev.found_by.extend(s.method);
    dev.facts.merge_from(s.facts);
    dev.last_seen = now;
    conn.execute(
        "UPDATE devices SET endpoint_ref = ?2, mac_address = ?3, serial = ?4, address = ?5, role = ?6, found_by = ?7,
         facts = ?8, first_seen = ?9, last_seen = ?10 WHERE id = ?1",
        params![
            dev.id.0,
            dev.identity.endpoint_ref,
            dev.identity.mac.map(|m| m.to_string()),
            dev.identity.serial,
            dev.address.to_string(),
            dev.role.as_ref().map(Role::as_str),
            serde_json::to_string(&dev.found_by)?,
            serde_json::to_string(&dev.facts)?,
            ts(dev.first_seen),
            now_s,
        ],
    )?;
    let dev = get(conn, dev.id)?;
    Ok((dev, change))
}
