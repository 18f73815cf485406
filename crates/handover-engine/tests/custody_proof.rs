//! Custody that the device proves, not the protocol's say-so: a change the device applied is kept whatever
//! SetUser answered (a fault, a 401, OK before a late apply); a rollback happens only after the old password is
//! proven and the new one refused; a device that never answers stays unsettled with both passwords kept until
//! the device itself settles it; the administrator is rotated whatever a service account's name sorts as; a
//! device answering with another serial receives nothing; and the project file holds no password in clear.
//! Each of these failed before the sealed vault and the proven-only state machine.
//! (The vault key is held by a test double of the keyring here; custody.rs runs the same paths on the real one.)

use handover_test_support::engine as common;

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use handover_devices::{ClientOptions, DeviceClient};
use handover_engine::Session;
use handover_engine::credentials::Custody;
use handover_engine::progress::silent;
use handover_model::{CredentialState, DeviceId};
use handover_sim::{DeviceHandle, DeviceSpec, FaultSpec, Role, SimSite, SiteManifest, Vendor};
use handover_store::devices::Sighting;
use handover_vault::{CredentialStore, MemoryStore, PasswordPolicy};
use tokio_util::sync::CancellationToken;

struct World {
    site: SimSite,
    keyring: Arc<MemoryStore>,
    wsd: u16,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new(devices: Vec<DeviceSpec>, name: &str) -> (Self, Session) {
        let mut manifest = SiteManifest::generated(0, Ipv4Addr::new(127, 20, 0, 10));
        manifest.devices = devices;
        let (site, wsd) = common::site(manifest).await;
        let dir = tempfile::tempdir().unwrap();
        let keyring = Arc::new(MemoryStore::new());
        let session = common::demo_project_in(dir.path(), name, common::env_with(keyring.clone()));
        session
            .discover(&common::unicast(wsd), &CancellationToken::new(), &silent())
            .await
            .unwrap();
        assert_eq!(
            session.devices().unwrap().len(),
            site.devices().len(),
            "every simulated device is found"
        );
        let w = Self {
            site,
            keyring,
            wsd,
            _dir: dir,
        };
        (w, session)
    }

    fn custody<'a>(
        &'a self,
        cancel: &'a CancellationToken,
        progress: &'a handover_engine::progress::ProgressFn,
    ) -> Custody<'a> {
        self.custody_http(cancel, progress, false)
    }

    fn custody_http<'a>(
        &'a self,
        cancel: &'a CancellationToken,
        progress: &'a handover_engine::progress::ProgressFn,
        plain_http: bool,
    ) -> Custody<'a> {
        Custody {
            concurrency: 8,
            plain_http,
            cancel,
            progress,
        }
    }

    fn handle(&self, name: &str) -> DeviceHandle {
        self.site.device(name).unwrap().clone()
    }

    fn id(&self, s: &Session, name: &str) -> DeviceId {
        let ip = std::net::IpAddr::V4(self.handle(name).ip());
        s.devices()
            .unwrap()
            .into_iter()
            .find(|d| d.address == ip)
            .unwrap()
            .id
    }

    /// The password Handover holds for `user` on the device, opened from the sealed vault.
    fn held(&self, s: &mut Session, name: &str, user: &str) -> String {
        let id = self.id(s, name);
        let (_, pw) = s.reveal_password(id, Some(user)).unwrap();
        pw.expose().clone()
    }

    fn pending_secrets(s: &Session) -> usize {
        s.store_for_tests()
            .secrets()
            .unwrap()
            .iter()
            .filter(|s| format!("{:?}", s.name).contains("\"pending\""))
            .count()
    }
}

fn generic(name: &str, last: u8) -> DeviceSpec {
    DeviceSpec::new(
        name,
        Vendor::Generic,
        Role::Camera,
        Ipv4Addr::new(127, 20, 0, last),
    )
}

