//! Credential custody on the simulated demo site through the real OS keyring (run under
//! scripts/with-keyring.sh, as the test suite is): every device with a factory default ends rotated, each stored
//! password logs into its device and the old one no longer does, no lockout is triggered anywhere, and a device
//! that reboots in the middle of SetUser is settled with a password Handover holds.

mod common;

use handover_engine::credentials::Custody;
use handover_engine::devices::{ClientOptions, DeviceClient};
use handover_engine::model::CredentialState;
use handover_engine::policy::Catalogs;
use handover_engine::progress::silent;
use handover_engine::vault::{CredentialStore, EntryKey, OsKeyring, PasswordPolicy, Slot};
use handover_sim::FaultSpec;
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
    let (site, wsd) = common::demo_site(40_000).await;
    // One camera reboots in the middle of SetUser: the password changes but no answer comes back.
    let rebooting = site.device("cam-dock-05").unwrap().clone();
    rebooting.set_faults(FaultSpec {
        reboot_during_set_user: true,
        ..FaultSpec::default()
    });

    let dir = tempfile::tempdir().unwrap();
    let mut s = common::demo_project(dir.path(), "custody");
    let client = DeviceClient::new(ClientOptions::default());
    let cancel = CancellationToken::new();
    let progress = silent();
    let opts = common::unicast(wsd);
    s.discover(&client, Some(&keyring), &opts, &cancel, &progress)
        .await
        .unwrap();
    let catalogs = Catalogs::built_in();
    let cx = Custody {
        client: &client,
        keyring: std::sync::Arc::new(keyring.clone()),
        catalogs: &catalogs,
        concurrency: 16,
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

    let project = s.project().id().to_string();
    let refs = s.project().credentials().unwrap();
    let devices = s.project().devices().unwrap();
    let mut checked = 0;
    for c in refs.iter().filter(|c| c.matched_default.is_some()) {
        assert_eq!(c.state, CredentialState::Rotated, "{c:?}");
        let d = devices.iter().find(|d| d.id == c.device).unwrap();
        let handle = site
            .devices()
            .iter()
            .find(|h| std::net::IpAddr::V4(h.ip()) == d.address)
            .unwrap();
        let key =
            EntryKey::device(&project, &c.device.to_string(), &c.username, Slot::Current).unwrap();
        let stored = keyring.get(&key).unwrap();
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
        // Nothing left pending or previous.
        for slot in [Slot::Pending, Slot::Previous] {
            let k = EntryKey::device(&project, &c.device.to_string(), &c.username, slot).unwrap();
            assert!(keyring.find(&k).unwrap().is_none());
        }
        checked += 1;
    }
    assert_eq!(checked, 22);
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
    s.create_service_account(&client, &keyring, &catalogs, cam, "vms")
        .await
        .unwrap();
    let key = EntryKey::device(&project, &cam.to_string(), "vms", Slot::Current).unwrap();
    assert!(handle.check_password("vms", keyring.get(&key).unwrap().expose()));
    let listed = s.accounts(&client, &keyring, cam).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|u| u.username == "vms" && u.level == "Operator"),
        "{listed:?}"
    );
    let held = s.held_credentials(&keyring, cam).unwrap().unwrap().username;
    assert_ne!(held, "vms", "the held account stays the administrator");
    let e = s
        .remove_account(&client, &keyring, cam, &held)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("cannot remove"), "{e}");
    s.remove_account(&client, &keyring, cam, "vms")
        .await
        .unwrap();
    assert!(!handle.users().contains(&"vms".to_owned()));
    // Clean up this test's keyring entries.
    for k in keyring.list(&project).unwrap() {
        keyring.delete(&k).unwrap();
    }
}
