//! ONVIF over HTTPS against simulated devices with real TLS listeners: sessions on `https://` XAddrs with the
//! device's self-signed certificate accepted and its fingerprint recorded, the "HTTPS works" proof, and its
//! refusals (HTTPS off, handshake failing, wrong password over HTTPS); pins enforced per endpoint.

use handover_test_support::devices as common;

use handover_devices::onvif::https::https_xaddr;
use handover_devices::{Credentials, DeviceClient, Error};
use handover_sim::{FaultSpec, SimDevice, Vendor};

async fn device(https: bool, faults: FaultSpec) -> SimDevice {
    SimDevice::builder()
        .vendor(Vendor::Hanwha)
        .password("Dock-Cam-2024")
        .https(https)
        .faults(faults)
        .spawn()
        .await
        .unwrap()
}

#[tokio::test]
async fn https_sessions_work_and_record_the_certificate_fingerprint() {
    let dev = device(true, FaultSpec::default()).await;
    let client = common::client();
    let x = dev.https_xaddr().unwrap();
    let s = client
        .session(&x, Some(Credentials::new("admin", "Dock-Cam-2024")))
        .unwrap();
    let info = s.device_information().await.unwrap();
    assert_eq!(info.serial_number, dev.serial());
    assert_eq!(
        client.tls_fingerprint(&x).as_deref(),
        dev.tls_fingerprint(),
        "the fingerprint recorded is the one the device presented"
    );
    let wrong = client
        .session(&x, Some(Credentials::new("admin", "nope")))
        .unwrap()
        .device_information()
        .await
        .unwrap_err();
    assert!(wrong.is_auth_rejected(), "{wrong:?}");
}

#[tokio::test]
async fn check_https_proves_it_with_an_authenticated_call_on_the_reported_port() {
    let dev = device(true, FaultSpec::default()).await;
    let client = common::client();
    let s = client
        .session(
            &dev.xaddr(),
            Some(Credentials::new("admin", "Dock-Cam-2024")),
        )
        .unwrap();
    let proof = client.check_https(&s).await.unwrap();
    assert_eq!(Some(proof.xaddr.clone()), dev.https_xaddr());
    assert_eq!(Some(proof.fingerprint.as_str()), dev.tls_fingerprint());
    assert_eq!(proof.info.serial_number, dev.serial());
    assert!(
        proof
            .protocols
            .iter()
            .any(|p| p.name == "HTTP" && p.enabled)
    );

    let wrong = client
        .session(&dev.xaddr(), Some(Credentials::new("admin", "nope")))
        .unwrap();
    assert!(client.check_https(&wrong).await.is_err());
}

#[tokio::test]
async fn check_https_refuses_when_https_is_off_or_the_handshake_fails() {
    let client = common::client();
    let creds = || Some(Credentials::new("admin", "Dock-Cam-2024"));
    let off = device(false, FaultSpec::default()).await;
    let s = client.session(&off.xaddr(), creds()).unwrap();
    let e = client.check_https(&s).await.unwrap_err();
    assert!(
        matches!(&e, Error::HttpsUnavailable { reason, .. } if reason.contains("switched off")),
        "{e:?}"
    );

    let broken = device(
        true,
        FaultSpec {
            tls_handshake_fails: true,
            ..FaultSpec::default()
        },
    )
    .await;
    let s = client.session(&broken.xaddr(), creds()).unwrap();
    let e = client.check_https(&s).await.unwrap_err();
    assert!(matches!(e, Error::HttpsUnavailable { .. }), "{e:?}");
    assert!(
        client
            .tls_fingerprint(&broken.https_xaddr().unwrap())
            .is_none()
    );
}

#[test]
fn https_xaddrs_keep_host_and_path() {
    assert_eq!(
        https_xaddr("http://127.20.0.10:8080/onvif/device_service", 8443).unwrap(),
        "https://127.20.0.10:8443/onvif/device_service"
    );
    assert!(https_xaddr("not a uri", 443).is_err());
}

/// Asks `dev` (at `x`) for its information through `client`, expecting a refusal for another certificate
/// than the pinned one, with nothing sent to the device; returns the error.
async fn refused_unsent(client: &DeviceClient, dev: &SimDevice, x: &str) -> Error {
    let before = dev.counters().requests;
    let e = client
        .session(x, Some(Credentials::new("admin", "Dock-Cam-2024")))
        .unwrap()
        .device_information()
        .await
        .unwrap_err();
    assert!(e.is_certificate_changed(), "{e:?}");
    assert_eq!(
        dev.counters().requests,
        before,
        "nothing was sent to the device"
    );
    e
}

/// Asks through `client` and expects an answer.
async fn answers(client: &DeviceClient, x: &str) {
    client
        .session(x, Some(Credentials::new("admin", "Dock-Cam-2024")))
        .unwrap()
        .device_information()
        .await
        .unwrap();
}

#[tokio::test]
async fn pins_are_per_endpoint_so_devices_behind_one_address_keep_their_own_certificates() {
    // Two devices on 127.0.0.1 (like cameras an NVR exposes on its own ports), each with its own certificate.
    let (a, b) = (
        device(true, FaultSpec::default()).await,
        device(true, FaultSpec::default()).await,
    );
    let (xa, xb) = (a.https_xaddr().unwrap(), b.https_xaddr().unwrap());
    let host = |x: &str| x.parse::<hyper::Uri>().unwrap().host().unwrap().to_owned();
    assert_eq!(host(&xa), host(&xb));
    assert_ne!(a.tls_fingerprint(), b.tls_fingerprint());

    // Each pinned to its own certificate: both answer.
    let client = common::client();
    client.pin_certificate(&xa, a.tls_fingerprint());
    client.pin_certificate(&xb, b.tls_fingerprint());
    answers(&client, &xa).await;
    answers(&client, &xb).await;

    // Pinning B to another certificate in the same client: its open keep-alive connection carries nothing.
    client.pin_certificate(&xb, a.tls_fingerprint());
    refused_unsent(&client, &b, &xb).await;

    // A later run holds a pin for B that B's certificate does not match (as if B had been replaced): B is
    // refused before any request reaches it, and A, behind the same address, is not disturbed.
    let later = common::client();
    later.pin_certificate(&xa, a.tls_fingerprint());
    later.pin_certificate(&xb, a.tls_fingerprint());
    let e = refused_unsent(&later, &b, &xb).await;
    assert!(e.to_string().contains(b.tls_fingerprint().unwrap()), "{e}");
    answers(&later, &xa).await;

    // Lifting B's pin lets it answer again, and records what it presented.
    later.pin_certificate(&xb, None);
    answers(&later, &xb).await;
    assert_eq!(later.tls_fingerprint(&xb).as_deref(), b.tls_fingerprint());
    assert_eq!(later.tls_fingerprint(&xa).as_deref(), a.tls_fingerprint());
}
