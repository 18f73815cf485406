//! ONVIF over HTTPS against simulated devices with real TLS listeners: sessions on `https://` XAddrs with the
//! device's self-signed certificate accepted and its fingerprint recorded, the "HTTPS works" proof, and its
//! refusals (HTTPS off, handshake failing, wrong password over HTTPS).

mod common;

use handover_devices::onvif::https::https_xaddr;
use handover_devices::{Credentials, Error};
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
