//! HTTPS on simulated devices, read with independent clients (curl and openssl from the system): the same
//! ONVIF endpoints over TLS with the site's self-signed certificate, HTTP switched off by SetNetworkProtocols
//! stops answering while HTTPS goes on, and the broken-TLS fault.

use handover_test_support::soap as common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::{call, envelope, wsse};
use handover_sim::{FaultSpec, SimDevice};

/// POSTs a SOAP envelope with curl (-k: the certificate is self-signed); (curl exit code, HTTP status, body).
async fn curl(url: String, body: String) -> (i32, u16, String) {
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new("curl")
            .args(["-sk", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}"])
            .args(["-H", "Content-Type: application/soap+xml; charset=utf-8"])
            .args(["--data-binary", "@-", &url])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("curl is installed (Debian package curl)");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(body.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
        (
            out.status.code().unwrap_or(-1),
            code.trim().parse().unwrap_or(0),
            body.to_string(),
        )
    })
    .await
    .unwrap()
}

/// The SHA-256 fingerprint openssl reads from the certificate the server presents.
async fn openssl_fingerprint(addr: std::net::SocketAddr) -> String {
    tokio::task::spawn_blocking(move || {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "openssl s_client -connect {addr} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
            ))
            .output()
            .expect("openssl is installed");
        let s = String::from_utf8_lossy(&out.stdout).to_string();
        s.trim()
            .rsplit_once('=')
            .map(|(_, f)| f.to_string())
            .unwrap_or(s)
    })
    .await
    .unwrap()
}

/// A generic device with HTTPS on, password `Secret-1`, and these faults.
async fn https_device(faults: FaultSpec) -> SimDevice {
    SimDevice::builder()
        .password("Secret-1")
        .https(true)
        .faults(faults)
        .spawn()
        .await
        .unwrap()
}

fn info_request(password: &str) -> String {
    envelope(&wsse("admin", password), "<tds:GetDeviceInformation/>")
}

#[tokio::test]
async fn https_serves_the_same_onvif_endpoints_with_the_site_certificate() {
    let dev = https_device(FaultSpec::default()).await;
    let https = dev
        .https_addr()
        .expect("an HTTPS device has an HTTPS listener");
    assert_ne!(https, dev.http_addr());
    let (rc, status, body) = curl(dev.https_xaddr().unwrap(), info_request("Secret-1")).await;
    assert_eq!((rc, status), (0, 200), "{body}");
    assert!(body.contains(dev.serial()), "{body}");
    let (_, status, _) = curl(dev.https_xaddr().unwrap(), info_request("wrong")).await;
    assert_eq!(status, 400, "authentication applies over HTTPS too");
    let fp = openssl_fingerprint(https).await;
    assert_eq!(Some(fp.as_str()), dev.tls_fingerprint());

    let r = call(
        dev.http_addr(),
        "admin",
        "Secret-1",
        "<tds:GetNetworkProtocols/>",
    )
    .await;
    let ports: Vec<(String, String)> = r.xml().child("Body").unwrap().children[0]
        .children_named("NetworkProtocols")
        .map(|p| {
            (
                p.text_at(&["Name"]).unwrap().to_string(),
                p.text_at(&["Port"]).unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        ports.contains(&("HTTPS".into(), https.port().to_string())),
        "GetNetworkProtocols reports the real HTTPS port: {ports:?}"
    );
}

#[tokio::test]
async fn switching_http_off_stops_plain_http_while_https_goes_on() {
    let dev = https_device(FaultSpec::default()).await;
    let http_url = dev.xaddr();
    let (rc, status, _) = curl(http_url.clone(), info_request("Secret-1")).await;
    assert_eq!((rc, status), (0, 200));
    let r = call(
        dev.http_addr(),
        "admin",
        "Secret-1",
        "<tds:SetNetworkProtocols><tds:NetworkProtocols><tt:Name>HTTP</tt:Name><tt:Enabled>false</tt:Enabled></tds:NetworkProtocols></tds:SetNetworkProtocols>",
    )
    .await;
    assert_eq!(
        r.status, 200,
        "the answer to the change itself still arrives"
    );
    assert!(!dev.protocol_enabled("HTTP"));
    let (rc, status, _) = curl(http_url, info_request("Secret-1")).await;
    assert_ne!(rc, 0, "plain HTTP no longer answers");
    assert_eq!(status, 0);
    let (rc, status, body) = curl(dev.https_xaddr().unwrap(), info_request("Secret-1")).await;
    assert_eq!((rc, status), (0, 200), "{body}");
}

#[tokio::test]
async fn devices_without_https_have_no_listener_and_the_broken_tls_fault_refuses_handshakes() {
    let plain = SimDevice::builder().https(false).spawn().await.unwrap();
    assert_eq!(plain.https_addr(), None);
    assert_eq!(plain.tls_fingerprint(), None);

    let dev = https_device(FaultSpec {
        tls_handshake_fails: true,
        ..FaultSpec::default()
    })
    .await;
    let (rc, status, _) = curl(dev.https_xaddr().unwrap(), info_request("Secret-1")).await;
    assert_ne!(rc, 0);
    assert_eq!(status, 0);
}

#[tokio::test]
async fn a_device_commissioned_with_http_off_announces_and_serves_https_only() {
    let dev = SimDevice::builder()
        .password("Secret-1")
        .https(true)
        .http(false)
        .spawn()
        .await
        .unwrap();
    assert_eq!(dev.xaddr(), dev.https_xaddr().unwrap());
    let plain = format!("http://{}/onvif/device_service", dev.http_addr());
    let (rc, status, _) = curl(plain, info_request("Secret-1")).await;
    assert_ne!(rc, 0, "closed at accept");
    assert_eq!(status, 0);
    let (rc, status, body) = curl(dev.xaddr(), info_request("Secret-1")).await;
    assert_eq!((rc, status), (0, 200), "{body}");
}
