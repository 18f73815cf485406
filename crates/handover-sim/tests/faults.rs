//! Faults on demand: reboot in the middle of SetUser (password changed, no answer, device gone, then
//! back), SystemReboot, latency, dropped connections, HTTP 500, malformed and hostile XML, a response
//! that never ends.

use handover_test_support::soap as common;

use std::time::{Duration, Instant};

use common::{call, envelope, post_from, wsse};
use handover_sim::{FaultSpec, Hostile, SimDevice, Vendor};

const GET_INFO: &str = "<tds:GetDeviceInformation/>";

async fn raw(dev: &SimDevice) -> std::io::Result<common::Reply> {
    post_from(
        dev.http_addr(),
        None,
        &envelope(&wsse("admin", "admin"), GET_INFO),
        &[],
    )
    .await
}

#[tokio::test]
async fn reboot_during_set_user_changes_the_password_but_never_answers() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Generic)
        .reboot_duration(Duration::from_millis(1200))
        .faults(FaultSpec {
            reboot_during_set_user: true,
            ..FaultSpec::default()
        })
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let set = "<tds:SetUser><tds:User><tt:Username>admin</tt:Username><tt:Password>Rotated-77</tt:Password></tds:User></tds:SetUser>";
    let r = post_from(a, None, &envelope(&wsse("admin", "admin"), set), &[]).await;
    assert!(r.is_err(), "no answer comes back: {r:?}");
    assert!(
        dev.check_password("admin", "Rotated-77"),
        "but the password did change"
    );
    assert!(dev.is_rebooting());
    assert_eq!(dev.counters().reboots, 1);
    let err = post_from(a, None, &envelope("", "<tds:GetSystemDateAndTime/>"), &[])
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        std::io::ErrorKind::ConnectionRefused,
        "the device is gone while rebooting"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let r = call(a, "admin", "admin", GET_INFO).await;
    assert!(
        r.is_fault("ter:NotAuthorized"),
        "old password refused after the reboot"
    );
    let r = call(a, "admin", "Rotated-77", GET_INFO).await;
    assert_eq!(r.status, 200, "new password works after the reboot");
    assert!(!dev.faults().reboot_during_set_user, "the fault fires once");
}

#[tokio::test]
async fn system_reboot_answers_then_the_device_is_gone_for_a_while() {
    let dev = SimDevice::builder()
        .reboot_duration(Duration::from_millis(1000))
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let r = call(a, "admin", "admin", "<tds:SystemReboot/>").await;
    assert_eq!(r.status, 200);
    assert!(r.text(&["Message"]).is_some());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(raw(&dev).await.is_err(), "gone");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(raw(&dev).await.unwrap().status, 200, "back");
}

#[tokio::test]
async fn latency_500s_drops_and_malformed_answers() {
    let dev = SimDevice::builder().spawn().await.unwrap();
    dev.set_faults(FaultSpec {
        latency_ms: 300,
        jitter_ms: 100,
        ..FaultSpec::default()
    });
    let t = Instant::now();
    assert_eq!(raw(&dev).await.unwrap().status, 200);
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );

    dev.set_faults(FaultSpec {
        http_500_share: 1.0,
        ..FaultSpec::default()
    });
    assert_eq!(raw(&dev).await.unwrap().status, 500);

    dev.set_faults(FaultSpec {
        drop_connection_share: 1.0,
        ..FaultSpec::default()
    });
    assert!(
        raw(&dev).await.is_err(),
        "connection closed without an answer"
    );

    dev.set_faults(FaultSpec {
        malformed_xml: true,
        ..FaultSpec::default()
    });
    let r = raw(&dev).await.unwrap();
    assert_eq!(r.status, 200);
    assert!(
        handover_sim::soap::parse(r.body.as_bytes()).is_err(),
        "malformed: {}",
        r.body
    );

    dev.set_faults(FaultSpec {
        hostile_http: Some(Hostile::EntityBomb),
        ..FaultSpec::default()
    });
    let r = raw(&dev).await.unwrap();
    assert!(r.body.contains("<!ENTITY lol9"), "{}", r.body);

    dev.set_faults(FaultSpec::default());
    assert_eq!(
        raw(&dev).await.unwrap().status,
        200,
        "faults can be switched off again"
    );
}

#[tokio::test]
async fn gigantic_answer_is_64_mib() {
    let dev = SimDevice::builder()
        .faults(FaultSpec {
            hostile_http: Some(Hostile::Gigantic),
            ..FaultSpec::default()
        })
        .spawn()
        .await
        .unwrap();
    // Count bytes without keeping them.
    let stream = tokio::net::TcpStream::connect(dev.http_addr())
        .await
        .unwrap();
    let (mut s, c) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(c);
    let req = hyper::Request::post("/onvif/device_service")
        .header("host", "x")
        .body(http_body_util::Full::new(bytes::Bytes::from(envelope(
            "", GET_INFO,
        ))))
        .unwrap();
    let mut body = s.send_request(req).await.unwrap().into_body();
    let mut total = 0usize;
    use http_body_util::BodyExt as _;
    while let Some(frame) = body.frame().await {
        if let Ok(d) = frame.unwrap().into_data() {
            total += d.len();
        }
    }
    assert!(total > 64 * 1024 * 1024, "{total} bytes");
}

#[tokio::test]
async fn a_response_that_never_ends() {
    let dev = SimDevice::builder()
        .faults(FaultSpec {
            never_ending_response: true,
            ..FaultSpec::default()
        })
        .spawn()
        .await
        .unwrap();
    let stream = tokio::net::TcpStream::connect(dev.http_addr())
        .await
        .unwrap();
    let (mut s, c) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(c);
    let req = hyper::Request::post("/onvif/device_service")
        .header("host", "x")
        .body(http_body_util::Full::new(bytes::Bytes::from(envelope(
            "", GET_INFO,
        ))))
        .unwrap();
    let resp = s.send_request(req).await.unwrap();
    assert_eq!(resp.status(), 200, "headers arrive");
    use http_body_util::BodyExt as _;
    let mut body = resp.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert!(first.starts_with(b"<?xml"), "the start of a body arrives");
    let rest = tokio::time::timeout(Duration::from_millis(1500), body.frame()).await;
    assert!(rest.is_err(), "but the body never ends");
}
