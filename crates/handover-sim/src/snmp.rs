//! The simulated managed switch: an SNMP agent (async-snmp, v2c community and v3 USM authPriv with
//! SHA-256 + AES-128) serving a read-only view of BRIDGE-MIB and Q-BRIDGE-MIB built from the manifest:
//! which port each device's MAC was learned on (dot1dTpFdbPort, dot1qTpFdbPort per VLAN), each port's
//! VLAN (dot1qPvid, including the demo site's misplacements), VLAN names and memberships, plus the
//! system group and interface names. No BER is written here: the agent library does the protocol.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use async_snmp::agent::{Agent, SecurityModel};
use async_snmp::handler::{
    BoxFuture, GetNextResult, GetResult, HandlerResult, MibHandler, OidTable, RequestContext,
};
use async_snmp::{
    AuthProtocol, AuthoritativeEngine, Oid, PrivProtocol, SecurityLevel, Value, VarBind,
};
use bytes::Bytes;

use crate::error::Result;
use crate::manifest::{SiteManifest, SwitchSpec};

/// Well-known OIDs the switch serves (for tests and clients).
pub mod oids {
    /// dot1dTpFdbPort (BRIDGE-MIB), indexed by MAC.
    pub const DOT1D_TP_FDB_PORT: &str = "1.3.6.1.2.1.17.4.3.1.2";
    /// dot1dBasePortIfIndex (BRIDGE-MIB), indexed by port.
    pub const DOT1D_BASE_PORT_IF_INDEX: &str = "1.3.6.1.2.1.17.1.4.1.2";
    /// dot1qTpFdbPort (Q-BRIDGE-MIB), indexed by FDB id (VLAN) and MAC.
    pub const DOT1Q_TP_FDB_PORT: &str = "1.3.6.1.2.1.17.7.1.2.2.1.2";
    /// dot1qPvid (Q-BRIDGE-MIB), indexed by port.
    pub const DOT1Q_PVID: &str = "1.3.6.1.2.1.17.7.1.4.5.1.1";
    /// dot1qVlanStaticName (Q-BRIDGE-MIB), indexed by VLAN.
    pub const DOT1Q_VLAN_STATIC_NAME: &str = "1.3.6.1.2.1.17.7.1.4.3.1.1";
}

fn oid(base: &str, index: &[u32]) -> Oid {
    let mut arcs: Vec<u32> = base.split('.').filter_map(|a| a.parse().ok()).collect();
    arcs.extend_from_slice(index);
    Oid::from(arcs)
}

/// PortList bitmap (Q-BRIDGE-MIB): port 1 is the most significant bit of the first octet.
fn port_list(ports: impl IntoIterator<Item = u16>, num_ports: u16) -> Bytes {
    let mut bits = vec![0u8; usize::from(num_ports).div_ceil(8)];
    for p in ports {
        if p >= 1 && p <= num_ports {
            let i = usize::from(p - 1);
            bits[i / 8] |= 0x80 >> (i % 8);
        }
    }
    Bytes::from(bits)
}

/// Builds the switch's MIB view from the manifest (device MACs come from the resolved devices).
pub(crate) fn build_table(
    manifest: &SiteManifest,
    sw: &SwitchSpec,
    ports: &[(u16, Option<u16>, [u8; 6])],
) -> OidTable<Value> {
    let num_ports = ports
        .iter()
        .map(|p| p.0)
        .chain([sw.uplink_port])
        .max()
        .unwrap_or(1);
    let mut rows: Vec<(Oid, Value)> = vec![
        (
            oid("1.3.6.1.2.1.1.1", &[0]),
            Value::OctetString(Bytes::from(format!(
                "Handover simulated switch, {num_ports} ports"
            ))),
        ),
        (
            oid("1.3.6.1.2.1.1.2", &[0]),
            Value::ObjectIdentifier(oid("1.3.6.1.4.1.8072.3.2.10", &[])),
        ),
        (oid("1.3.6.1.2.1.1.3", &[0]), Value::TimeTicks(123_456)),
        (
            oid("1.3.6.1.2.1.1.5", &[0]),
            Value::OctetString(Bytes::from(sw.name.clone())),
        ),
        (
            oid("1.3.6.1.2.1.17.1.2", &[0]),
            Value::Integer(i32::from(num_ports)),
        ),
    ];
    let first_vlan = manifest.vlans.first().map_or(1, |v| v.id);
    for port in 1..=num_ports {
        let p = u32::from(port);
        let dev = ports.iter().find(|d| d.0 == port);
        let up = dev.is_some() || port == sw.uplink_port;
        rows.push((
            oid("1.3.6.1.2.1.2.2.1.1", &[p]),
            Value::Integer(i32::from(port)),
        ));
        rows.push((
            oid("1.3.6.1.2.1.2.2.1.2", &[p]),
            Value::OctetString(Bytes::from(format!("GigabitEthernet1/0/{port}"))),
        ));
        rows.push((
            oid("1.3.6.1.2.1.2.2.1.8", &[p]),
            Value::Integer(if up { 1 } else { 2 }),
        ));
        rows.push((
            oid("1.3.6.1.2.1.31.1.1.1.1", &[p]),
            Value::OctetString(Bytes::from(format!("Gi1/0/{port}"))),
        ));
        rows.push((
            oid(oids::DOT1D_BASE_PORT_IF_INDEX, &[p]),
            Value::Integer(i32::from(port)),
        ));
        let pvid = dev.and_then(|d| d.1).unwrap_or(first_vlan);
        rows.push((oid(oids::DOT1Q_PVID, &[p]), Value::Gauge32(u32::from(pvid))));
    }
    for (port, vlan, mac) in ports {
        let m: Vec<u32> = mac.iter().map(|b| u32::from(*b)).collect();
        rows.push((
            oid("1.3.6.1.2.1.17.4.3.1.1", &m),
            Value::OctetString(Bytes::copy_from_slice(mac)),
        ));
        rows.push((
            oid(oids::DOT1D_TP_FDB_PORT, &m),
            Value::Integer(i32::from(*port)),
        ));
        rows.push((oid("1.3.6.1.2.1.17.4.3.1.3", &m), Value::Integer(3)));
        let fdb = u32::from(vlan.unwrap_or(first_vlan));
        let mut idx = vec![fdb];
        idx.extend_from_slice(&m);
        rows.push((
            oid(oids::DOT1Q_TP_FDB_PORT, &idx),
            Value::Integer(i32::from(*port)),
        ));
        rows.push((oid("1.3.6.1.2.1.17.7.1.2.2.1.3", &idx), Value::Integer(3)));
    }
    for v in &manifest.vlans {
        let id = u32::from(v.id);
        let untagged: Vec<u16> = ports
            .iter()
            .filter(|d| d.1 == Some(v.id))
            .map(|d| d.0)
            .collect();
        let egress = untagged.iter().copied().chain([sw.uplink_port]);
        rows.push((
            oid(oids::DOT1Q_VLAN_STATIC_NAME, &[id]),
            Value::OctetString(Bytes::from(v.name.clone())),
        ));
        rows.push((
            oid("1.3.6.1.2.1.17.7.1.4.3.1.2", &[id]),
            Value::OctetString(port_list(egress, num_ports)),
        ));
        rows.push((
            oid("1.3.6.1.2.1.17.7.1.4.3.1.4", &[id]),
            Value::OctetString(port_list(untagged, num_ports)),
        ));
        rows.push((oid("1.3.6.1.2.1.17.7.1.4.3.1.5", &[id]), Value::Integer(1)));
    }
    rows.into_iter().collect()
}

