//! Identification: what a device is, read over ONVIF in a fixed order. The clock comes first (its skew is
//! recorded and used to sign WS-UsernameToken), then GetDeviceInformation decides whether the
//! credentials are taken and with which scheme; after a refusal no further authenticated request is
//! sent. Without credentials every read is tried anonymously and the ones the device guards are listed
//! in `needs_auth_for`. Per-operation failures are data in `errors`, not a failed identification.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::onvif::session::OnvifSession;
use crate::onvif::types::*;

/// How much to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Depth {
    /// Clock and GetDeviceInformation only.
    Basic,
    /// Everything: interfaces, gateway, DNS, NTP, scopes, hostname, protocols, discovery mode, limits.
    #[default]
    Full,
}

/// The facts read from a device (each None when it could not be read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFacts {
    /// GetDeviceInformation.
    pub info: Option<DeviceInformation>,
    /// GetNetworkInterfaces.
    pub interfaces: Option<Vec<NetInterface>>,
    /// GetNetworkDefaultGateway.
    pub gateway: Option<Vec<String>>,
    /// GetDNS.
    pub dns: Option<ServerList>,
    /// GetNTP.
    pub ntp: Option<ServerList>,
    /// GetScopes.
    pub scopes: Option<Vec<String>>,
    /// GetHostname.
    pub hostname: Option<String>,
    /// GetNetworkProtocols.
    pub protocols: Option<Vec<NetworkProtocol>>,
    /// GetDiscoveryMode.
    pub discovery_mode: Option<DiscoveryMode>,
    /// GetServiceCapabilities (account limits).
    pub password_limits: Option<PasswordLimits>,
}

