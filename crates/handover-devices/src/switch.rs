//! Layer-2 truth from a managed switch over SNMP (v2c, or v3 authPriv SHA-256/AES-128): on which port each
//! MAC address was learned, and that port's VLAN. Q-BRIDGE-MIB first (dot1qTpFdbPort, indexed by FDB id and
//! MAC, and dot1qPvid per port), BRIDGE-MIB as the fallback (dot1dTpFdbPort); the protocol is async-snmp's.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use async_snmp::{Auth, AuthProtocol, Client, Oid, PrivProtocol, UsmConfig};
use serde::{Deserialize, Serialize};

use crate::creds::Password;

pub(crate) const DOT1Q_TP_FDB_PORT: &[u32] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2];
pub(crate) const DOT1Q_PVID: &[u32] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 5, 1, 1];
pub(crate) const DOT1D_TP_FDB_PORT: &[u32] = &[1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 2];

/// How to authenticate to the switch.
#[derive(Debug, Clone)]
pub enum SnmpAuth {
    /// SNMPv2c with a community string.
    V2c {
        /// The community.
        community: Password,
    },
    /// SNMPv3 USM, authPriv with SHA-256 and AES-128.
    V3 {
        /// USM user name.
        user: String,
        /// Authentication password (8 characters or more).
        auth_password: Password,
        /// Privacy password (8 characters or more).
        priv_password: Password,
    },
}

/// A switch to ask.
#[derive(Debug, Clone)]
pub struct SwitchTarget {
    /// Its name (for evidence).
    pub name: String,
    /// Its SNMP address (port 161 on real switches).
    pub addr: SocketAddr,
    /// Credentials.
    pub auth: SnmpAuth,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// Where a MAC was learned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MacLocation {
    /// The MAC, as six bytes.
    pub mac: [u8; 6],
    /// The bridge port.
    pub port: u32,
    /// The port's VLAN (PVID), or the FDB's VLAN when the switch has no PVID table.
    pub vlan: u16,
}

/// Why a switch could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SwitchError {
    /// The credentials are unusable (e.g. a v3 password shorter than 8 characters).
    #[error("switch {name}: unusable SNMP credentials: {detail}")]
    Credentials {
        /// The switch.
        name: String,
        /// Why.
        detail: String,
    },
    /// No answer, wrong community, or wrong v3 credentials (the switch stays silent or reports an error).
    #[error(
        "switch {name} at {addr} did not answer SNMP ({source}); check its address, community or v3 user and passwords"
    )]
    Snmp {
        /// The switch.
        name: String,
        /// Its address.
        addr: SocketAddr,
        /// The SNMP error.
        source: Box<async_snmp::Error>,
    },
    /// The switch answered but has neither forwarding table.
    #[error("switch {name} has no BRIDGE-MIB or Q-BRIDGE-MIB forwarding table")]
    NoTable {
        /// The switch.
        name: String,
    },
}

fn snmp_auth(t: &SwitchTarget) -> Result<Auth, SwitchError> {
    Ok(match &t.auth {
        SnmpAuth::V2c { community } => Auth::v2c(community.expose()),
        SnmpAuth::V3 {
            user,
            auth_password,
            priv_password,
        } => UsmConfig::new(user.clone())
            .auth_priv(
                AuthProtocol::Sha256,
                auth_password.expose(),
                PrivProtocol::Aes128,
                priv_password.expose(),
            )
            .map_err(|e| SwitchError::Credentials {
                name: t.name.clone(),
                detail: e.to_string(),
            })?
            .into(),
    })
}

async fn walk(
    client: &Client<async_snmp::UdpHandle>,
    t: &SwitchTarget,
    base: &[u32],
) -> Result<Vec<(Vec<u32>, u64)>, SwitchError> {
    let err = |source: Box<async_snmp::Error>| SwitchError::Snmp {
        name: t.name.clone(),
        addr: t.addr,
        source,
    };
    let rows = client
        .walk(Oid::new(base.iter().copied()))
        .map_err(err)?
        .collect()
        .await
        .map_err(err)?;
    Ok(rows.iter().filter_map(|vb| row(base, vb)).collect())
}

