//! `DeviceClient` (the one shared HTTP client) and `OnvifSession` (one device at one XAddr, with optional
//! credentials): each operation builds a cheap oxvif client over our transport, signs WS-UsernameToken
//! with the device's clock (the skew learnt from its clock), and maps every failure to our typed error.
//! Calls on one session run one at a time, and the shared client lets no two requests to one device be
//! in flight at once. Reads live here; identification and account/config changes are in their modules.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use oxvif::{OnvifClient, OnvifError};

use crate::creds::Credentials;
use crate::error::{Error, Result};
use crate::http::{ClientOptions, Http, authority};
use crate::onvif::transport::SessionTransport;
use crate::onvif::types::*;

/// The shared device client: build once, make sessions from it.
#[derive(Debug, Clone)]
pub struct DeviceClient {
    pub(crate) http: Arc<Http>,
}

impl DeviceClient {
    /// Builds the shared HTTP client with these limits.
    pub fn new(opts: ClientOptions) -> Self {
        DeviceClient {
            http: Arc::new(Http::new(opts)),
        }
    }

    /// The limits in effect.
    pub fn options(&self) -> &ClientOptions {
        &self.http.opts
    }

    /// SHA-256 fingerprint (`AB:CD:...`) of the certificate the endpoint (host:port) of `xaddr` last presented
    /// over TLS.
    pub fn tls_fingerprint(&self, xaddr: &str) -> Option<String> {
        self.http.tls_fingerprint(&xaddr.parse().ok()?)
    }

    /// Pins the certificate the endpoint (host:port) of `xaddr` must present over TLS from now on (trust on
    /// first use: the project keeps the fingerprint first seen); `None` lifts the pin. A connection presenting
    /// another certificate fails with [`Error::CertificateChanged`] before any request is sent.
    pub fn pin_certificate(&self, xaddr: &str, fingerprint: Option<&str>) {
        if let Ok(uri) = xaddr.parse::<hyper::Uri>() {
            self.http.pin(&uri, fingerprint);
        }
    }

    /// Forgets every certificate pinned on the host of `xaddr`, whatever the port (after the technician
    /// confirmed the device was replaced or reset).
    pub fn unpin_host(&self, xaddr: &str) {
        if let Ok(uri) = xaddr.parse::<hyper::Uri>() {
            self.http.unpin_host(&uri);
        }
    }

    /// A session with one device's ONVIF device service (`http://host:port/onvif/device_service`).
    pub fn session(&self, xaddr: &str, creds: Option<Credentials>) -> Result<OnvifSession> {
        self.session_with(xaddr, creds, AuthPreference::Auto)
    }

    /// A session sending the authentication `auth` says.
    pub fn session_with(
        &self,
        xaddr: &str,
        creds: Option<Credentials>,
        auth: AuthPreference,
    ) -> Result<OnvifSession> {
        self.session_over(xaddr, creds, auth, |c, digest| {
            SessionTransport::new(self.http.clone(), c, digest)
        })
    }

    /// A session whose transports `transport` makes (from the credentials and whether Digest is allowed).
    pub(crate) fn session_over(
        &self,
        xaddr: &str,
        creds: Option<Credentials>,
        auth: AuthPreference,
        transport: impl Fn(Option<Credentials>, bool) -> SessionTransport,
    ) -> Result<OnvifSession> {
        let uri: hyper::Uri =
            xaddr
                .parse()
                .map_err(|e: hyper::http::uri::InvalidUri| Error::InvalidAddress {
                    input: xaddr.into(),
                    source: Some(e.into()),
                })?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(Error::InvalidAddress {
                input: xaddr.into(),
                source: None,
            });
        }
        let anon = Arc::new(transport(None, false));
        let authed = creds.as_ref().map(|c| {
            Arc::new(transport(
                Some(c.clone()),
                auth != AuthPreference::WsUsernameToken,
            ))
        });
        Ok(OnvifSession {
            xaddr: xaddr.to_string(),
            addr: authority(&uri),
            creds,
            auth,
            anon,
            authed,
            skew: AtomicI64::new(0),
            skew_known: AtomicBool::new(false),
            serial: tokio::sync::Mutex::new(()),
        })
    }
}