async fn find_and_rotate(
    w: &World,
    s: &mut Session,
) -> handover_engine::credentials::RotateSummary {
    let cancel = CancellationToken::new();
    let progress = silent();
    let cx = w.custody(&cancel, &progress);
    let found = s.find_defaults(&cx, &[]).await.unwrap();
    assert!(found.defaults_found > 0, "{found:#?}");
    let cx = w.custody(&cancel, &progress);
    s.rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_the_device_applied_is_kept_whatever_setuser_answered() {
    let (w, mut s) = World::new(
        vec![
            generic("faults-after-apply", 10),
            generic("401-after-apply", 11),
            generic("applies-late", 12),
            generic("clean", 13),
        ],
        "applied",
    )
    .await;
    let default = w.handle("clean").vendor().personality().default_password;
    w.handle("faults-after-apply").set_faults(FaultSpec {
        set_user_applies_then_faults: true,
        ..FaultSpec::default()
    });
    w.handle("401-after-apply").set_faults(FaultSpec {
        set_user_applies_then_401: true,
        ..FaultSpec::default()
    });
    w.handle("applies-late").set_faults(FaultSpec {
        set_user_applies_late_ms: 3_000,
        ..FaultSpec::default()
    });
    let r = find_and_rotate(&w, &mut s).await;
    println!("{r:#?}");
    assert_eq!((r.rotated, r.rolled_back, r.unsettled), (4, 0, 0), "{r:#?}");
    for name in [
        "faults-after-apply",
        "401-after-apply",
        "applies-late",
        "clean",
    ] {
        let user = w.handle(name).vendor().personality().default_user;
        let held = w.held(&mut s, name, user);
        assert!(
            w.handle(name).check_password(user, &held),
            "{name}: the held password does not log in"
        );
        assert!(
            !w.handle(name).check_password(user, default),
            "{name}: the default still works"
        );
    }
    assert_eq!(World::pending_secrets(&s), 0);
    assert!(s.store_for_tests().rotations(true).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_change_rolls_back_only_after_the_old_password_is_proven() {
    let (w, mut s) = World::new(vec![generic("refuses", 20)], "refused").await;
    let h = w.handle("refuses");
    let (user, default) = (
        h.vendor().personality().default_user,
        h.vendor().personality().default_password,
    );
    h.set_faults(FaultSpec {
        set_user_refused: true,
        ..FaultSpec::default()
    });
    let r = find_and_rotate(&w, &mut s).await;
    assert_eq!((r.rotated, r.rolled_back), (0, 1), "{r:#?}");
    assert!(
        r.devices[0]
            .detail
            .contains("was seen to take the old password"),
        "{r:#?}"
    );
    assert_eq!(w.held(&mut s, "refuses", user), default);
    assert!(h.check_password(user, default));
    assert_eq!(World::pending_secrets(&s), 0);
    let refs = s.credentials().unwrap();
    assert_eq!(refs[0].state, CredentialState::FactoryDefault);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_rotation_stays_open_until_the_device_itself_settles_it() {
    let mut spec = generic("reboots", 30);
    spec.reboot_ms = Some(12_000);
    let (w, mut s) = World::new(vec![spec], "unanswered").await;
    let h = w.handle("reboots");
    let user = h.vendor().personality().default_user;
    h.set_faults(FaultSpec {
        reboot_during_set_user: true,
        ..FaultSpec::default()
    });
    let progress = silent();
    let found_cancel = CancellationToken::new();
    let cx = w.custody(&found_cancel, &progress);
    s.find_defaults(&cx, &[]).await.unwrap();
    // The technician gives up waiting after 3 s, while the device is still rebooting.
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.cancel();
    });
    let cx = w.custody(&cancel, &progress);
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    assert_eq!(r.unsettled, 1, "{r:#?}");
    assert_eq!(World::pending_secrets(&s), 1, "both passwords stay sealed");
    // Recover while the device is still away: nothing is closed on recovery's say-so.
    let fresh = CancellationToken::new();
    let cx = w.custody(&fresh, &progress);
    let rec = s.recover(&cx).await.unwrap();
    assert_eq!(
        (rec.still_unsettled, rec.journal_closed),
        (1, 0),
        "{rec:#?}"
    );
    assert_eq!(s.store_for_tests().rotations(true).unwrap().len(), 1);
    assert_eq!(World::pending_secrets(&s), 1);
    // Back from its reboot, the device says which password it takes: the new one.
    while h.is_rebooting() {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let cx = w.custody(&fresh, &progress);
    let rec = s.recover(&cx).await.unwrap();
    assert_eq!((rec.on_new, rec.still_unsettled), (1, 0), "{rec:#?}");
    assert!(s.store_for_tests().rotations(true).unwrap().is_empty());
    assert_eq!(World::pending_secrets(&s), 0);
    let held = w.held(&mut s, "reboots", user);
    assert!(h.check_password(user, &held));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administrator_is_rotated_whatever_a_service_account_sorts_as() {
    let spec = DeviceSpec::new(
        "axis",
        Vendor::Axis,
        Role::Camera,
        Ipv4Addr::new(127, 20, 0, 40),
    );
    let (w, mut s) = World::new(vec![spec], "service-account").await;
    let h = w.handle("axis");
    let (root, default) = (
        h.vendor().personality().default_user,
        h.vendor().personality().default_password,
    );
    let cancel = CancellationToken::new();
    let progress = silent();
    let cx = w.custody(&cancel, &progress);
    let found = s.find_defaults(&cx, &[]).await.unwrap();
    assert_eq!(found.defaults_found, 1, "{found:#?}");
    let id = w.id(&s, "axis");
    // "VMS" sorts before "root": the old rule took the first credential by name and skipped the device.
    s.create_service_account(id, "VMS").await.unwrap();
    let cx = w.custody(&cancel, &progress);
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    assert_eq!(r.rotated, 1, "{r:#?}");
    let held = w.held(&mut s, "axis", root);
    assert!(h.check_password(root, &held));
    assert!(!h.check_password(root, default));
    let vms = w.held(&mut s, "axis", "VMS");
    assert!(
        h.check_password("VMS", &vms),
        "the service account keeps its own password"
    );
}

/// Devices "real" and "impostor" (the same factory password, another serial) in custody and identified with
/// the held passwords, then the record of "real" made to point at the impostor's address.
async fn real_pointing_at_impostor(octets: (u8, u8), name: &str) -> (World, Session, DeviceId) {
    let (w, s) = World::new(
        vec![generic("real", octets.0), generic("impostor", octets.1)],
        name,
    )
    .await;
    let cancel = CancellationToken::new();
    let progress = silent();
    let cx = w.custody(&cancel, &progress);
    s.find_defaults(&cx, &[]).await.unwrap();
    // Identified with the held passwords: serial and MAC are known from an authenticated read.
    s.discover(&common::unicast(w.wsd), &cancel, &progress)
        .await
        .unwrap();
    let (real, impostor) = (w.id(&s, "real"), w.id(&s, "impostor"));
    let known = s.device(real).unwrap();
    assert!(
        known.identity.serial.is_some() || known.identity.mac.is_some(),
        "{known:?}"
    );
    let xaddr = s.device(impostor).unwrap().facts.xaddr;
    let mut facts = s.device(real).unwrap().facts;
    facts.xaddr = xaddr;
    s.record_sighting(Sighting {
        device: Some(real),
        facts,
        ..Sighting::default()
    })
    .unwrap();
    (w, s, real)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_answering_with_another_serial_is_sent_nothing() {
    let (w, s, real) = real_pointing_at_impostor((50, 51), "impostor").await;
    let cancel = CancellationToken::new();
    let progress = silent();
    let before = w.handle("impostor").counters().set_user_calls;
    let cx = w.custody(&cancel, &progress);
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[real])
        .await
        .unwrap();
    assert_eq!(r.devices[0].outcome, "identity-mismatch", "{r:#?}");
    assert_eq!(
        w.handle("impostor").counters().set_user_calls,
        before,
        "nothing was sent"
    );
    assert_eq!(World::pending_secrets(&s), 0);
    let audit = s.audit_entries(0, 10_000).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "rotation.identity-refused")
    );
}

/// Identity before trust holds for account changes too: an impostor at a known device's address, taking the
/// held password, is asked to create no account (its password would be the impostor's) and to remove none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_changes_go_to_no_device_answering_with_another_serial() {
    let (w, s, real) = real_pointing_at_impostor((52, 53), "impostor-accounts").await;
    let users = w.handle("impostor").users();

    let e = s.create_service_account(real, "vms").await.unwrap_err();
    assert!(e.to_string().contains("nothing was sent"), "{e}");
    assert!(e.to_string().contains("serial"), "{e}");
    let e = s.remove_account(real, "someone-else").await.unwrap_err();
    assert!(e.to_string().contains("nothing was sent"), "{e}");
    assert_eq!(
        w.handle("impostor").users(),
        users,
        "no account made or removed"
    );
    let refused = s
        .audit_entries(0, 10_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "account.identity-refused")
        .count();
    assert_eq!(refused, 2);

    // The genuine device, at its own address again, takes the same change.
    let (cancel, progress) = (CancellationToken::new(), silent());
    s.discover(&common::unicast(w.wsd), &cancel, &progress)
        .await
        .unwrap();
    s.create_service_account(real, "vms").await.unwrap();
    assert!(w.handle("real").users().iter().any(|u| u == "vms"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_project_file_holds_no_password_and_opens_none_without_its_key() {
    let (w, mut s) = World::new(vec![generic("one", 60), generic("two", 61)], "sealed").await;
    let r = find_and_rotate(&w, &mut s).await;
    assert_eq!(r.rotated, 2, "{r:#?}");
    let user = w.handle("one").vendor().personality().default_user;
    let passwords = [w.held(&mut s, "one", user), w.held(&mut s, "two", user)];
    let path = s.path().to_owned();
    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", path.display())) {
        bytes.extend(wal);
    }
    for pw in &passwords {
        assert!(
            !bytes.windows(pw.len()).any(|win| win == pw.as_bytes()),
            "a password is in the project file in clear"
        );
    }
    assert_eq!(s.store_for_tests().secrets().unwrap().len(), 2);
    // Without the key (another keyring, or the key shredded), nothing opens, and the error says what to do.
    let pid = s.project_id().to_string();
    let shredded = handover_vault::sealed::shred_key(&*w.keyring, &pid).unwrap();
    assert!(shredded);
    let id = w.id(&s, "one");
    let reopened_path = path.clone();
    drop(std::mem::replace(
        &mut s,
        common::demo_project(w._dir.path(), "placeholder"),
    ));
    let s = Session::open(&reopened_path, None, common::env_with(w.keyring.clone())).unwrap();
    let e = s.reveal_password(id, None).unwrap_err();
    assert_eq!(
        e.code(),
        handover_engine::ErrorCode::KeyringUnavailable,
        "{e}"
    );
    assert!(e.to_string().contains("no vault key"), "{e}");
    assert!(
        w.keyring.list(&pid).unwrap().is_empty(),
        "no new key was made over the old"
    );
}

/// A Hello carrying a device's endpoint reference from another host: before, the device moved to the sender
/// and the next rotation sent the new password there. Now the claim is recorded, refuted on the next discover
/// (the host refuses the held password) as a finding, and the rotation goes to the real device.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hello_claiming_a_device_in_custody_moves_nothing_until_proven() {
    use handover_devices::discovery::{Method, Sighting as Seen, hello::Announcement};
    use handover_engine::listen::{Heard, HelloChange};
    let (w, mut s) = World::new(
        vec![generic("camera", 80), generic("impostor", 81)],
        "hijack",
    )
    .await;
    let r = find_and_rotate(&w, &mut s).await;
    assert_eq!(r.rotated, 2, "{r:#?}");
    let cancel = CancellationToken::new();
    let progress = silent();
    let camera = w.id(&s, "camera");
    let known = s.device(camera).unwrap();
    let impostor = w.handle("impostor");
    let impostor_id = w.id(&s, "impostor");
    let impostor_xaddr = s.device(impostor_id).unwrap().facts.xaddr;
    let hello = Announcement::Hello(Seen {
        endpoint: known.identity.endpoint_ref.clone().unwrap(),
        xaddrs: impostor_xaddr.clone().into_iter().collect(),
        scopes: Vec::new(),
        types: Vec::new(),
        address: std::net::IpAddr::V4(impostor.ip()),
        method: Method::Hello,
    });
    let heard = s.record_announcement(&hello).unwrap();
    assert!(
        matches!(
            heard,
            Heard::Hello {
                change: HelloChange::Claimed,
                ..
            }
        ),
        "{heard:?}"
    );
    assert_eq!(
        s.device(camera).unwrap().address,
        known.address,
        "the device did not move"
    );
    assert_eq!(s.store_for_tests().claims(true).unwrap().len(), 1);
    // The next discover asks the claimer with the held password: refused, so the claim is refuted.
    let summary = s
        .discover(&common::unicast(w.wsd), &cancel, &progress)
        .await
        .unwrap();
    assert_eq!(summary.claims.refuted, 1, "{summary:#?}");
    assert_eq!(s.device(camera).unwrap().address, known.address);
    let findings = s.findings().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f.check == "identity.claim" && f.device == camera),
        "{findings:#?}"
    );
    // Rotating the device again sends its password to the real camera, not to the impostor.
    let before = impostor.counters().set_user_calls;
    let cx = w.custody(&cancel, &progress);
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[camera])
        .await
        .unwrap();
    assert_eq!(r.rotated, 1, "{r:#?}");
    assert_eq!(impostor.counters().set_user_calls, before);
    let user = w.handle("camera").vendor().personality().default_user;
    let held = w.held(&mut s, "camera", user);
    assert!(w.handle("camera").check_password(user, &held));
}