/// The result of identifying one device.
#[derive(Debug)]
pub struct Identification {
    /// The device service address.
    pub xaddr: String,
    /// What was read.
    pub facts: DeviceFacts,
    /// The device clock against ours.
    pub clock: Option<ClockReading>,
    /// The scheme the credentials were accepted with; without credentials, the scheme the device asked
    /// for (Digest when it challenged, UsernameToken when it answered ter:NotAuthorized).
    pub auth_scheme: Option<AuthScheme>,
    /// Whether the credentials were accepted (None when none were given or it could not be told).
    pub credentials_accepted: Option<bool>,
    /// Operations the device refused without credentials.
    pub needs_auth_for: Vec<&'static str>,
    /// Operations that failed, with why.
    pub errors: Vec<(&'static str, Error)>,
}

impl Identification {
    /// True when nothing at all could be read (unreachable or hostile device).
    pub fn is_empty(&self) -> bool {
        self.clock.is_none() && self.facts == DeviceFacts::default()
    }
    /// The first error whose device was unreachable, if that is why nothing came back.
    pub fn unreachable(&self) -> Option<&Error> {
        self.errors
            .iter()
            .map(|(_, e)| e)
            .find(|e| e.is_unreachable())
    }
}

impl OnvifSession {
    /// Identifies the device (see the module doc for the order).
    pub async fn identify(&self, depth: Depth) -> Identification {
        let mut out = Identification {
            xaddr: self.xaddr().to_string(),
            facts: DeviceFacts::default(),
            clock: None,
            auth_scheme: None,
            credentials_accepted: None,
            needs_auth_for: Vec::new(),
            errors: Vec::new(),
        };
        let mut asked_scheme = None;
        let note = |out: &mut Identification,
                    asked: &mut Option<AuthScheme>,
                    op: &'static str,
                    e: Error| {
            if let Error::AuthRequired { digest, .. } = &e {
                out.needs_auth_for.push(op);
                asked.get_or_insert(if *digest {
                    AuthScheme::HttpDigest
                } else {
                    AuthScheme::WsUsernameToken
                });
            }
            out.errors.push((op, e));
        };

        // 1. The clock, without credentials; then with them if the device guards it.
        match self.clock_without_credentials().await {
            Ok(c) if c.source == ClockSource::Onvif => out.clock = Some(c),
            Ok(c) => {
                out.needs_auth_for.push("GetSystemDateAndTime");
                asked_scheme = Some(if self.anon.digest_offered() {
                    AuthScheme::HttpDigest
                } else {
                    AuthScheme::WsUsernameToken
                });
                out.clock = Some(c);
                if self.has_credentials() {
                    // The Date header gave the skew; sign with it and read the clock itself.
                    match self.read_clock(crate::onvif::session::Auth::IfAny).await {
                        Ok(c) => {
                            self.set_skew_secs(c.skew_secs);
                            out.clock = Some(c);
                        }
                        Err(e) => return self.after_auth_failure(out, "GetSystemDateAndTime", e),
                    }
                }
            }
            Err(e) => {
                let fatal = e.is_unreachable() || e.is_malformed() || e.is_locked_out();
                note(&mut out, &mut asked_scheme, "GetSystemDateAndTime", e);
                if fatal {
                    return out;
                }
            }
        }

        // 2. GetDeviceInformation decides whether the credentials are good.
        match self.device_information().await {
            Ok(info) => {
                out.facts.info = Some(info);
                if self.has_credentials() {
                    out.credentials_accepted = Some(true);
                    out.auth_scheme = Some(if self.authed_used_digest() {
                        AuthScheme::HttpDigest
                    } else {
                        AuthScheme::WsUsernameToken
                    });
                }
            }
            Err(e) if self.has_credentials() && e.is_auth_rejected() => {
                return self.after_auth_failure(out, "GetDeviceInformation", e);
            }
            Err(e) => {
                let fatal = e.is_unreachable() || e.is_locked_out();
                note(&mut out, &mut asked_scheme, "GetDeviceInformation", e);
                if fatal {
                    return out;
                }
            }
        }
        if depth == Depth::Full {
            macro_rules! read {
                ($op:literal, $field:ident, $call:expr) => {
                    match $call.await {
                        Ok(v) => out.facts.$field = Some(v),
                        Err(e) => {
                            let stop = e.is_unreachable()
                                || e.is_locked_out()
                                || (self.has_credentials() && e.is_auth_rejected());
                            note(&mut out, &mut asked_scheme, $op, e);
                            if stop {
                                return out;
                            }
                        }
                    }
                };
            }
            read!(
                "GetNetworkInterfaces",
                interfaces,
                self.network_interfaces()
            );
            read!("GetNetworkDefaultGateway", gateway, self.default_gateway());
            read!("GetDNS", dns, self.dns());
            read!("GetNTP", ntp, self.ntp());
            read!("GetScopes", scopes, self.scopes());
            match self.hostname().await {
                Ok(h) => out.facts.hostname = h,
                Err(e) => note(&mut out, &mut asked_scheme, "GetHostname", e),
            }
            read!("GetNetworkProtocols", protocols, self.network_protocols());
            read!("GetDiscoveryMode", discovery_mode, self.discovery_mode());
            read!(
                "GetServiceCapabilities",
                password_limits,
                self.password_limits()
            );
        }
        if out.auth_scheme.is_none() {
            out.auth_scheme = asked_scheme;
        }
        out
    }

    /// [`identify`](Self::identify), abandoned as soon as `cancel` fires (the request in flight is
    /// dropped; nothing else is sent).
    pub async fn identify_until(
        &self,
        depth: Depth,
        cancel: &tokio_util::sync::CancellationToken,
    ) -> crate::Result<Identification> {
        tokio::select! {
            _ = cancel.cancelled() => Err(Error::Cancelled),
            id = self.identify(depth) => Ok(id),
        }
    }

    fn after_auth_failure(
        &self,
        mut out: Identification,
        op: &'static str,
        e: Error,
    ) -> Identification {
        if e.is_auth_rejected() {
            out.credentials_accepted = Some(false);
        }
        if out.auth_scheme.is_none() && self.anon.digest_offered() {
            out.auth_scheme = Some(AuthScheme::HttpDigest);
        }
        out.errors.push((op, e));
        out
    }
}