/// One device's ONVIF device service.
pub struct OnvifSession {
    xaddr: String,
    addr: String,
    pub(crate) creds: Option<Credentials>,
    auth: AuthPreference,
    pub(crate) anon: Arc<SessionTransport>,
    pub(crate) authed: Option<Arc<SessionTransport>>,
    skew: AtomicI64,
    skew_known: AtomicBool,
    serial: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for OnvifSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnvifSession")
            .field("xaddr", &self.xaddr)
            .field("user", &self.creds.as_ref().map(|c| c.username.as_str()))
            .field("skew", &self.skew.load(Ordering::Relaxed))
            .finish()
    }
}

/// Whether an operation is sent with or without credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// Never credentials.
    Anonymous,
    /// Credentials when the session has them.
    IfAny,
}

fn map_oxvif(addr: &str, e: OnvifError, had_creds: bool) -> Error {
    match e {
        OnvifError::Soap(oxvif::soap::SoapError::Fault {
            code,
            reason,
            subcode,
            ..
        }) => {
            let f = crate::onvif::fault::SoapFault {
                code,
                subcodes: subcode.into_iter().collect(),
                reason,
            };
            crate::onvif::transport::classify_fault(addr.to_string(), f, had_creds)
        }
        other => Error::Malformed {
            addr: addr.to_string(),
            source: Box::new(other),
        },
    }
}

