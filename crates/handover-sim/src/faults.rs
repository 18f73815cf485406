//! Faults on demand: what a device should do wrong, as plain data. A manifest can set them from the
//! start; tests and other processes toggle them at run time (`DeviceHandle::set_faults`, or POST to the
//! status endpoint). The HTTP and WS-Discovery servers read this struct; it holds no behaviour itself
//! beyond the random draws.

use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};

/// A hostile answer instead of a real one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hostile {
    /// Well-framed but broken XML (unclosed elements, a bad XAddr).
    Malformed,
    /// A huge document: ~60 KB in a UDP datagram, 64 MiB over HTTP.
    Gigantic,
    /// A "billion laughs" entity expansion bomb in a DOCTYPE.
    EntityBomb,
}

/// How a device says "wrong credentials" when it refuses with SOAP rather than an HTTP Digest challenge.
/// Off (None) is ONVIF's own: SOAP 1.2 env:Sender / ter:NotAuthorized with HTTP 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthRefusal {
    /// SOAP 1.2 env:Sender / wsse:FailedAuthentication (the OASIS WS-Security fault many devices send).
    WsseFailedAuthentication,
    /// SOAP 1.2 env:Sender / wsse:InvalidSecurity.
    WsseInvalidSecurity,
    /// SOAP 1.2 env:Sender / wsse:InvalidSecurityToken.
    WsseInvalidSecurityToken,
    /// SOAP 1.1: faultcode wsse:FailedAuthentication, HTTP 500.
    Soap11FailedAuthentication,
    /// HTTP 401 with a `WWW-Authenticate: Basic` challenge and no SOAP body.
    Http401Basic,
}

/// A way devices nobody here wrote shape their WS-Discovery answers (each one legal enough that real clients
/// cope with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiscoveryQuirk {
    /// The ProbeMatch sits directly in the Body, without its ProbeMatches wrapper.
    Unwrapped,
    /// A SOAP 1.1 envelope with WS-Addressing 2005/08, other namespace prefixes (`SOAP-ENV:`, `wsa:`, `wsdd:`)
    /// and the discovery elements in a default namespace.
    Soap11,
    /// Scope values with raw spaces (`.../name/Front Door`) instead of `%20`.
    RawSpaces,
    /// RelatesTo without the `urn:` of the probe's MessageID (`uuid:...`).
    RelatesToWithoutUrn,
    /// The answer leaves from a new socket (another source port), as simple responders send it.
    AnswerFromOtherPort,
    /// Scopes that say only what the device is for (type, profile): no name, hardware, manufacturer or location,
    /// so nothing about the maker or model is known before the device is asked over ONVIF.
    BareScopes,
    /// WS-Discovery duplicate detection: a probe whose MessageID the device has already seen is ignored (so a
    /// client that re-sends a probe unchanged never gets a second answer).
    DropsRepeatedMessageIds,
}