struct SwitchMib {
    table: OidTable<Value>,
}

impl MibHandler for SwitchMib {
    fn get<'a>(
        &'a self,
        _ctx: &'a RequestContext,
        oid: &'a Oid,
    ) -> BoxFuture<'a, HandlerResult<GetResult>> {
        Box::pin(async move {
            Ok(self
                .table
                .get(oid)
                .cloned()
                .map_or(GetResult::NoSuchObject, GetResult::Value))
        })
    }

    fn get_next<'a>(
        &'a self,
        _ctx: &'a RequestContext,
        oid: &'a Oid,
    ) -> BoxFuture<'a, HandlerResult<GetNextResult>> {
        Box::pin(async move {
            Ok(self
                .table
                .get_next(oid)
                .map_or(GetNextResult::EndOfMibView, |(o, v)| {
                    GetNextResult::Value(VarBind::new(o.clone(), v.clone()))
                }))
        })
    }
}

/// A running switch agent.
pub(crate) struct RunningSwitch {
    pub addr: SocketAddr,
    pub agent: Arc<Agent>,
}

/// Starts the SNMP agent on `bind`.
pub(crate) async fn spawn(
    table: OidTable<Value>,
    sw: &SwitchSpec,
    bind: SocketAddr,
) -> Result<RunningSwitch> {
    // RFC 3411 engine id: enterprise 8072 (net-snmp), format 4 (text).
    let mut engine_id = vec![0x80, 0x00, 0x1F, 0x88, 0x04];
    engine_id.extend_from_slice(format!("handover-{}", sw.name).as_bytes());
    let engine = AuthoritativeEngine::install(engine_id, |_| Ok::<(), Infallible>(()))?;
    let community = sw.community.clone();
    let user = sw.v3_user.clone();
    let agent = Agent::builder()
        .bind(bind.to_string())
        .authoritative_engine(engine)
        .community(community.clone().into_bytes())
        .usm_user(user.clone().into_bytes(), |u| {
            u.auth_priv(
                AuthProtocol::Sha256,
                sw.v3_auth_password.as_bytes(),
                PrivProtocol::Aes128,
                sw.v3_priv_password.as_bytes(),
            )
        })?
        .handler(oid("1.3.6.1.2.1", &[]), Arc::new(SwitchMib { table }))
        .vacm(|v| {
            v.group(community.clone().into_bytes(), SecurityModel::V2c, "ro-v2c")
                .group(user.clone().into_bytes(), SecurityModel::Usm, "ro-v3")
                .access(
                    "ro-v2c",
                    SecurityModel::V2c,
                    SecurityLevel::NoAuthNoPriv,
                    |a| a.read_view("all"),
                )
                .access("ro-v3", SecurityModel::Usm, SecurityLevel::AuthPriv, |a| {
                    a.read_view("all")
                })
                .view("all", |view| view.include(oid("1.3.6.1", &[])))
        })
        .build()
        .await?;
    let addr = agent.local_addr();
    let agent = Arc::new(agent);
    let runner = agent.clone();
    tokio::spawn(async move {
        if let Err(e) = runner.run().await {
            tracing::warn!(error = %e, "SNMP agent stopped");
        }
    });
    Ok(RunningSwitch { addr, agent })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_lists_put_port_one_in_the_top_bit() {
        assert_eq!(port_list([1, 9, 10], 16).as_ref(), &[0x80, 0xC0]);
        assert_eq!(port_list([48], 48).len(), 6);
    }
}
