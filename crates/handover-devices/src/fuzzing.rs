//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`, never on in the product): hostile bytes
//! go through the same code a device's answer meets, with no socket. `soap_answer` hands one HTTP answer
//! to every ONVIF operation of a session (our transport's status, Digest challenge, Date and fault
//! handling, then oxvif's SOAP parsing and our conversions); `snmp_response` decodes one SNMP datagram as
//! async-snmp's client does first and runs its varbinds through our forwarding-table code.

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

/// Every ONVIF operation the product makes, each answered with `data` (an HTTP answer, see [`answer`]).
pub fn soap_answer(data: &[u8]) {
    let r = answer(data);
    let admin = || Some(Credentials::new("admin", "fuzz-password"));
    runtime().block_on(async {
        let anon = session(&r, None, AuthPreference::Auto);
        let _ = anon.identify(Depth::Full).await;
        let _ = anon.system_date_and_time().await;
        let digest = session(&r, admin(), AuthPreference::HttpDigest);
        let _ = digest.identify(Depth::Basic).await;
        let s = session(&r, admin(), AuthPreference::Auto);
        let _ = s.identify(Depth::Full).await;
        let _ = s.check_login().await;
        let _ = s.users().await;
        let _ = s
            .create_users(&[NewUser {
                username: "operator".into(),
                password: Password::new("fuzz-password-2"),
                level: UserLevel::Operator,
            }])
            .await;
        let _ = s
            .set_user(
                "admin",
                Some(&Password::new("fuzz-password-3")),
                &UserLevel::Administrator,
            )
            .await;
        let _ = s.delete_users(&["operator"]).await;
        let _ = s.set_ntp(false, &["192.0.2.123"]).await;
        let _ = s
            .set_network_protocols(&[NetworkProtocol {
                name: "HTTP".into(),
                enabled: false,
                ports: vec![80],
            }])
            .await;
        let _ = s.set_discovery_mode(DiscoveryMode::NonDiscoverable).await;
        let _ = s.reboot().await;
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
