//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`, never on in the product): hostile bytes
//! go through the same code a device's answer meets, with no socket. `soap_answer` hands one HTTP answer
//! to one ONVIF operation of a session, chosen with the authentication by the input's first byte (our
//! transport's status, Digest challenge, Date and fault handling, then oxvif's SOAP parsing and our
//! conversions); `snmp_response` decodes one SNMP datagram as async-snmp's client does first and runs its
//! varbinds through our forwarding-table code.

use std::sync::OnceLock;

use bytes::Bytes;

use crate::creds::{Credentials, Password};
use crate::http::{ClientOptions, Response};
use crate::onvif::identify::Depth;
use crate::onvif::session::{DeviceClient, OnvifSession};
use crate::onvif::transport::SessionTransport;
use crate::onvif::types::{AuthPreference, DiscoveryMode, NetworkProtocol, NewUser, UserLevel};
use crate::switch;

/// Splits `data` like an HTTP answer: a status line whose first number is the status, header lines up to
/// an empty line (`WWW-Authenticate` and `Date` are kept, as the client keeps them), then the body. Input
/// without that shape is a 200 answer with `data` as the body.
fn answer(data: &[u8]) -> Response {
    let plain = || Response {
        status: 200,
        challenges: Vec::new(),
        date: None,
        body: Bytes::copy_from_slice(data),
    };
    let Some(split) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
        return plain();
    };
    let Ok(head) = std::str::from_utf8(&data[..split]) else {
        return plain();
    };
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().find_map(|w| w.parse::<u16>().ok()))
        .unwrap_or(200);
    let mut r = Response {
        status,
        challenges: Vec::new(),
        date: None,
        body: Bytes::copy_from_slice(&data[split + 4..]),
    };
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        if k.eq_ignore_ascii_case("www-authenticate") && r.challenges.len() < 8 {
            r.challenges.push(v.trim().to_string());
        } else if k.eq_ignore_ascii_case("date") {
            r.date = Some(v.trim().to_string());
        }
    }
    r
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime builds")
    })
}

fn client() -> &'static DeviceClient {
    static CLIENT: OnceLock<DeviceClient> = OnceLock::new();
    CLIENT.get_or_init(|| DeviceClient::new(ClientOptions::default()))
}

fn session(r: &Response, creds: Option<Credentials>, auth: AuthPreference) -> OnvifSession {
    let c = client();
    c.session_over(
        "http://192.0.2.1/onvif/device_service",
        creds,
        auth,
        |cr, digest| SessionTransport::new(c.http.clone(), cr, digest).canned(r.clone()),
    )
    .expect("the fixed XAddr is valid")
}

/// The ONVIF operations the product makes, in the order the selector byte of [`soap_answer`] names them
/// (`identify` at both depths, which makes several requests, then each request on its own).
pub const OPERATIONS: [&str; 22] = [
    "identify(Full)",
    "identify(Basic)",
    "GetSystemDateAndTime",
    "GetDeviceInformation",
    "GetNetworkInterfaces",
    "GetNetworkDefaultGateway",
    "GetDNS",
    "GetNTP",
    "GetScopes",
    "GetHostname",
    "GetNetworkProtocols",
    "GetDiscoveryMode",
    "GetServiceCapabilities",
    "check_login",
    "GetUsers",
    "CreateUsers",
    "SetUser",
    "DeleteUsers",
    "SetNTP",
    "SetNetworkProtocols",
    "SetDiscoveryMode",
    "SystemReboot",
];

/// How the session authenticates, the selector byte's second part: no credentials, then credentials with
/// each [`AuthPreference`].
pub const AUTH_MODES: [&str; 4] = ["anonymous", "Auto", "WsUsernameToken", "HttpDigest"];

/// What a selector byte asks for: (operation index into [`OPERATIONS`], auth index into [`AUTH_MODES`]).
/// Every byte maps to one pair and every pair is reached by at least two bytes (`b % 88`), among them a
/// printable character, so the seeds stay readable text.
pub fn selector(b: u8) -> (usize, usize) {
    let b = usize::from(b) % (OPERATIONS.len() * AUTH_MODES.len());
    (b % OPERATIONS.len(), b / OPERATIONS.len())
}

