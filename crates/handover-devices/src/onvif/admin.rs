//! Account and configuration changes on one device, for credential custody and the checks: GetUsers,
//! CreateUsers, SetUser, DeleteUsers, the explicit "try these credentials" login check, SetNTP,
//! SetNetworkProtocols, SetDiscoveryMode and SystemReboot. Every call here is authenticated and sent
//! exactly once: nothing is retried after a refusal, so no more guesses reach a device than asked.

use serde::{Deserialize, Serialize};

use crate::creds::Password;
use crate::error::{Error, Result};
use crate::onvif::session::{Auth, OnvifSession};
use crate::onvif::types::*;

/// The answer to "would the device take these credentials?".
#[derive(Debug)]
pub enum LoginCheck {
    /// Accepted, with the scheme the device took.
    Accepted {
        /// WS-UsernameToken or HTTP Digest.
        scheme: AuthScheme,
    },
    /// Refused (ter:NotAuthorized, or HTTP 401 after a Digest answer).
    NotAuthorized(Error),
    /// The device says the account or this client is locked out.
    LockedOut(Error),
    /// No answer or no connection.
    Unreachable(Error),
    /// Anything else (malformed answer, unexpected fault).
    Failed(Error),
}

/// A short, serialisable name for a login check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginOutcome {
    /// Accepted.
    Accepted,
    /// Refused.
    NotAuthorized,
    /// Locked out.
    LockedOut,
    /// Unreachable.
    Unreachable,
    /// Other failure.
    Failed,
}

impl LoginCheck {
    /// The outcome without the error.
    pub fn outcome(&self) -> LoginOutcome {
        match self {
            LoginCheck::Accepted { .. } => LoginOutcome::Accepted,
            LoginCheck::NotAuthorized(_) => LoginOutcome::NotAuthorized,
            LoginCheck::LockedOut(_) => LoginOutcome::LockedOut,
            LoginCheck::Unreachable(_) => LoginOutcome::Unreachable,
            LoginCheck::Failed(_) => LoginOutcome::Failed,
        }
    }
}

impl OnvifSession {
    fn require_creds(&self) -> Result<()> {
        if self.creds.is_none() {
            return Err(Error::AuthRequired {
                addr: self.address().to_string(),
                digest: false,
            });
        }
        Ok(())
    }

    /// One authentication attempt with the session's credentials (GetDeviceInformation), after an
    /// anonymous clock read when the skew is not known yet (that read never carries credentials).
    pub async fn check_login(&self) -> LoginCheck {
        if let Err(e) = self.require_creds() {
            return LoginCheck::Failed(e);
        }
        if self.skew_secs().is_none() {
            match self.clock_without_credentials().await {
                Err(e) if e.is_unreachable() => return LoginCheck::Unreachable(e),
                Err(e) if e.is_locked_out() => return LoginCheck::LockedOut(e),
                _ => {}
            }
        }
        match self
            .call(Auth::IfAny, |c| async move { c.get_device_info().await })
            .await
        {
            Ok(_) => LoginCheck::Accepted {
                scheme: if self.authed_used_digest() {
                    AuthScheme::HttpDigest
                } else {
                    AuthScheme::WsUsernameToken
                },
            },
            Err(e) if e.is_locked_out() => LoginCheck::LockedOut(e),
            Err(e) if e.is_auth_rejected() => LoginCheck::NotAuthorized(e),
            Err(e) if e.is_unreachable() => LoginCheck::Unreachable(e),
            Err(e) => LoginCheck::Failed(e),
        }
    }

