//! "Turn HTTP off where HTTPS works" on the simulated demo site, two devices left with HTTP on beside HTTPS:
//! after custody, the fix proves HTTPS with the held password, switches HTTP off, reads it back over HTTPS and
//! moves the device to its https XAddr; plain HTTP no longer answers, HTTPS does with the held password, the
//! finding is resolved on re-check and the audit log carries the certificate fingerprint. On the device whose
//! TLS handshake fails the fix refuses and changes nothing.

use handover_test_support::engine as common;

use handover_devices::{ClientOptions, Credentials, DeviceClient};
use handover_engine::credentials::Custody;
use handover_engine::progress::silent;
use handover_model::FindingStatus;
use handover_policy::checks::{Fix, Settings};
use handover_sim::{FaultSpec, SiteManifest};
use handover_vault::PasswordPolicy;
use tokio_util::sync::CancellationToken;

const FIXED: &str = "cam-entrance-01";
const BROKEN_TLS: &str = "acs-door-01";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_goes_off_only_where_https_is_proved_and_the_device_moves_to_https() {
    let mut manifest = SiteManifest::demo();
    for d in &mut manifest.devices {
        if d.name == FIXED || d.name == BROKEN_TLS {
            d.http = true;
            d.planted = None;
        }
        if d.name == BROKEN_TLS {
            d.faults = FaultSpec {
                tls_handshake_fails: true,
                ..FaultSpec::default()
            };
        }
    }
    let (site, wsd) = common::site(manifest).await;
    let cam = site.device(FIXED).unwrap().clone();
    let acs = site.device(BROKEN_TLS).unwrap().clone();
    assert!(cam.xaddr().starts_with("http://"));

    let dir = tempfile::tempdir().unwrap();
    let s = common::demo_project(dir.path(), "fix-http");
    let cancel = CancellationToken::new();
    let progress = silent();
    s.discover(&common::unicast(wsd), &cancel, &progress)
        .await
        .unwrap();
    let id_of = |s: &handover_engine::Session, ip: std::net::Ipv4Addr| {
        s.devices()
            .unwrap()
            .into_iter()
            .find(|d| d.address == std::net::IpAddr::V4(ip))
            .unwrap()
            .id
    };
    let (cam_id, acs_id) = (id_of(&s, cam.ip()), id_of(&s, acs.ip()));
    let cx = Custody {
        concurrency: 2,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    s.find_defaults(&cx, &[cam_id, acs_id]).await.unwrap();
    s.rotate(&cx, &PasswordPolicy::default(), &[cam_id, acs_id])
        .await
        .unwrap();
    let vault = s.vault().unwrap();
    let held = |s: &handover_engine::Session, id| -> Credentials {
        s.held_credentials(&vault, id)
            .unwrap()
            .expect("custody holds a password")
    };
    // Identify again with the held passwords: the protocols and the rest are read now.
    s.discover(&common::unicast(wsd), &cancel, &progress)
        .await
        .unwrap();
    let cam_creds = held(&s, cam_id);
    assert!(cam.check_password(&cam_creds.username, cam_creds.password.expose()));

    let settings = Settings {
        max_clock_skew_secs: 10,
        today: s.today(),
    };
    s.run_checks(&[], &settings).unwrap();
    let finding = |s: &handover_engine::Session, id| {
        s.findings()
            .unwrap()
            .into_iter()
            .find(|f| f.device == id && f.check == "services.http-beside-https")
    };
    let on_cam = finding(&s, cam_id).unwrap_or_else(|| {
        panic!(
            "HTTP beside HTTPS is found: {:#?}",
            s.device(cam_id).unwrap()
        )
    });
    let on_acs = finding(&s, acs_id).unwrap_or_else(|| {
        panic!(
            "HTTP beside HTTPS is found: {:#?}",
            s.device(acs_id).unwrap()
        )
    });
    // The commissioned devices (HTTP off) raise nothing of the kind: only devices with HTTP on do.
    let devices = s.devices().unwrap();
    for f in s
        .findings()
        .unwrap()
        .into_iter()
        .filter(|f| f.check == "services.http-beside-https")
    {
        let d = devices.iter().find(|d| d.id == f.device).unwrap();
        let h = site
            .devices()
            .iter()
            .find(|h| std::net::IpAddr::V4(h.ip()) == d.address)
            .unwrap();
        assert!(h.protocol_enabled("HTTP"), "{} has HTTP off", h.name());
    }
    assert_eq!(
        s.fix_for(on_cam.id, &settings).unwrap(),
        Some(Fix::DisableHttp)
    );

    // Refusal: HTTPS does not work on the access controller, so nothing changes there.
    let acs_xaddr_before = s.device(acs_id).unwrap().facts.xaddr;
    let err = s.fix(on_acs.id, &settings).await.unwrap_err();
    assert!(
        err.to_string().contains("HTTPS could not be shown to work")
            && err.to_string().contains("nothing changed"),
        "{err}"
    );
    assert!(acs.protocol_enabled("HTTP"), "HTTP left on");
    assert_eq!(s.device(acs_id).unwrap().facts.xaddr, acs_xaddr_before);
    assert_eq!(finding(&s, acs_id).unwrap().status, FindingStatus::Open);

    // The fix on the camera.
    let out = s.fix(on_cam.id, &settings).await.unwrap();
    let fp = site.tls_fingerprint().unwrap();
    assert!(out.read_back.contains(fp), "{}", out.read_back);
    assert!(!out.read_back.contains("HTTP:"), "{}", out.read_back);
    assert!(!cam.protocol_enabled("HTTP"));
    assert!(cam.protocol_enabled("HTTPS"));
    let https = cam.https_xaddr().unwrap();
    assert_eq!(
        s.device(cam_id).unwrap().facts.xaddr.as_deref(),
        Some(https.as_str()),
        "later work talks HTTPS"
    );

    // Plain HTTP no longer answers; HTTPS does, with the held (rotated) password.
    let plain = format!("http://{}/onvif/device_service", cam.http_addr());
    let fresh = DeviceClient::new(ClientOptions::default());
    let e = fresh
        .session(&plain, Some(cam_creds.clone()))
        .unwrap()
        .device_information()
        .await
        .unwrap_err();
    assert!(
        !e.is_auth_rejected(),
        "refused at the connection, not the login: {e:?}"
    );
    let info = fresh
        .session(&https, Some(held(&s, cam_id)))
        .unwrap()
        .device_information()
        .await
        .unwrap();
    assert_eq!(info.serial_number, cam.serial());
    assert_eq!(fresh.tls_fingerprint(&https).as_deref(), Some(fp));

    // Resolved on re-check, and audited with the fingerprint.
    assert_eq!(finding(&s, cam_id).unwrap().status, FindingStatus::Fixed);
    s.run_checks(&[cam_id], &settings).unwrap();
    assert_eq!(finding(&s, cam_id).unwrap().status, FindingStatus::Fixed);
    let audit = s.audit_entries(0, 100_000).unwrap();
    let entry = audit
        .iter()
        .find(|e| e.action == "finding.status" && e.subject == on_cam.id.to_string())
        .expect("the fix is in the audit log");
    assert!(
        entry.detail["why"].as_str().unwrap().contains(fp),
        "{:?}",
        entry.detail
    );
    assert!(s.store_for_tests().audit_verify().unwrap().is_intact());
}

/// `fix --all`'s path: every fixable finding of the site at once, devices in parallel. On a device with both
/// "WS-Discovery on" and "HTTP beside HTTPS", HTTP goes off last (the other fix is sent over the HTTP address
/// the device had); the device whose TLS fails keeps HTTP and its finding stays open; every fix that was read
/// back is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixing_many_at_once_switches_http_off_last_and_records_each_proven_fix() {
    let mut manifest = SiteManifest::demo();
    for d in &mut manifest.devices {
        if d.name == FIXED || d.name == BROKEN_TLS {
            d.http = true;
            d.discoverable = true;
            d.planted = None;
        }
        if d.name == BROKEN_TLS {
            d.faults = FaultSpec {
                tls_handshake_fails: true,
                ..FaultSpec::default()
            };
        }
    }
    let (site, wsd) = common::site(manifest).await;
    let cam = site.device(FIXED).unwrap().clone();
    let acs = site.device(BROKEN_TLS).unwrap().clone();

    let dir = tempfile::tempdir().unwrap();
    let s = common::demo_project(dir.path(), "fix-many");
    let cancel = CancellationToken::new();
    let progress = silent();
    s.discover(&common::unicast(wsd), &cancel, &progress)
        .await
        .unwrap();
    let cx = Custody {
        concurrency: 8,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    s.find_defaults(&cx, &[]).await.unwrap();
    s.rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    s.discover(&common::unicast(wsd), &cancel, &progress)
        .await
        .unwrap();
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: s.today(),
    };
    s.run_checks(&[], &settings).unwrap();
    let fixable: Vec<_> = s
        .findings()
        .unwrap()
        .into_iter()
        .filter(|f| f.status == FindingStatus::Open)
        .filter(|f| s.fix_for(f.id, &settings).unwrap().is_some())
        .collect();
    // "Fix all fixable" (one evaluation per device) offers exactly the findings `fix_for` has a fix for.
    let offered: Vec<_> = s
        .open_fixes(&settings)
        .unwrap()
        .into_iter()
        .map(|(f, d, _)| (f, d))
        .collect();
    assert_eq!(
        offered,
        fixable.iter().map(|f| (f.id, f.device)).collect::<Vec<_>>()
    );
    let open = s
        .findings()
        .unwrap()
        .into_iter()
        .filter(|f| f.status == FindingStatus::Open)
        .count();
    assert!(open > offered.len(), "some open findings have no fix");
    let cam_id = s
        .devices()
        .unwrap()
        .into_iter()
        .find(|d| d.address == std::net::IpAddr::V4(cam.ip()))
        .unwrap()
        .id;
    let on_cam: Vec<&str> = fixable
        .iter()
        .filter(|f| f.device == cam_id)
        .map(|f| f.check.as_str())
        .collect();
    assert!(
        on_cam.contains(&"services.http-beside-https") && on_cam.len() >= 2,
        "the camera has HTTP and another fixable finding: {on_cam:?}"
    );
    let ids: Vec<_> = fixable.iter().map(|f| f.id).collect();
    let results = s.fix_many(&ids, &settings, 8).await.unwrap();
    assert_eq!(results.len(), ids.len(), "one result per finding");
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(id, r)| r.as_ref().err().map(|e| format!("{id}: {e}")))
        .collect();
    // Only the broken-TLS device's HTTP fix fails, and the demo's skewed clocks (NTP set, clock not yet right).
    let (tls, others): (Vec<&String>, Vec<&String>) = failed
        .iter()
        .partition(|e| e.contains("HTTPS could not be shown to work"));
    assert_eq!(tls.len(), 1, "{failed:?}");
    assert!(
        others.iter().all(|e| e.contains("clock is still")),
        "{others:?}"
    );
    assert!(acs.protocol_enabled("HTTP"), "HTTP left on where TLS fails");
    assert!(!cam.protocol_enabled("HTTP") && cam.protocol_enabled("HTTPS"));
    assert!(
        !cam.is_discoverable(),
        "WS-Discovery off, sent before HTTP went off"
    );
    let after = s.findings().unwrap();
    for f in &fixable {
        let now = after.iter().find(|a| a.id == f.id).unwrap();
        let ok = results.iter().any(|(id, r)| *id == f.id && r.is_ok());
        assert_eq!(
            now.status == FindingStatus::Fixed,
            ok,
            "{} ({}) recorded as {} after {}",
            f.id,
            f.check,
            now.status,
            if ok { "a proven fix" } else { "a failure" }
        );
    }
    assert!(s.store_for_tests().audit_verify().unwrap().is_intact());
}
