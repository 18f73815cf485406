//! Asking the switches: the technician lists managed switches (credentials to the keyring); Handover reads
//! their forwarding tables over SNMP and records, for every device whose MAC it knows, the switch, port and
//! VLAN it was learned on. The placement check turns a mismatch into a finding with that evidence.

use std::net::SocketAddr;
use std::time::Duration;

use handover_devices::Password;
use handover_devices::switch::{SnmpAuth, SwitchTarget, locate_macs};
use handover_model::SwitchPort;
use handover_store::devices::Sighting;
use handover_vault::{EntryKey, SecretString, names};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::session::Session;

/// A switch's SNMP credentials, as the technician gives them.
#[derive(Debug, Clone)]
pub enum SwitchCredentials {
    /// v2c community.
    V2c(SecretString),
    /// v3 user, auth and privacy passwords (SHA-256 / AES-128).
    V3 {
        /// User.
        user: String,
        /// Authentication password.
        auth: SecretString,
        /// Privacy password.
        privacy: SecretString,
    },
}

#[derive(Serialize, Deserialize)]
struct Stored {
    community: Option<String>,
    auth: Option<String>,
    privacy: Option<String>,
}

/// What asking the switches found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SwitchSummary {
    /// Switches that answered.
    pub answered: usize,
    /// Switches that did not, with why.
    pub failed: Vec<(String, String)>,
    /// Devices whose MAC was located.
    pub located: usize,
    /// Devices with a MAC that no switch had learned.
    pub not_seen: usize,
}

impl Session {
    /// Adds (or updates) a switch; its secrets are sealed into the project under the vault key.
    pub fn add_switch(&self, name: &str, address: &str, creds: &SwitchCredentials) -> Result<()> {
        address.parse::<SocketAddr>().map_err(|_| {
            Error::Invalid(format!(
                "{address:?} is not an address such as 10.0.0.2:161"
            ))
        })?;
        let (version, user, stored) = match creds {
            SwitchCredentials::V2c(c) => (
                "v2c",
                None,
                Stored {
                    community: Some(c.expose().clone()),
                    auth: None,
                    privacy: None,
                },
            ),
            SwitchCredentials::V3 {
                user,
                auth,
                privacy,
            } => {
                if auth.expose().len() < 8 || privacy.expose().len() < 8 {
                    return Err(Error::Invalid(
                        "SNMPv3 passwords must be 8 characters or more".into(),
                    ));
                }
                (
                    "v3",
                    Some(user.as_str()),
                    Stored {
                        community: None,
                        auth: Some(auth.expose().clone()),
                        privacy: Some(privacy.expose().clone()),
                    },
                )
            }
        };
        let vault = self.vault()?;
        let actor = self.actor().clone();
        let id = self
            .project_mut()
            .put_switch(name, address, version, user, &actor)?;
        let key = EntryKey::other(
            &self.project().id().to_string(),
            &names::snmp_switch(&id.to_string()),
        )?;
        let json = serde_json::to_string(&stored).map_err(|e| Error::Invalid(e.to_string()))?;
        let sealed = crate::sealed::seal(&vault, &key, &SecretString::new(json))?;
        self.project_mut().write_secrets(
            &[sealed],
            None,
            "switch.credentials",
            &id.to_string(),
            &actor,
        )?;
        Ok(())
    }

    /// Reads every listed switch and records where each known MAC is.
    pub async fn query_switches(&self) -> Result<SwitchSummary> {
        let _one_at_a_time = self.exclusive().await;
        let mut summary = SwitchSummary::default();
        let mut located: Vec<(String, handover_devices::switch::MacLocation)> = Vec::new();
        let vault = self.vault()?;
        let listed = self.project().switches()?;
        for sw in listed {
            let key = EntryKey::other(
                &self.project().id().to_string(),
                &names::snmp_switch(&sw.id.to_string()),
            )?;
            let Some(secret) = self.secret(&vault, &key)? else {
                summary.failed.push((
                    sw.name.clone(),
                    "its SNMP credentials are not in the project: add the switch again".into(),
                ));
                continue;
            };
            let stored: Stored = serde_json::from_str(secret.expose()).map_err(|_| {
                Error::Invalid(format!(
                    "the sealed SNMP credentials of switch {} are damaged",
                    sw.name
                ))
            })?;
            let auth = match (sw.version.as_str(), stored) {
                (
                    "v2c",
                    Stored {
                        community: Some(c), ..
                    },
                ) => SnmpAuth::V2c {
                    community: Password::new(c),
                },
                (
                    _,
                    Stored {
                        auth: Some(a),
                        privacy: Some(p),
                        ..
                    },
                ) => SnmpAuth::V3 {
                    user: sw.v3_user.clone().unwrap_or_default(),
                    auth_password: Password::new(a),
                    priv_password: Password::new(p),
                },
                _ => {
                    summary
                        .failed
                        .push((sw.name.clone(), "incomplete credentials".into()));
                    continue;
                }
            };
            let addr: SocketAddr = sw
                .address
                .parse()
                .map_err(|_| Error::Invalid(format!("switch {} has a bad address", sw.name)))?;
            let target = SwitchTarget {
                name: sw.name.clone(),
                addr,
                auth,
                timeout: Duration::from_secs(3),
            };
            match locate_macs(&target).await {
                Ok(list) => {
                    summary.answered += 1;
                    located.extend(list.into_iter().map(|l| (sw.name.clone(), l)));
                }
                Err(e) => summary.failed.push((sw.name.clone(), e.to_string())),
            }
        }
        let mut batch = Vec::new();
        let listed = self.project().devices()?;
        for d in listed {
            let Some(mac) = d.identity.mac else { continue };
            match located.iter().find(|(_, l)| l.mac == mac.0) {
                Some((switch, l)) => {
                    summary.located += 1;
                    let facts = handover_model::DeviceFacts {
                        switch_port: Some(SwitchPort {
                            switch: switch.clone(),
                            port: l.port.to_string(),
                            vlan: l.vlan,
                        }),
                        ..handover_model::DeviceFacts::default()
                    };
                    batch.push(Sighting {
                        device: Some(d.id),
                        facts,
                        ..Sighting::default()
                    });
                }
                None if summary.answered > 0 => summary.not_seen += 1,
                None => {}
            }
        }
        self.record_sightings(batch)?;
        Ok(summary)
    }
}