    /// Reads the skew without sending credentials (the clock or, failing that, the HTTP Date header).
    pub(crate) async fn clock_without_credentials(&self) -> Result<ClockReading> {
        let r = self
            .call(Auth::Anonymous, |c| async move {
                c.get_system_date_and_time().await
            })
            .await;
        let now = crate::onvif::session::now_unix();
        let reading = match r {
            Ok(t) => t.utc_unix.map(|d| ClockReading {
                device_unix: d,
                skew_secs: d - now,
                source: ClockSource::Onvif,
            }),
            Err(e) if e.is_auth_required() => self.anon.last_date().map(|d| ClockReading {
                device_unix: d,
                skew_secs: d - now,
                source: ClockSource::HttpDate,
            }),
            Err(e) => return Err(e),
        };
        match reading {
            Some(r) => {
                self.set_skew_secs(r.skew_secs);
                Ok(r)
            }
            None => Err(Error::Malformed {
                addr: self.address().to_string(),
                source: "no device time".into(),
            }),
        }
    }

    /// GetUsers.
    pub async fn users(&self) -> Result<Vec<DeviceUser>> {
        self.require_creds()?;
        let v = self
            .call(Auth::IfAny, |c| async move { c.get_users().await })
            .await?;
        Ok(v.into_iter()
            .map(|u| DeviceUser {
                username: u.username,
                level: UserLevel::parse(&u.user_level),
            })
            .collect())
    }

    /// CreateUsers.
    pub async fn create_users(&self, users: &[NewUser]) -> Result<()> {
        let list: Vec<(String, String, String)> = users
            .iter()
            .map(|u| {
                (
                    u.username.clone(),
                    u.password.expose().to_string(),
                    u.level.as_str().to_string(),
                )
            })
            .collect();
        self.call(Auth::IfAny, |c| async move {
            let refs: Vec<(&str, &str, &str)> = list
                .iter()
                .map(|(a, b, l)| (a.as_str(), b.as_str(), l.as_str()))
                .collect();
            c.create_users(&refs).await
        })
        .await
    }

    /// SetUser: a new password (or None to keep it) and level for an existing user.
    pub async fn set_user(
        &self,
        username: &str,
        password: Option<&Password>,
        level: &UserLevel,
    ) -> Result<()> {
        self.require_creds()?;
        let (u, p, l) = (
            username.to_string(),
            password.map(|p| p.expose().to_string()),
            level.as_str().to_string(),
        );
        self.call(Auth::IfAny, |c| async move {
            c.set_user(&u, p.as_deref(), &l).await
        })
        .await
    }

    /// DeleteUsers.
    pub async fn delete_users(&self, usernames: &[&str]) -> Result<()> {
        self.require_creds()?;
        let names: Vec<String> = usernames.iter().map(|s| s.to_string()).collect();
        self.call(Auth::IfAny, |c| async move {
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            c.delete_users(&refs).await
        })
        .await
    }

    /// SetNTP: DHCP, or these servers (addresses or names).
    pub async fn set_ntp(&self, from_dhcp: bool, servers: &[&str]) -> Result<()> {
        let servers: Vec<String> = servers.iter().map(|s| s.to_string()).collect();
        self.call(Auth::IfAny, |c| async move {
            let refs: Vec<&str> = servers.iter().map(String::as_str).collect();
            c.set_ntp(from_dhcp, &refs).await
        })
        .await
    }

    /// SetNetworkProtocols.
    pub async fn set_network_protocols(&self, protocols: &[NetworkProtocol]) -> Result<()> {
        let list = protocols.to_vec();
        self.call(Auth::IfAny, |c| async move {
            let refs: Vec<(&str, bool, &[u32])> = list
                .iter()
                .map(|p| (p.name.as_str(), p.enabled, p.ports.as_slice()))
                .collect();
            c.set_network_protocols(&refs).await
        })
        .await
    }

    /// SetDiscoveryMode.
    pub async fn set_discovery_mode(&self, mode: DiscoveryMode) -> Result<()> {
        self.call(Auth::IfAny, |c| async move {
            c.set_discovery_mode(mode.as_str()).await
        })
        .await
    }

    /// SystemReboot; returns the device's message.
    pub async fn reboot(&self) -> Result<String> {
        self.call(Auth::IfAny, |c| async move { c.system_reboot().await })
            .await
    }
}
