//! Devices that want credentials for everything, GetDeviceInformation and the clock included, and announce no
//! maker or model in their scopes: discovery learns nothing about what they are. The firmware check then says
//! "not identified" (a finding, never a pass, in the report too); once Handover holds a password — a default
//! found by find-defaults, or one the technician gives with `credentials set` — the device is identified again
//! at once, and the firmware is judged against the baseline.

use handover_test_support::engine as common;

use std::net::Ipv4Addr;

use handover_model::{DeviceId, FindingStatus};
use handover_report::model::{FirmwareStatus, ReportModel};
use handover_sim::{DeviceSpec, DiscoveryQuirk, FaultSpec, Role, SiteManifest, Vendor};
use handover_vault::{PasswordPolicy, SecretString};

fn guarded(name: &str, last: u8, password: Option<&str>) -> DeviceSpec {
    let mut d = DeviceSpec::new(
        name,
        Vendor::Generic,
        Role::Camera,
        Ipv4Addr::new(127, 20, 0, last),
    );
    d.password = password.map(str::to_owned);
    d.faults = FaultSpec {
        credentials_for_everything: true,
        discovery_quirks: vec![DiscoveryQuirk::BareScopes],
        ..FaultSpec::default()
    };
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_tells_nothing_before_login_is_identified_once_a_password_is_held() {
    let mut manifest = SiteManifest::generated(0, Ipv4Addr::new(127, 20, 0, 10));
    manifest.devices = vec![
        guarded("guarded-default", 96, None),
        guarded("guarded-changed", 97, Some("Set-On-Site-77")),
    ];
    let (site, s, _dir, kit) = common::discovered_site(manifest, "auth-only").await;
    let dflt = common::id_at(&s, &site, "guarded-default");
    let changed = common::id_at(&s, &site, "guarded-changed");
    for id in [dflt, changed] {
        let f = s.device(id).unwrap().facts;
        assert!(
            f.manufacturer.is_none() && f.model.is_none() && f.firmware.is_none(),
            "nothing is known before login: {f:#?}"
        );
    }

    // Before custody: the firmware check cannot judge them, and says so; the report does not pass them.
    let settings = common::settings(&s);
    s.run_checks(&[], &settings).unwrap();
    let not_identified = |s: &handover_engine::Session, id: DeviceId| {
        s.findings()
            .unwrap()
            .into_iter()
            .find(|f| f.device == id && f.check == "firmware.not-identified")
            .map(|f| f.status)
    };
    assert_eq!(not_identified(&s, dflt), Some(FindingStatus::Open));
    assert_eq!(not_identified(&s, changed), Some(FindingStatus::Open));
    let (model, firmware) = in_report(&s, &[dflt, changed]);
    for (id, (status, _)) in [dflt, changed].into_iter().zip(firmware) {
        assert_ne!(status, FirmwareStatus::Compliant);
        assert!(
            model
                .findings
                .iter()
                .any(|f| f.device_id.as_deref() == Some(&id.to_string())
                    && f.check == "firmware.not-identified"),
            "the report lists it as not identified"
        );
    }

    // find-defaults finds the one on its default and identifies it again at once.
    let cx = kit.custody();
    let found = s.find_defaults(&cx, &[]).await.unwrap();
    assert_eq!(found.defaults_found, 1, "{found:#?}");
    let h = site.device("guarded-default").unwrap();
    let d = s.device(dflt).unwrap();
    assert_eq!(d.facts.model.as_deref(), Some(h.model()), "{d:#?}");
    assert_eq!(d.facts.firmware, Some(h.firmware()));
    assert_eq!(d.identity.serial.as_deref(), Some(h.serial()));
    assert_eq!(d.identity.mac.map(|m| m.to_string()), Some(h.mac()));

    // The technician gives the other one's password: proven, kept, and the device identified at once.
    let user = Vendor::Generic.personality().default_user;
    s.set_credential(changed, user, SecretString::new("Set-On-Site-77".into()))
        .await
        .unwrap();
    let h2 = site.device("guarded-changed").unwrap();
    let d2 = s.device(changed).unwrap();
    assert_eq!(d2.facts.firmware, Some(h2.firmware()), "{d2:#?}");
    assert_eq!(d2.identity.serial.as_deref(), Some(h2.serial()));

    // Rotation proves the identity it read (serial and MAC are known now), and the checks judge the firmware.
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    assert_eq!(r.rotated, 2, "{r:#?}");
    s.run_checks(&[], &settings).unwrap();
    assert_eq!(not_identified(&s, dflt), Some(FindingStatus::Fixed));
    assert_eq!(not_identified(&s, changed), Some(FindingStatus::Fixed));
    let (_, firmware) = in_report(&s, &[dflt, changed]);
    for (status, version) in firmware {
        assert_eq!(
            (status, version.as_str()),
            (FirmwareStatus::Compliant, h.firmware().as_str())
        );
    }
}

/// The report model, and the firmware status and version its device rows give `ids`.
fn in_report(
    s: &handover_engine::Session,
    ids: &[DeviceId],
) -> (ReportModel, Vec<(FirmwareStatus, String)>) {
    let model = s.report_model(time::OffsetDateTime::now_utc()).unwrap();
    let rows = ids
        .iter()
        .map(|id| {
            let row = model
                .devices
                .iter()
                .find(|d| d.id == id.to_string())
                .unwrap();
            (row.firmware.status, row.firmware.version.clone())
        })
        .collect();
    (model, rows)
}