/// The fault switches of one device. All off by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaultSpec {
    /// Fixed delay before every HTTP answer, in milliseconds.
    pub latency_ms: u64,
    /// Extra random delay, uniform in 0..=jitter_ms.
    pub jitter_ms: u64,
    /// Share (0..=1) of HTTP requests whose connection is closed without an answer.
    pub drop_connection_share: f64,
    /// Share (0..=1) of HTTP requests answered with a bare HTTP 500.
    pub http_500_share: f64,
    /// Answer every SOAP request with malformed XML.
    pub malformed_xml: bool,
    /// Send the headers and the start of a body, then never finish.
    pub never_ending_response: bool,
    /// The next SetUser changes the password, then the device reboots without answering.
    pub reboot_during_set_user: bool,
    /// The next SetUser changes the password, then answers with a SOAP fault (firmware that applies a change
    /// and reports an error anyway).
    pub set_user_applies_then_faults: bool,
    /// The next SetUser changes the password, then answers HTTP 401 (the request's credentials are checked
    /// again after the change, against the new password).
    pub set_user_applies_then_401: bool,
    /// The next SetUser is refused with a SOAP fault and changes nothing.
    pub set_user_refused: bool,
    /// SetUser (and CreateUsers) are not implemented: every call answers env:Receiver /
    /// ter:ActionNotSupported "Action not supported" and changes nothing (passwords change only in the vendor's
    /// tool or web UI).
    pub set_user_unsupported: bool,
    /// Every ONVIF operation wants credentials, the ones the standard answers before authentication
    /// (GetSystemDateAndTime, GetServices, GetCapabilities) included: without a password nothing but the HTTP
    /// `Date` header is learnt.
    pub credentials_for_everything: bool,
    /// How credentials are refused (None: ter:NotAuthorized). Lockouts keep their reason text.
    pub auth_refusal: Option<AuthRefusal>,
    /// The next SetUser answers OK at once and applies the new password this many milliseconds later.
    pub set_user_applies_late_ms: u64,
    /// The device reverts to factory settings this many milliseconds after the fault is set (0: never): its
    /// accounts are back to their factory passwords, activation is undone, it reboots (dropping every
    /// connection) and its HTTPS listener presents a new certificate — as after a reset button held during a
    /// job.
    pub factory_reset_after_ms: u64,
    /// Share (0..=1) of incoming UDP datagrams (probes) silently dropped.
    pub udp_drop_share: f64,
    /// Share (0..=1) of WS-Discovery answers lost on the way back (sent to nowhere).
    pub udp_answer_drop_share: f64,
    /// Hostile ProbeMatch instead of a real one.
    pub hostile_discovery: Option<Hostile>,
    /// How the ProbeMatch departs from the simulator's own shape (see [`DiscoveryQuirk`]).
    pub discovery_quirks: Vec<DiscoveryQuirk>,
    /// Hostile SOAP answer instead of a real one.
    pub hostile_http: Option<Hostile>,
    /// The HTTPS listener closes every connection before the TLS handshake (a broken certificate store).
    pub tls_handshake_fails: bool,
    /// The HTTPS listener presents another certificate than before (a device replaced or reset to factory
    /// settings, or someone in the middle).
    pub tls_certificate_replaced: bool,
    /// A firmware image is received at most this fast, in bytes per second (0: as fast as the link).
    pub upload_bytes_per_sec: u64,
    /// A firmware upgrade's reboot takes this many milliseconds (0: the device's reboot time).
    pub firmware_reboot_ms: u64,
    /// Dual-bank fallback: the new image fails to boot and the device comes back on the version it had.
    pub firmware_boot_fails: bool,
    /// The device comes back from a firmware upgrade on factory settings (its accounts reset).
    pub firmware_factory_reset: bool,
    /// The device comes back from a firmware upgrade with its network settings reset (host name and NTP back
    /// to the factory's), its accounts kept.
    pub firmware_resets_network: bool,
    /// The device comes back from a firmware upgrade with a new TLS certificate.
    pub firmware_new_certificate: bool,
    /// The device does not come back from a firmware upgrade (stuck in its boot loader).
    pub firmware_never_returns: bool,
}

impl FaultSpec {
    /// Draws the delay for one answer.
    pub fn draw_latency(&self) -> Duration {
        let jitter = if self.jitter_ms > 0 {
            rand::thread_rng().gen_range(0..=self.jitter_ms)
        } else {
            0
        };
        Duration::from_millis(self.latency_ms + jitter)
    }

    /// True with probability `share` (clamped to 0..=1).
    pub fn draw(share: f64) -> bool {
        share > 0.0 && rand::thread_rng().gen_bool(share.clamp(0.0, 1.0))
    }

    /// True when no fault is switched on.
    pub fn is_clean(&self) -> bool {
        self == &FaultSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_zero_and_one_are_exact() {
        assert!((0..1000).all(|_| !FaultSpec::draw(0.0)));
        assert!((0..1000).all(|_| FaultSpec::draw(1.0)));
        assert!((0..1000).all(|_| FaultSpec::draw(7.0)), "clamped");
    }

    #[test]
    fn latency_stays_within_jitter() {
        let f = FaultSpec {
            latency_ms: 10,
            jitter_ms: 5,
            ..FaultSpec::default()
        };
        for _ in 0..200 {
            let d = f.draw_latency();
            assert!(
                d >= Duration::from_millis(10) && d <= Duration::from_millis(15),
                "{d:?}"
            );
        }
    }

    #[test]
    fn parses_from_toml() {
        let f: FaultSpec =
            toml::from_str("latency_ms = 5\nhostile_discovery = \"entity-bomb\"").unwrap();
        assert_eq!(f.latency_ms, 5);
        assert_eq!(f.hostile_discovery, Some(Hostile::EntityBomb));
        assert!(!f.is_clean());
    }
}
