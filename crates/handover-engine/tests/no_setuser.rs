//! A device that cannot change passwords over ONVIF (SetUser answered env:Receiver / ter:ActionNotSupported
//! "Action not supported"): rotation says so as its own outcome (never "rolled back"), with what to do next, and
//! only after the device was seen to keep its old password; nothing stays pending; the check and the report keep
//! the device listed as on its factory default until the technician changes it with the vendor's tool and hands
//! the new password over with `credentials set`, after which rotation leaves it alone.

use handover_test_support::engine as common;

use std::net::Ipv4Addr;

use handover_engine::credentials::Custody;
use handover_engine::progress::silent;
use handover_model::CredentialState;
use handover_policy::checks::Settings;
use handover_sim::{DeviceSpec, FaultSpec, Role, SiteManifest, Vendor};
use handover_vault::{PasswordPolicy, SecretString};
use tokio_util::sync::CancellationToken;

fn generic(name: &str, last: u8, no_setuser: bool) -> DeviceSpec {
    let mut d = DeviceSpec::new(
        name,
        Vendor::Generic,
        Role::Camera,
        Ipv4Addr::new(127, 20, 0, last),
    );
    d.faults = FaultSpec {
        set_user_unsupported: no_setuser,
        ..FaultSpec::default()
    };
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_without_setuser_is_its_own_outcome_and_stays_listed_on_its_default() {
    let mut manifest = SiteManifest::generated(0, Ipv4Addr::new(127, 20, 0, 10));
    manifest.devices = vec![
        generic("no-setuser", 70, true),
        generic("normal", 71, false),
    ];
    let (site, wsd) = common::site(manifest).await;
    let dir = tempfile::tempdir().unwrap();
    let s = common::demo_project(dir.path(), "no-setuser");
    let (cancel, progress) = (CancellationToken::new(), silent());
    s.discover(&common::unicast(wsd), &cancel, &progress)
        .await
        .unwrap();
    let cx = Custody {
        concurrency: 4,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    let found = s.find_defaults(&cx, &[]).await.unwrap();
    assert_eq!(found.defaults_found, 2, "{found:#?}");
    let h = site.device("no-setuser").unwrap();
    let (user, default) = (
        h.vendor().personality().default_user,
        h.vendor().personality().default_password,
    );
    let id = s
        .devices()
        .unwrap()
        .into_iter()
        .find(|d| d.address == std::net::IpAddr::V4(h.ip()))
        .unwrap()
        .id;

    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    println!("{r:#?}");
    assert_eq!(
        (
            r.rotated,
            r.rolled_back,
            r.cannot_rotate,
            r.cannot_rotate_default,
            r.unsettled
        ),
        (1, 0, 1, 1, 0),
        "{r:#?}"
    );
    let o = r.devices.iter().find(|o| o.device == id).unwrap();
    assert_eq!(o.outcome, "cannot-rotate-default", "{o:?}");
    for words in [
        "cannot change passwords over ONVIF",
        "factory default",
        "vendor's tool",
        "web page",
        &format!("handover credentials set --device {id} --user {user}"),
    ] {
        assert!(o.detail.contains(words), "{words:?} missing: {o:?}");
    }
    assert!(!o.detail.contains("rolled back"), "{o:?}");
    assert!(
        h.check_password(user, default),
        "the device keeps its default"
    );
    assert!(
        s.store_for_tests().rotations(true).unwrap().is_empty(),
        "nothing left open"
    );
    let pending = s
        .store_for_tests()
        .secrets()
        .unwrap()
        .iter()
        .filter(|x| format!("{:?}", x.name).contains("\"pending\""))
        .count();
    assert_eq!(pending, 0);
    let cred = s
        .credentials()
        .unwrap()
        .into_iter()
        .find(|c| c.device == id)
        .unwrap();
    assert_eq!(cred.state, CredentialState::FactoryDefault);
    assert_eq!(
        s.device(id).unwrap().facts.onvif_password_change,
        Some(false)
    );

    // The check and the report: still on its factory default, with the way out named.
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: s.today(),
    };
    s.run_checks(&[], &settings).unwrap();
    let finding = s
        .findings()
        .unwrap()
        .into_iter()
        .find(|f| f.device == id && f.check == "credentials.default")
        .expect("a factory-default finding");
    assert!(
        finding.evidence.contains("vendor's tool") && finding.evidence.contains("credentials set"),
        "{finding:?}"
    );
    let model = s.report_model(time::OffsetDateTime::now_utc()).unwrap();
    let row = model
        .devices
        .iter()
        .find(|d| d.id == id.to_string())
        .unwrap();
    assert_eq!(
        row.credential.state,
        handover_report::model::CredentialState::DefaultActive
    );
    assert!(
        model
            .findings
            .iter()
            .any(|f| f.device_id.as_deref() == Some(&id.to_string())
                && f.title.contains("Factory-default password"))
    );

    // The technician changes it in the vendor's tool and hands it over: custody is complete, and the next
    // rotation run leaves the device alone (exit 0 for the CLI).
    let new_pw = "Vendor-Tool-Set-42";
    assert!(h.set_password(user, new_pw));
    s.set_credential(id, user, SecretString::new(new_pw.into()))
        .await
        .unwrap();
    let again = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    assert_eq!(again.cannot_rotate, 0, "{again:#?}");
    assert!(again.devices.iter().all(|o| o.device != id), "{again:#?}");
    // New firmware that changes passwords over ONVIF: named explicitly, the device is rotated and no longer
    // known as one without SetUser.
    h.set_faults(FaultSpec::default());
    let named = s
        .rotate(&cx, &PasswordPolicy::default(), &[id])
        .await
        .unwrap();
    assert_eq!((named.rotated, named.cannot_rotate), (1, 0), "{named:#?}");
    assert_eq!(
        s.device(id).unwrap().facts.onvif_password_change,
        Some(true)
    );
    s.run_checks(&[], &settings).unwrap();
    assert!(
        !s.findings().unwrap().iter().any(|f| f.device == id
            && f.check == "credentials.default"
            && f.status == handover_model::FindingStatus::Open),
        "the default finding is resolved once the technician's password is proven"
    );
}