/// One ONVIF operation answered with an HTTP answer: `data[0]` chooses the operation and the session's
/// authentication ([`selector`]), `data[1..]` is the answer (see [`answer`]), given to every request the
/// operation makes. One operation per input keeps an execution short; every operation stays reachable.
pub fn soap_answer(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let (op, auth) = selector(sel);
    let r = answer(rest);
    let admin = || Some(Credentials::new("admin", "fuzz-password"));
    let (creds, pref) = match auth {
        0 => (None, AuthPreference::Auto),
        1 => (admin(), AuthPreference::Auto),
        2 => (admin(), AuthPreference::WsUsernameToken),
        _ => (admin(), AuthPreference::HttpDigest),
    };
    runtime().block_on(async {
        let s = session(&r, creds, pref);
        match op {
            0 => {
                let _ = s.identify(Depth::Full).await;
            }
            1 => {
                let _ = s.identify(Depth::Basic).await;
            }
            2 => {
                let _ = s.system_date_and_time().await;
            }
            3 => {
                let _ = s.device_information().await;
            }
            4 => {
                let _ = s.network_interfaces().await;
            }
            5 => {
                let _ = s.default_gateway().await;
            }
            6 => {
                let _ = s.dns().await;
            }
            7 => {
                let _ = s.ntp().await;
            }
            8 => {
                let _ = s.scopes().await;
            }
            9 => {
                let _ = s.hostname().await;
            }
            10 => {
                let _ = s.network_protocols().await;
            }
            11 => {
                let _ = s.discovery_mode().await;
            }
            12 => {
                let _ = s.password_limits().await;
            }
            13 => {
                let _ = s.check_login().await;
            }
            14 => {
                let _ = s.users().await;
            }
            15 => {
                let _ = s
                    .create_users(&[NewUser {
                        username: "operator".into(),
                        password: Password::new("fuzz-password-2"),
                        level: UserLevel::Operator,
                    }])
                    .await;
            }
            16 => {
                let _ = s
                    .set_user(
                        "admin",
                        Some(&Password::new("fuzz-password-3")),
                        &UserLevel::Administrator,
                    )
                    .await;
            }
            17 => {
                let _ = s.delete_users(&["operator"]).await;
            }
            18 => {
                let _ = s.set_ntp(false, &["192.0.2.123"]).await;
            }
            19 => {
                let _ = s
                    .set_network_protocols(&[NetworkProtocol {
                        name: "HTTP".into(),
                        enabled: false,
                        ports: vec![80],
                    }])
                    .await;
            }
            20 => {
                let _ = s.set_discovery_mode(DiscoveryMode::NonDiscoverable).await;
            }
            _ => {
                let _ = s.reboot().await;
            }
        }
    });
}

/// One SNMP datagram decoded as async-snmp's client decodes an answer, its varbinds then read as rows of
/// each forwarding table and assembled as `switch::locate_macs` assembles them.
pub fn snmp_response(data: &[u8]) {
    let Ok(msg) = async_snmp::message::Message::decode(
        Bytes::copy_from_slice(data),
        async_snmp::DecodeConfig::default(),
    ) else {
        return;
    };
    let Some(pdu) = msg.value.pdu() else {
        return;
    };
    let rows = |base: &[u32]| -> Vec<(Vec<u32>, u64)> {
        pdu.varbinds()
            .iter()
            .filter_map(|vb| switch::row(base, vb))
            .collect()
    };
    let pvid = switch::pvid_table(rows(switch::DOT1Q_PVID));
    let mut out = switch::q_bridge_locations(&pvid, rows(switch::DOT1Q_TP_FDB_PORT));
    if out.is_empty() {
        out = switch::bridge_locations(&pvid, rows(switch::DOT1D_TP_FDB_PORT));
    }
    switch::one_per_mac(&mut out);
}