impl OnvifSession {
    /// The device service address.
    pub fn xaddr(&self) -> &str {
        &self.xaddr
    }
    /// host:port.
    pub fn address(&self) -> &str {
        &self.addr
    }
    /// The authentication preference the session was made with.
    pub fn auth_preference(&self) -> AuthPreference {
        self.auth
    }
    /// The credentials the session carries.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.creds.as_ref()
    }
    /// True when the session carries credentials.
    pub fn has_credentials(&self) -> bool {
        self.creds.is_some()
    }
    /// The clock skew in use for WS-UsernameToken (device minus ours), once known.
    pub fn skew_secs(&self) -> Option<i64> {
        self.skew_known
            .load(Ordering::Relaxed)
            .then(|| self.skew.load(Ordering::Relaxed))
    }
    /// Sets the skew (e.g. from an earlier identification), so no clock read is needed first.
    pub fn set_skew_secs(&self, skew: i64) {
        self.skew.store(skew, Ordering::Relaxed);
        self.skew_known.store(true, Ordering::Relaxed);
    }

    /// The transport the last authenticated call used digest on.
    pub(crate) fn authed_used_digest(&self) -> bool {
        self.authed.as_ref().is_some_and(|t| t.last_used_digest())
    }

    /// Runs one oxvif operation; the typed error of the exchange wins over oxvif's.
    pub(crate) async fn call<T, F, Fut>(&self, auth: Auth, f: F) -> Result<T>
    where
        F: FnOnce(OnvifClient) -> Fut,
        Fut: Future<Output = std::result::Result<T, OnvifError>>,
    {
        let _one_at_a_time = self.serial.lock().await;
        let (transport, creds) = match (auth, &self.authed, &self.creds) {
            (Auth::IfAny, Some(t), Some(c)) => (t, Some(c)),
            _ => (&self.anon, None),
        };
        let mut client = OnvifClient::new(self.xaddr.as_str()).with_transport(transport.clone());
        if let Some(c) = creds
            && self.auth != AuthPreference::HttpDigest
        {
            client = client
                .with_credentials(c.username.as_str(), c.password.expose())
                .with_utc_offset(self.skew.load(Ordering::Relaxed));
        }
        let had_creds = creds.is_some();
        transport.begin();
        match f(client).await {
            Ok(v) => Ok(v),
            Err(e) => Err(transport
                .take_error()
                .unwrap_or_else(|| map_oxvif(&self.addr, e, had_creds))),
        }
    }

    /// Reads the device clock (anonymously first; with credentials when the device wants them) and
    /// records the skew used to sign WS-UsernameToken from then on.
    pub async fn system_date_and_time(&self) -> Result<ClockReading> {
        let anon = self.read_clock(Auth::Anonymous).await;
        let reading = match anon {
            Err(e) if e.is_auth_required() => {
                // Devices that guard even their clock still stamp their HTTP Date header.
                let from_header = self.anon.last_date().map(|d| ClockReading {
                    device_unix: d,
                    skew_secs: d - now_unix(),
                    source: ClockSource::HttpDate,
                });
                if let Some(r) = from_header {
                    self.set_skew_secs(r.skew_secs);
                }
                if self.creds.is_some() {
                    self.read_clock(Auth::IfAny).await?
                } else {
                    return from_header.ok_or(e);
                }
            }
            other => other?,
        };
        self.set_skew_secs(reading.skew_secs);
        Ok(reading)
    }

    pub(crate) async fn read_clock(&self, auth: Auth) -> Result<ClockReading> {
        let addr = self.addr.clone();
        let t = self
            .call(auth, |c| async move { c.get_system_date_and_time().await })
            .await?;
        let device_unix = t.utc_unix.ok_or_else(|| Error::Malformed {
            addr,
            source: "GetSystemDateAndTime has no UTCDateTime".into(),
        })?;
        Ok(ClockReading {
            device_unix,
            skew_secs: device_unix - now_unix(),
            source: ClockSource::Onvif,
        })
    }

    /// GetDeviceInformation.
    pub async fn device_information(&self) -> Result<DeviceInformation> {
        self.call(Auth::IfAny, |c| async move { c.get_device_info().await })
            .await
            .map(Into::into)
    }
    /// GetNetworkInterfaces.
    pub async fn network_interfaces(&self) -> Result<Vec<NetInterface>> {
        let v = self
            .call(
                Auth::IfAny,
                |c| async move { c.get_network_interfaces().await },
            )
            .await?;
        Ok(v.into_iter().map(Into::into).collect())
    }
    /// GetNetworkDefaultGateway (IPv4 and IPv6 gateways together).
    pub async fn default_gateway(&self) -> Result<Vec<String>> {
        let g = self
            .call(Auth::IfAny, |c| async move {
                c.get_network_default_gateway().await
            })
            .await?;
        Ok(g.ipv4_addresses
            .into_iter()
            .chain(g.ipv6_addresses)
            .collect())
    }
    /// GetDNS.
    pub async fn dns(&self) -> Result<ServerList> {
        let d = self
            .call(Auth::IfAny, |c| async move { c.get_dns().await })
            .await?;
        Ok(ServerList {
            from_dhcp: d.from_dhcp,
            servers: d.servers,
        })
    }
    /// GetNTP.
    pub async fn ntp(&self) -> Result<ServerList> {
        let n = self
            .call(Auth::IfAny, |c| async move { c.get_ntp().await })
            .await?;
        Ok(ServerList {
            from_dhcp: n.from_dhcp,
            servers: n.servers,
        })
    }
    /// GetScopes.
    pub async fn scopes(&self) -> Result<Vec<String>> {
        self.call(Auth::IfAny, |c| async move { c.get_scopes().await })
            .await
    }
    /// GetHostname.
    pub async fn hostname(&self) -> Result<Option<String>> {
        Ok(self
            .call(Auth::IfAny, |c| async move { c.get_hostname().await })
            .await?
            .name)
    }
    /// GetNetworkProtocols.
    pub async fn network_protocols(&self) -> Result<Vec<NetworkProtocol>> {
        let v = self
            .call(
                Auth::IfAny,
                |c| async move { c.get_network_protocols().await },
            )
            .await?;
        Ok(v.into_iter().map(Into::into).collect())
    }
    /// GetDiscoveryMode.
    pub async fn discovery_mode(&self) -> Result<DiscoveryMode> {
        let addr = self.addr.clone();
        let s = self
            .call(Auth::IfAny, |c| async move { c.get_discovery_mode().await })
            .await?;
        DiscoveryMode::parse(&s).ok_or_else(|| Error::Malformed {
            addr,
            source: format!("discovery mode {s:?}").into(),
        })
    }
    /// GetServiceCapabilities: the account limits (MaxUsers, MaxUserNameLength, MaxPasswordLength).
    pub async fn password_limits(&self) -> Result<PasswordLimits> {
        let caps = self
            .call(Auth::IfAny, |c| async move {
                c.device_get_service_capabilities().await
            })
            .await?;
        let s = caps.security;
        Ok(PasswordLimits {
            max_users: s.max_users,
            max_username_length: s.max_user_name_length,
            max_password_length: s.max_password_length,
            username_token: s.username_token,
            http_digest: s.http_digest,
        })
    }
}

pub(crate) fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