/// A device in custody that really moved is followed once it proves itself with the held password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_in_custody_moves_once_it_proves_itself() {
    let (w, mut s) = World::new(vec![generic("mover", 90)], "mover").await;
    find_and_rotate(&w, &mut s).await;
    let cancel = CancellationToken::new();
    let progress = silent();
    // Identified with the held password (serial and MAC known), then the record is placed at an old address,
    // as if the camera had been re-addressed since.
    s.discover(&common::unicast(w.wsd), &cancel, &progress)
        .await
        .unwrap();
    let id = w.id(&s, "mover");
    let real = s.device(id).unwrap();
    assert!(real.identity.serial.is_some(), "{real:?}");
    let mut facts = real.facts.clone();
    facts.xaddr = Some("http://127.20.0.199/onvif/device_service".into());
    s.record_sighting(Sighting {
        address: Some("127.20.0.199".parse().unwrap()),
        facts,
        device: Some(id),
        ..Sighting::default()
    })
    .unwrap();
    // The sweep finds it at its real address: a claim, proven by an authenticated read, and the device moves.
    let summary = s
        .discover(&common::unicast(w.wsd), &cancel, &progress)
        .await
        .unwrap();
    assert_eq!(
        (summary.claimed, summary.claims.proven),
        (1, 1),
        "{summary:#?}"
    );
    let now = s.device(id).unwrap();
    assert_eq!(now.address, real.address);
    assert_eq!(now.facts.xaddr, real.facts.xaddr);
    assert!(
        s.findings()
            .unwrap()
            .iter()
            .all(|f| f.check != "identity.claim")
    );
}

