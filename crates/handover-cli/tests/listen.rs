//! `handover listen` on a loopback address (no multicast group joined, nothing sent): a Hello makes a new
//! device in the project, the same Hello again is the same device, a Bye is noted in the audit log against it;
//! read back from the project file with SQLite. Datagrams go to 127.0.0.1 only.

use std::io::{BufRead as _, BufReader};
use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const ENDPOINT: &str = "urn:uuid:5f1c0de0-0000-4000-a000-00408c102030";

fn envelope(action: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:MessageID>urn:uuid:{action}-1</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/{action}</a:Action></s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

fn hello() -> String {
    envelope(
        "Hello",
        &format!(
            "<d:Hello><a:EndpointReference><a:Address>{ENDPOINT}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/hardware/P3245-LVE onvif://www.onvif.org/mfr/AXIS</d:Scopes><d:XAddrs>http://127.0.0.1:9/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:Hello>"
        ),
    )
}

fn bye() -> String {
    envelope(
        "Bye",
        &format!(
            "<d:Bye><a:EndpointReference><a:Address>{ENDPOINT}</a:Address></a:EndpointReference></d:Bye>"
        ),
    )
}

#[test]
fn hello_and_bye_are_recorded_into_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("site.handover");
    let bin = env!("CARGO_BIN_EXE_handover");
    let init = Command::new(bin)
        .arg("--project")
        .arg(&project)
        .args(["init", "--name", "Listen", "--technician", "Ana"])
        .output()
        .unwrap();
    assert!(init.status.success(), "{init:?}");
    let mut child = Command::new(bin)
        .arg("--project")
        .arg(&project)
        .args(["--json", "listen", "--address", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut said)
        .unwrap();
    let addr = said
        .split_whitespace()
        .find_map(|w| w.parse::<std::net::SocketAddr>().ok())
        .unwrap_or_else(|| panic!("no address in {said:?}"));
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{said}");
    let (tx, heard) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let next = || -> serde_json::Value {
        let line = heard
            .recv_timeout(Duration::from_secs(10))
            .expect("a line for each announcement");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    };
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.send_to(hello().as_bytes(), addr).unwrap();
    let first = next();
    assert_eq!(
        (&first["kind"], &first["change"], &first["address"]),
        (&"hello".into(), &"new".into(), &"127.0.0.1".into()),
        "{first}"
    );
    sock.send_to(b"<not xml", addr).unwrap();
    sock.send_to(hello().as_bytes(), addr).unwrap();
    let again = next();
    assert_eq!(
        (&again["change"], &again["device"]),
        (&"seen".into(), &first["device"]),
        "{again}"
    );
    sock.send_to(bye().as_bytes(), addr).unwrap();
    let gone = next();
    assert_eq!(
        (&gone["kind"], &gone["device"]),
        (&"bye".into(), &first["device"]),
        "{gone}"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let db = rusqlite::Connection::open(&project).unwrap();
    let (n, found_by, facts): (i64, String, String) = db
        .query_row("SELECT count(*), found_by, facts FROM devices", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(n, 1, "one device, however often it said Hello");
    assert!(found_by.to_lowercase().contains("hello"), "{found_by}");
    assert!(
        facts.contains("P3245-LVE") && facts.contains("127.0.0.1:9"),
        "{facts}"
    );
    let byes: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'device.bye' AND subject = ?1",
            [first["device"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(byes, 1);
}
