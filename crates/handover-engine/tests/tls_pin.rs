//! Trust on first use for device certificates, on the simulated demo site: the first HTTPS answer pins each
//! device's certificate in the project (audited); when a device later presents another certificate (the
//! simulator's `tls_certificate_replaced` fault: a replaced or reset device, or someone in the middle), every
//! engine path refuses it during the handshake, before any request or password reaches it, with an error that
//! says what to do; forgetting the pin on purpose is audited and the next answer pins the new certificate.

use handover_test_support::engine as common;

use handover_devices::{ClientOptions, DeviceClient};
use handover_engine::credentials::Custody;
use handover_engine::progress::silent;
use handover_engine::{ErrorCode, Session};
use handover_model::Device;
use handover_sim::FaultSpec;
use handover_vault::SecretString;
use tokio_util::sync::CancellationToken;

fn https(d: &Device) -> bool {
    d.facts
        .xaddr
        .as_deref()
        .is_some_and(|x| x.starts_with("https://"))
}

fn actions(s: &Session, action: &str) -> Vec<serde_json::Value> {
    s.audit_entries(0, 100_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .map(|e| e.detail)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_presenting_another_certificate_is_refused_before_anything_is_sent() {
    let (site, wsd) = common::demo_site().await;
    let site_fp = site.tls_fingerprint().unwrap().to_string();
    let replaced_fp = site.replaced_tls_fingerprint().unwrap().to_string();
    assert_ne!(site_fp, replaced_fp);
    let dir = tempfile::tempdir().unwrap();
    let kit = common::Kit::quiet();
    // Idle connections close after 100 ms: a replaced device is reached over a new connection (with its own
    // handshake), as in the field, not over one the genuine device left open.
    let short_idle = DeviceClient::new(ClientOptions {
        pool_idle_timeout: std::time::Duration::from_millis(100),
        ..ClientOptions::default()
    });
    let s = common::demo_project_in(dir.path(), "tls-pin", kit.env().with_client(short_idle));
    s.discover(&common::unicast(wsd), &kit.cancel, &kit.progress)
        .await
        .unwrap();
    let cancel = CancellationToken::new();
    let progress = silent();

    // First use: every device reached over HTTPS is pinned to the certificate it presented, in one audited
    // entry; devices reached over plain HTTP have nothing pinned.
    let devices = s.devices().unwrap();
    let over_tls: Vec<&Device> = devices.iter().filter(|d| https(d)).collect();
    assert!(!over_tls.is_empty(), "the demo site has HTTPS-only devices");
    for d in &devices {
        let want = https(d).then_some(site_fp.as_str());
        assert_eq!(d.facts.tls_fingerprint.as_deref(), want, "{}", d.id);
    }
    let pinned = actions(&s, "devices.certificates-pinned");
    assert_eq!(pinned.len(), 1, "{pinned:?}");
    assert_eq!(
        pinned[0]["pinned"].as_array().unwrap().len(),
        over_tls.len()
    );

    // The device now presents another certificate.
    let target = over_tls[0].clone();
    let handle = site
        .devices()
        .iter()
        .find(|h| std::net::IpAddr::V4(h.ip()) == target.address)
        .unwrap()
        .clone();
    handle.set_faults(FaultSpec {
        tls_certificate_replaced: true,
        ..FaultSpec::default()
    });
    let before = handle.counters();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // Identification fails for that device and says why.
    let sum = s
        .identify(&[target.id], 4, &cancel, &progress)
        .await
        .unwrap();
    assert_eq!(sum.identified, 0);
    let (id, why) = &sum.failed[0];
    assert_eq!(id, &target.id.to_string());
    assert!(
        why.contains(&replaced_fp) && why.contains(&site_fp) && why.contains("nothing was sent"),
        "{why}"
    );
    assert!(why.contains("forget-certificate"), "says what to do: {why}");

    // Another session with a fresh client (the app started again) pins from the project too: a password typed
    // for the device is refused at the handshake, so it never leaves the laptop.
    let path = s.path().to_owned();
    drop(s);
    let fresh = DeviceClient::new(ClientOptions::default());
    let s = Session::open(&path, None, kit.env().with_client(fresh)).unwrap();
    let err = s
        .set_credential(
            target.id,
            "admin",
            SecretString::new("typed-by-the-technician".into()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::CertificateChanged, "{err}");
    assert!(err.to_string().contains("not the one pinned"), "{err}");
    // Nor does the search for factory defaults try anything there (nor count an attempt against the
    // vendor's lockout budget).
    let cx = Custody {
        concurrency: 2,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    let found = s.find_defaults(&cx, &[target.id]).await.unwrap();
    assert_eq!((found.defaults_found, found.failed_attempts), (0, 0));
    let said = &found.devices[0];
    assert_eq!(said.outcome, "certificate-changed", "{said:?}");
    assert!(said.detail.contains("no password was tried"), "{said:?}");
    let after = handle.counters();
    assert_eq!(
        after.requests, before.requests,
        "no request reached the device"
    );
    assert_eq!(after.failed_logins, before.failed_logins);
    assert_eq!(
        s.device(target.id).unwrap().facts.tls_fingerprint,
        Some(site_fp.clone()),
        "the pin is kept"
    );

    // Forgetting the pin on purpose is audited; the next answer pins the new certificate.
    let other = devices.iter().find(|d| !https(d)).unwrap();
    let e = s.forget_certificate(other.id).unwrap_err();
    assert!(e.to_string().contains("no pinned certificate"), "{e}");
    let old = s.forget_certificate(target.id).unwrap();
    assert_eq!(old, site_fp);
    assert_eq!(s.device(target.id).unwrap().facts.tls_fingerprint, None);
    let forgotten = actions(&s, "device.certificate-forgotten");
    assert_eq!(forgotten.len(), 1);
    assert_eq!(forgotten[0]["sha256"], site_fp.as_str());
    let sum = s
        .identify(&[target.id], 4, &cancel, &progress)
        .await
        .unwrap();
    assert_eq!(sum.identified, 1, "{:?}", sum.failed);
    assert_eq!(
        s.device(target.id).unwrap().facts.tls_fingerprint,
        Some(replaced_fp.clone())
    );
    assert!(handle.counters().requests > after.requests);
    assert_eq!(actions(&s, "devices.certificates-pinned").len(), 2);

    // The report carries each device's pinned certificate (inventory JSON/CSV, method appendix).
    let model = s.report_model(s.now()).unwrap();
    let in_report = model
        .devices
        .iter()
        .find(|d| d.id == target.id.to_string())
        .unwrap();
    assert_eq!(in_report.tls_sha256.as_deref(), Some(replaced_fp.as_str()));

    // The other devices were never disturbed: a full identification still reads them all.
    let ids: Vec<_> = devices.iter().map(|d| d.id).collect();
    let sum = s.identify(&ids, 8, &cancel, &progress).await.unwrap();
    assert!(
        sum.failed
            .iter()
            .all(|(id, _)| id != &target.id.to_string()),
        "{:?}",
        sum.failed
    );
}