/// A new password crosses the wire over HTTPS when the device offers it (its certificate pinned on first use);
/// on a device without HTTPS nothing is sent unless the technician accepted plain HTTP for the run (audited).
/// Before, the service address announced first was used, and the clear SetUser body was seen on the wire.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_passwords_go_over_https_and_plain_http_needs_consent() {
    let mut http_only = generic("http-only", 101);
    http_only.https = false;
    let (w, mut s) = World::new(vec![generic("with-https", 100), http_only], "https").await;
    let r = find_and_rotate(&w, &mut s).await;
    let outcome = |r: &handover_engine::credentials::RotateSummary, id: DeviceId| {
        r.devices
            .iter()
            .find(|d| d.device == id)
            .map(|d| d.outcome.clone())
            .unwrap()
    };
    let (secure, plain) = (w.id(&s, "with-https"), w.id(&s, "http-only"));
    assert_eq!(outcome(&r, secure), "rotated", "{r:#?}");
    assert_eq!(outcome(&r, plain), "needs-https", "{r:#?}");
    assert_eq!((r.rotated, r.refused), (1, 1), "{r:#?}");
    assert_eq!(
        w.handle("http-only").counters().set_user_calls,
        0,
        "nothing was sent in clear"
    );
    let pinned = s.device(secure).unwrap().facts.tls_fingerprint;
    assert_eq!(
        pinned.as_deref(),
        w.site.tls_fingerprint(),
        "pinned on first use"
    );
    // With the technician's consent for this run, the HTTP-only device is rotated, and the audit says so.
    let cancel = CancellationToken::new();
    let progress = silent();
    let cx = w.custody_http(&cancel, &progress, true);
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[plain])
        .await
        .unwrap();
    assert_eq!(outcome(&r, plain), "rotated", "{r:#?}");
    let audit = s.audit_entries(0, 10_000).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "rotation.plain-http" && e.subject == plain.to_string())
    );
    assert_eq!(r.refused, 0, "{r:#?}");
    // The report lists the device whose password crossed in clear, and only that one.
    let model = s.report_model(time::OffsetDateTime::now_utc()).unwrap();
    let over_http: Vec<&str> = model
        .devices
        .iter()
        .filter(|d| d.credential.over_plain_http)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(over_http, [plain.to_string()]);
    // Someone in the middle presents their own certificate: even with plain HTTP allowed, that is no reason to
    // fall back to it; nothing is sent.
    let secure_dev = w.handle("with-https");
    secure_dev.set_faults(FaultSpec {
        tls_certificate_replaced: true,
        ..FaultSpec::default()
    });
    let sent_before = secure_dev.counters().set_user_calls;
    // A fresh client (as in the CLI), and one that pinned the device's HTTPS port earlier (as the desktop app's,
    // open all day, whose pooled connections have since closed).
    let fresh = DeviceClient::new(ClientOptions::default());
    let pinned_before = DeviceClient::new(ClientOptions::default());
    pinned_before.pin_certificate(&secure_dev.https_xaddr().unwrap(), pinned.as_deref());
    // Each is the client of a session opened on the project anew.
    let path = s.path().to_owned();
    drop(s);
    for client in [fresh, pinned_before] {
        let env = common::env_with(w.keyring.clone()).with_client(client);
        let s = Session::open(&path, None, env).unwrap();
        let cx = w.custody_http(&cancel, &progress, true);
        let r = s
            .rotate(&cx, &PasswordPolicy::default(), &[secure])
            .await
            .unwrap();
        assert_eq!(outcome(&r, secure), "certificate-changed", "{r:#?}");
        assert_eq!(secure_dev.counters().set_user_calls, sent_before);
    }
}

