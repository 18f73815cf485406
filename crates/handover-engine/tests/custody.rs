//! Credential custody on the simulated demo site with the vault key in the real OS keyring (run under
//! scripts/with-keyring.sh, as the test suite is): every device with a factory default ends rotated, each stored
//! password logs into its device and the old one no longer does, no lockout is triggered anywhere, and a device
//! that reboots in the middle of SetUser is settled with a password Handover holds.

use handover_test_support::engine as common;

use handover_engine::credentials::Custody;
use handover_engine::progress::silent;
use handover_model::CredentialState;
use handover_sim::FaultSpec;
use handover_vault::{CredentialStore, OsKeyring, PasswordPolicy};
use tokio_util::sync::CancellationToken;

fn keyring() -> Option<OsKeyring> {
    if std::env::var("HANDOVER_KEYRING_TEST").as_deref() != Ok("1") {
        println!("SKIP: no unlocked test keyring (run under scripts/with-keyring.sh)");
        return None;
    }
    Some(OsKeyring::open().expect("the test keyring opens"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_default_is_rotated_proven_and_no_device_locks_out() {
    let Some(keyring) = keyring() else { return };
    let (site, wsd) = common::demo_site().await;
    // One camera reboots in the middle of SetUser: the password changes but no answer comes back.
    let rebooting = site.device("cam-dock-05").unwrap().clone();
    rebooting.set_faults(FaultSpec {
        reboot_during_set_user: true,
        ..FaultSpec::default()
    });

    let dir = tempfile::tempdir().unwrap();
    // The vault key goes to the real keyring, as the front ends' `Env::os()` puts it.
    let env = handover_engine::Env::os()
        .with_keyring(std::sync::Arc::new(keyring.clone()))
        .with_catalogs(handover_policy::Catalogs::built_in());
    let s = common::demo_project_in(dir.path(), "custody", env);
    let cancel = CancellationToken::new();
    let progress = silent();
    let opts = common::unicast(wsd);
    s.discover(&opts, &cancel, &progress).await.unwrap();
    let cx = Custody {
        concurrency: 16,
        plain_http: true,
        cancel: &cancel,
        progress: &progress,
    };
    let found = s.find_defaults(&cx, &[]).await.unwrap();
    assert_eq!(found.defaults_found, 22, "{found:#?}");
    let rotated = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    let recovered = s.recover(&cx).await.unwrap();
    println!("rotate: {rotated:#?}\nrecover: {recovered:#?}");
    assert_eq!(recovered.still_unsettled, 0);

    let project = s.project_id().to_string();
    let refs = s.credentials().unwrap();
    let devices = s.devices().unwrap();
    let mut checked = 0;
    for c in refs.iter().filter(|c| c.matched_default.is_some()) {
        assert_eq!(c.state, CredentialState::Rotated, "{c:?}");
        let d = devices.iter().find(|d| d.id == c.device).unwrap();
        let handle = site
            .devices()
            .iter()
            .find(|h| std::net::IpAddr::V4(h.ip()) == d.address)
            .unwrap();
        let (_, stored) = s.reveal_password(c.device, Some(&c.username)).unwrap();
        assert!(
            handle.check_password(&c.username, stored.expose()),
            "{}: the stored password does not log in",
            handle.name()
        );
        let default = handle.vendor().personality().default_password;
        assert!(
            !handle.check_password(&c.username, default),
            "{}: the factory default still works",
            handle.name()
        );
        checked += 1;
    }
    assert_eq!(checked, 22);
    // Nothing left pending: every secret is a current one, sealed in the project; the keyring holds one entry
    // for the project, its vault key.
    let secrets = s.store_for_tests().secrets().unwrap();
    assert!(
        secrets.iter().all(|x| x.sealed_as.ends_with("#current")),
        "{secrets:?}"
    );
    assert_eq!(keyring.list(&project).unwrap().len(), 1);
    assert!(rebooting.counters().reboots >= 1, "the reboot fault fired");
    let lockouts: u64 = site.devices().iter().map(|h| h.counters().lockouts).sum();
    assert_eq!(lockouts, 0, "custody must never lock a device out");
    // Accounts: a least-privilege VMS account is created with its own password and proven; the held
    // administrator cannot be removed; the VMS account can.
    let cam = devices
        .iter()
        .find(|d| d.address.to_string() == "127.20.0.10")
        .unwrap()
        .id;
    let handle = site.device("cam-entrance-01").unwrap();
    s.create_service_account(cam, "vms").await.unwrap();
    let (_, vms) = s.reveal_password(cam, Some("vms")).unwrap();
    assert!(handle.check_password("vms", vms.expose()));
    let listed = s.accounts(cam).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|u| u.username == "vms" && u.level == "Operator"),
        "{listed:?}"
    );
    let vault = s.vault().unwrap();
    let held = s.held_credentials(&vault, cam).unwrap().unwrap().username;
    assert_ne!(held, "vms", "the held account stays the administrator");
    let e = s.remove_account(cam, &held).await.unwrap_err();
    assert!(e.to_string().contains("cannot remove"), "{e}");
    s.remove_account(cam, "vms").await.unwrap();
    assert!(!handle.users().contains(&"vms".to_owned()));
    // Clean up this test's keyring entries.
    for k in keyring.list(&project).unwrap() {
        keyring.delete(&k).unwrap();
    }
}
