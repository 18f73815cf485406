//! IT's network plan: the VLANs, their subnets and gateways, and which device roles belong on each.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// A device role as the plan names it: lower-case letters, digits and dashes, e.g. `camera`, `access-control`.
///
/// The well-known roles have constants; a plan may name others (e.g. `lpr-camera`), which match only devices
/// the technician assigns that role to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Role(String);

/// Why a role name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "role {0:?} is not valid: use lower-case letters, digits and dashes, starting with a letter"
)]
pub struct RoleError(pub String);

impl Role {
    /// An IP camera.
    pub fn camera() -> Self {
        Self("camera".into())
    }
    /// A network video recorder.
    pub fn nvr() -> Self {
        Self("nvr".into())
    }
    /// A door controller or reader.
    pub fn access_control() -> Self {
        Self("access-control".into())
    }
    /// A door station or intercom.
    pub fn intercom() -> Self {
        Self("intercom".into())
    }
    /// Parses and validates a role name (surrounding spaces are trimmed, upper case is folded).
    pub fn parse(s: &str) -> Result<Self, RoleError> {
        let t = s.trim().to_ascii_lowercase();
        let mut chars = t.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(t))
        } else {
            Err(RoleError(s.to_owned()))
        }
    }
    /// The role's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Role {
    type Error = RoleError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Role> for String {
    fn from(r: Role) -> String {
        r.0
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How devices on a VLAN get their addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Addressing {
    /// Either is acceptable (the plan does not say).
    #[default]
    Any,
    /// Fixed addresses configured on the device.
    Static,
    /// Addresses from a DHCP server (usually with reservations).
    Dhcp,
}

impl fmt::Display for Addressing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Addressing::Any => "any",
            Addressing::Static => "static",
            Addressing::Dhcp => "dhcp",
        })
    }
}

/// One VLAN of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vlan {
    /// 802.1Q VLAN id, 1 to 4094.
    pub id: u16,
    /// IT's name for it.
    pub name: String,
    /// The subnet devices on this VLAN must be in.
    pub subnet: IpNet,
    /// The default gateway devices must use.
    pub gateway: IpAddr,
    /// The device roles allowed on this VLAN.
    pub roles: BTreeSet<Role>,
    /// DNS servers devices should use (empty: not checked).
    #[serde(default)]
    pub dns: Vec<IpAddr>,
    /// NTP servers devices should use (empty: not checked, and no NTP fix is offered).
    #[serde(default)]
    pub ntp: Vec<String>,
    /// Static or DHCP addressing.
    #[serde(default)]
    pub addressing: Addressing,
}

/// Why a plan is inconsistent as a whole (each VLAN may be fine on its own).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// Two VLANs share an id.
    #[error("VLAN id {id} appears twice")]
    DuplicateVlanId {
        /// The repeated id.
        id: u16,
    },
    /// Two VLANs' subnets overlap.
    #[error("subnet {a} of VLAN {a_vlan} overlaps subnet {b} of VLAN {b_vlan}")]
    OverlappingSubnets {
        /// The first VLAN.
        a_vlan: u16,
        /// Its subnet.
        a: IpNet,
        /// The second VLAN.
        b_vlan: u16,
        /// Its subnet.
        b: IpNet,
    },
    /// A VLAN's id is outside 1..=4094.
    #[error("VLAN id {id} is outside 1 to 4094")]
    VlanIdOutOfRange {
        /// The bad id.
        id: u16,
    },
    /// The gateway is not inside its VLAN's subnet.
    #[error("gateway {gateway} is outside subnet {subnet}")]
    GatewayOutsideSubnet {
        /// The gateway.
        gateway: IpAddr,
        /// The subnet.
        subnet: IpNet,
    },
    /// The subnet was written with host bits set (e.g. 10.0.0.5/24).
    #[error("subnet {subnet} has host bits set; did you mean {}?", subnet.trunc())]
    HostBitsSet {
        /// The subnet as written.
        subnet: IpNet,
    },
}

/// IT's network plan: the VLANs devices belong on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Plan {
    /// The VLANs, in the order IT listed them.
    pub vlans: Vec<Vlan>,
}

impl Vlan {
    /// Checks this VLAN on its own: id range, subnet form, gateway inside the subnet.
    pub fn validate(&self) -> Result<(), PlanError> {
        if !(1..=4094).contains(&self.id) {
            return Err(PlanError::VlanIdOutOfRange { id: self.id });
        }
        if self.subnet.trunc() != self.subnet {
            return Err(PlanError::HostBitsSet {
                subnet: self.subnet,
            });
        }
        if !self.subnet.contains(&self.gateway) {
            return Err(PlanError::GatewayOutsideSubnet {
                gateway: self.gateway,
                subnet: self.subnet,
            });
        }
        Ok(())
    }
}

impl Plan {
    /// Checks the plan as a whole: each VLAN, unique ids, no overlapping subnets.
    pub fn validate(&self) -> Result<(), PlanError> {
        for (i, v) in self.vlans.iter().enumerate() {
            v.validate()?;
            for earlier in &self.vlans[..i] {
                if earlier.id == v.id {
                    return Err(PlanError::DuplicateVlanId { id: v.id });
                }
                if earlier.subnet.contains(&v.subnet.network())
                    || v.subnet.contains(&earlier.subnet.network())
                {
                    return Err(PlanError::OverlappingSubnets {
                        a_vlan: earlier.id,
                        a: earlier.subnet,
                        b_vlan: v.id,
                        b: v.subnet,
                    });
                }
            }
        }
        Ok(())
    }

    /// The VLAN whose subnet contains `addr`, if any.
    pub fn vlan_for_address(&self, addr: IpAddr) -> Option<&Vlan> {
        self.vlans.iter().find(|v| v.subnet.contains(&addr))
    }

    /// The VLANs on which `role` is allowed.
    pub fn vlans_for_role<'a>(&'a self, role: &'a Role) -> impl Iterator<Item = &'a Vlan> + 'a {
        self.vlans.iter().filter(move |v| v.roles.contains(role))
    }

    /// The VLAN with this id.
    pub fn vlan(&self, id: u16) -> Option<&Vlan> {
        self.vlans.iter().find(|v| v.id == id)
    }
}