/// A device reset to factory settings mid-job (after its rotation): find-defaults asks for the held password,
/// sees it refused and the factory default accepted (or, on a device whose factory state has no users, sees
/// the held account gone) and keeps the refused password; rotation sends nothing while the device presents
/// another HTTPS certificate than the pinned one, and takes custody again once the technician confirms the
/// reset.
async fn reset_mid_job(spec: DeviceSpec, name: &str) {
    let (w, mut s) = World::new(vec![spec], name).await;
    let r = find_and_rotate(&w, &mut s).await;
    assert_eq!(r.rotated, 1, "{r:#?}");
    let id = w.id(&s, name);
    let user = s
        .credentials()
        .unwrap()
        .into_iter()
        .find(|c| c.device == id)
        .unwrap()
        .username;
    let rotated = w.held(&mut s, name, &user);
    let dev = w.handle(name);
    assert!(dev.check_password(&user, &rotated));
    // The reset button, mid-job; the device reboots.
    dev.set_faults(FaultSpec {
        factory_reset_after_ms: 1,
        ..FaultSpec::default()
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!dev.check_password(&user, &rotated), "the reset took");
    while dev.is_rebooting() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let cancel = CancellationToken::new();
    let progress = silent();
    let outcome = |f: &handover_engine::credentials::FindSummary| {
        f.devices
            .iter()
            .find(|d| d.device == id)
            .map(|d| d.outcome.clone())
    };
    let f = s
        .find_defaults(&w.custody(&cancel, &progress), &[])
        .await
        .unwrap();
    assert_eq!(outcome(&f).as_deref(), Some("reset-to-factory"), "{f:#?}");
    assert_eq!((f.held_refused, f.defaults_found), (1, 1), "{f:#?}");
    let factory = w.held(&mut s, name, &user);
    assert!(
        dev.check_password(&user, &factory) || dev.users().is_empty(),
        "the password now held is the one the device takes (any, when it has no users)"
    );
    // The refused password is kept, not forgotten.
    let refused = s
        .store_for_tests()
        .secrets()
        .unwrap()
        .into_iter()
        .filter(|x| format!("{:?}", x.name).contains("\"refused\""))
        .count();
    assert_eq!(refused, 1);
    let cred = s
        .credentials()
        .unwrap()
        .into_iter()
        .find(|c| c.device == id && c.username == user)
        .unwrap();
    assert_eq!(cred.state, CredentialState::FactoryDefault);
    // Its HTTPS certificate changed with the reset: nothing is sent until the technician confirms it.
    let before = dev.counters().set_user_calls;
    let r = s
        .rotate(
            &w.custody(&cancel, &progress),
            &PasswordPolicy::default(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        r.devices.first().map(|d| d.outcome.as_str()),
        Some("certificate-changed"),
        "{r:#?}"
    );
    assert_eq!((r.rotated, r.refused), (0, 1), "{r:#?}");
    assert_eq!(dev.counters().set_user_calls, before, "nothing was sent");
    s.forget_certificate(id).unwrap();
    // And custody again: rotated, proven on the device.
    let r = s
        .rotate(
            &w.custody(&cancel, &progress),
            &PasswordPolicy::default(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.rotated, 1, "{r:#?}");
    let again = w.held(&mut s, name, &user);
    assert_ne!(again, factory);
    assert!(dev.check_password(&user, &again));
    assert!(!dev.check_password(&user, &factory));
    // A device whose held password still works is asked once and left alone.
    let f = s
        .find_defaults(&w.custody(&cancel, &progress), &[])
        .await
        .unwrap();
    assert_eq!((f.already_held, f.held_refused), (1, 0), "{f:#?}");
    assert_eq!(w.held(&mut s, name, &user), again);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_reset_to_its_factory_password_mid_job_is_taken_back_into_custody() {
    let mut spec = generic("reset", 120);
    spec.vendor = Vendor::Bosch;
    spec.reboot_ms = Some(300);
    reset_mid_job(spec, "reset").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_reset_to_no_users_mid_job_is_taken_back_into_custody() {
    let mut spec = generic("open", 121);
    spec.reboot_ms = Some(300);
    reset_mid_job(spec, "open").await;
}