/// One walked row under `base`: its index (the arcs after `base`) and its value as an unsigned number;
/// None when the row is outside `base` or its value is not a non-negative number.
pub(crate) fn row(base: &[u32], vb: &async_snmp::VarBind) -> Option<(Vec<u32>, u64)> {
    let index = vb.oid.arcs().strip_prefix(base)?.to_vec();
    let v = vb
        .value
        .as_u64()
        .or_else(|| vb.value.as_u32().map(u64::from))
        .or_else(|| vb.value.as_i32().and_then(|i| u64::try_from(i).ok()))?;
    Some((index, v))
}

fn mac_of(arcs: &[u32]) -> Option<[u8; 6]> {
    let b: Vec<u8> = arcs
        .iter()
        .map(|a| u8::try_from(*a).ok())
        .collect::<Option<_>>()?;
    b.try_into().ok()
}

/// Reads every learned MAC with its port and VLAN.
pub async fn locate_macs(t: &SwitchTarget) -> Result<Vec<MacLocation>, SwitchError> {
    let err = |source: Box<async_snmp::Error>| SwitchError::Snmp {
        name: t.name.clone(),
        addr: t.addr,
        source,
    };
    let client = Client::builder(t.addr, snmp_auth(t)?)
        .request_timeout(t.timeout)
        .connect()
        .await
        .map_err(err)?;
    let pvid = pvid_table(walk(&client, t, DOT1Q_PVID).await?);
    let mut out = q_bridge_locations(&pvid, walk(&client, t, DOT1Q_TP_FDB_PORT).await?);
    if out.is_empty() {
        out = bridge_locations(&pvid, walk(&client, t, DOT1D_TP_FDB_PORT).await?);
    }
    if out.is_empty() && pvid.is_empty() {
        return Err(SwitchError::NoTable {
            name: t.name.clone(),
        });
    }
    one_per_mac(&mut out);
    Ok(out)
}

/// Sorts by MAC and keeps one location per MAC (the lowest port).
pub(crate) fn one_per_mac(out: &mut Vec<MacLocation>) {
    out.sort_by_key(|l| (l.mac, l.port));
    out.dedup_by_key(|l| l.mac);
}

/// dot1qPvid rows: port -> VLAN.
pub(crate) fn pvid_table(rows: Vec<(Vec<u32>, u64)>) -> BTreeMap<u32, u16> {
    rows.into_iter()
        .filter_map(|(idx, v)| Some((*idx.first()?, u16::try_from(v).ok()?)))
        .collect()
}

/// dot1qTpFdbPort rows (indexed by FDB id and MAC): each MAC's port, and the port's PVID (or the FDB id).
pub(crate) fn q_bridge_locations(
    pvid: &BTreeMap<u32, u16>,
    rows: Vec<(Vec<u32>, u64)>,
) -> Vec<MacLocation> {
    let mut out = Vec::new();
    for (idx, port) in rows {
        let (Some(fdb), Some(mac)) = (idx.first(), idx.get(1..).and_then(mac_of)) else {
            continue;
        };
        let port = u32::try_from(port).unwrap_or(0);
        let vlan = pvid
            .get(&port)
            .copied()
            .or_else(|| u16::try_from(*fdb).ok())
            .unwrap_or(0);
        out.push(MacLocation { mac, port, vlan });
    }
    out
}

/// dot1dTpFdbPort rows (indexed by MAC): each MAC's port and the port's PVID.
pub(crate) fn bridge_locations(
    pvid: &BTreeMap<u32, u16>,
    rows: Vec<(Vec<u32>, u64)>,
) -> Vec<MacLocation> {
    let mut out = Vec::new();
    for (idx, port) in rows {
        let Some(mac) = mac_of(&idx) else { continue };
        let port = u32::try_from(port).unwrap_or(0);
        out.push(MacLocation {
            mac,
            port,
            vlan: pvid.get(&port).copied().unwrap_or(0),
        });
    }
    out
}
