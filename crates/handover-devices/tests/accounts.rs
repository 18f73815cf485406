//! Account and configuration operations against simulated devices: GetUsers, CreateUsers, SetUser,
//! DeleteUsers with their ONVIF fault subcodes, the login check's four outcomes (and that it never sends
//! more attempts than asked: lockouts matter), SetNTP/GetNTP, SetNetworkProtocols, SetDiscoveryMode,
//! SystemReboot and the reported password limits.

use handover_test_support::devices as common;

use std::time::Duration;

use handover_devices::discovery::ProbeOptions;
use handover_devices::discovery::probe::probe_unicast;
use handover_devices::{
    AuthScheme, Credentials, DiscoveryMode, LoginCheck, LoginOutcome, NetworkProtocol, NewUser,
    Password, UserLevel,
};
use handover_sim::{SimDevice, Vendor};
use tokio_util::sync::CancellationToken;

async fn device(vendor: Vendor, password: &str) -> SimDevice {
    SimDevice::builder()
        .vendor(vendor)
        .password(password)
        .lockout_duration(Duration::from_secs(2))
        .spawn()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_check_tells_accepted_refused_and_locked_out_apart_with_one_attempt_each() {
    let dev = device(Vendor::Hanwha, "Dock-Cam-2024").await;
    let client = common::client();
    let good = Credentials::new("admin", "Dock-Cam-2024");
    let bad = Credentials::new("admin", "wrong-guess");

    let ok = client
        .session(&dev.xaddr(), Some(good.clone()))
        .unwrap()
        .check_login()
        .await;
    assert!(
        matches!(
            ok,
            LoginCheck::Accepted {
                scheme: AuthScheme::WsUsernameToken
            }
        ),
        "{ok:?}"
    );
    for n in 1..=5u64 {
        let r = client
            .session(&dev.xaddr(), Some(bad.clone()))
            .unwrap()
            .check_login()
            .await;
        assert_eq!(r.outcome(), LoginOutcome::NotAuthorized, "{r:?}");
        assert_eq!(
            dev.counters().failed_logins,
            n,
            "exactly one attempt per check"
        );
    }
    assert_eq!(dev.counters().lockouts, 1);
    let locked = client
        .session(&dev.xaddr(), Some(good.clone()))
        .unwrap()
        .check_login()
        .await;
    let LoginCheck::LockedOut(e) = &locked else {
        panic!("{locked:?}")
    };
    assert!(e.is_locked_out() && e.is_auth_rejected());
    assert_eq!(e.fault_subcode(), Some("ter:NotAuthorized"));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let again = client
        .session(&dev.xaddr(), Some(good))
        .unwrap()
        .check_login()
        .await;
    assert_eq!(again.outcome(), LoginOutcome::Accepted, "{again:?}");

    // Unreachable: nothing listens there.
    let gone = client
        .session("http://127.0.0.1:9/onvif/device_service", Some(bad))
        .unwrap()
        .check_login()
        .await;
    assert_eq!(gone.outcome(), LoginOutcome::Unreachable, "{gone:?}");
}

/// Every way a device says "wrong password" (ONVIF's ter:NotAuthorized, the OASIS WS-Security fault codes in
/// SOAP 1.2 and 1.1, a bare 401 with a Basic challenge) is a refusal, a lockout is a lockout whatever the code,
/// and none of them is read as "unreachable".
#[tokio::test]
async fn every_refusal_form_is_a_refusal_and_a_lockout_stays_a_lockout() {
    use handover_sim::{AuthRefusal, FaultSpec};
    let styles = [
        None,
        Some(AuthRefusal::WsseFailedAuthentication),
        Some(AuthRefusal::WsseInvalidSecurity),
        Some(AuthRefusal::WsseInvalidSecurityToken),
        Some(AuthRefusal::Soap11FailedAuthentication),
        Some(AuthRefusal::Http401Basic),
    ];
    let client = common::client();
    for style in styles {
        let dev = SimDevice::builder()
            .vendor(Vendor::Hanwha)
            .password("Dock-Cam-2024")
            .lockout_duration(Duration::from_secs(30))
            .faults(FaultSpec {
                auth_refusal: style,
                ..FaultSpec::default()
            })
            .spawn()
            .await
            .unwrap();
        let check = |pw: &str| {
            let s = client
                .session(&dev.xaddr(), Some(Credentials::new("admin", pw)))
                .unwrap();
            async move { s.check_login().await }
        };
        assert_eq!(
            check("Dock-Cam-2024").await.outcome(),
            LoginOutcome::Accepted,
            "{style:?}"
        );
        for n in 1..=5u64 {
            let r = check("wrong-guess").await;
            let LoginCheck::NotAuthorized(e) = &r else {
                panic!("{style:?}: {r:?}")
            };
            assert!(
                e.is_auth_rejected() && !e.is_locked_out() && !e.is_unreachable(),
                "{style:?}: {e:?}"
            );
            assert_eq!(
                dev.counters().failed_logins,
                n,
                "{style:?}: one attempt each"
            );
        }
        assert_eq!(dev.counters().lockouts, 1, "{style:?}");
        let locked = check("Dock-Cam-2024").await;
        if style == Some(AuthRefusal::Http401Basic) {
            // A bare 401 says no more than "refused": the lockout cannot be told from a wrong password.
            assert_eq!(locked.outcome(), LoginOutcome::NotAuthorized, "{locked:?}");
        } else {
            let LoginCheck::LockedOut(e) = &locked else {
                panic!("{style:?}: {locked:?}")
            };
            assert!(e.is_locked_out(), "{style:?}");
        }
    }
}

#[tokio::test]
async fn digest_only_devices_get_exactly_one_digest_attempt() {
    let dev = device(Vendor::Hikvision, "Parking-03x").await;
    let client = common::client();
    let r = client
        .session(&dev.xaddr(), Some(Credentials::new("admin", "nope-nope1")))
        .unwrap()
        .check_login()
        .await;
    let LoginCheck::NotAuthorized(e) = &r else {
        panic!("{r:?}")
    };
    assert!(e.is_auth_rejected() && !e.is_locked_out());
    assert_eq!(dev.counters().failed_logins, 1);
    let r = client
        .session(&dev.xaddr(), Some(Credentials::new("admin", "Parking-03x")))
        .unwrap()
        .check_login()
        .await;
    assert!(
        matches!(
            r,
            LoginCheck::Accepted {
                scheme: AuthScheme::HttpDigest
            }
        ),
        "{r:?}"
    );
    assert_eq!(dev.counters().failed_logins, 1);
}

#[tokio::test]
async fn users_are_listed_created_changed_and_deleted_with_typed_faults() {
    let dev = device(Vendor::Generic, "admin-pass").await;
    let client = common::client();
    let s = client
        .session(&dev.xaddr(), Some(Credentials::new("admin", "admin-pass")))
        .unwrap();
    let users = s.users().await.unwrap();
    assert!(
        users
            .iter()
            .any(|u| u.username == "admin" && u.level == UserLevel::Administrator),
        "{users:?}"
    );

    let op = NewUser {
        username: "op1".into(),
        password: Password::new("Op-pass-1"),
        level: UserLevel::Operator,
    };
    s.create_users(std::slice::from_ref(&op)).await.unwrap();
    assert!(
        s.users()
            .await
            .unwrap()
            .iter()
            .any(|u| u.username == "op1" && u.level == UserLevel::Operator)
    );
    let clash = s.create_users(&[op]).await.unwrap_err();
    assert_eq!(
        clash.fault_subcode(),
        Some("ter:UsernameClash"),
        "{clash:?}"
    );
    assert!(clash.has_subcode("ter:OperationProhibited"));

    s.set_user(
        "op1",
        Some(&Password::new("Op-pass-2")),
        &UserLevel::Operator,
    )
    .await
    .unwrap();
    let new = client
        .session(&dev.xaddr(), Some(Credentials::new("op1", "Op-pass-2")))
        .unwrap()
        .check_login()
        .await;
    assert_eq!(new.outcome(), LoginOutcome::Accepted, "{new:?}");
    let old = client
        .session(&dev.xaddr(), Some(Credentials::new("op1", "Op-pass-1")))
        .unwrap()
        .check_login()
        .await;
    assert_eq!(old.outcome(), LoginOutcome::NotAuthorized, "{old:?}");

    let missing = s
        .set_user("nobody", Some(&Password::new("x")), &UserLevel::User)
        .await
        .unwrap_err();
    assert_eq!(
        missing.fault_subcode(),
        Some("ter:UsernameMissing"),
        "{missing:?}"
    );
    assert!(missing.has_subcode("ter:InvalidArgVal"));

    s.delete_users(&["op1"]).await.unwrap();
    assert!(!s.users().await.unwrap().iter().any(|u| u.username == "op1"));
    assert!(!dev.users().contains(&"op1".to_string()));
}

#[tokio::test]
async fn password_limits_and_too_long_passwords() {
    let dev = device(Vendor::Hikvision, "Parking-03x").await;
    let s = common::client()
        .session(&dev.xaddr(), Some(Credentials::new("admin", "Parking-03x")))
        .unwrap();
    let limits = s.password_limits().await.unwrap();
    assert_eq!(limits.max_password_length, Some(16));
    assert_eq!(limits.max_users, Some(16));
    assert_eq!(limits.max_username_length, Some(32));
    assert_eq!(limits.http_digest, Some(true));
    let e = s
        .set_user(
            "admin",
            Some(&Password::new("Abcdefg1Abcdefg12")),
            &UserLevel::Administrator,
        )
        .await
        .unwrap_err();
    assert_eq!(e.fault_subcode(), Some("ter:PasswordTooLong"), "{e:?}");
    assert!(dev.check_password("admin", "Parking-03x"), "unchanged");
}

#[tokio::test]
async fn ntp_protocols_discovery_mode_and_reboot() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Dahua)
        .password("Corridor-06")
        .ntp_set(false)
        .reboot_duration(Duration::from_millis(1000))
        .spawn()
        .await
        .unwrap();
    let s = common::client()
        .session(&dev.xaddr(), Some(Credentials::new("admin", "Corridor-06")))
        .unwrap();
    s.set_ntp(false, &["127.0.0.53"]).await.unwrap();
    let ntp = s.ntp().await.unwrap();
    assert_eq!(ntp.servers, vec!["127.0.0.53".to_string()]);
    assert!(!ntp.from_dhcp);
    assert_eq!(dev.ntp_servers(), vec!["127.0.0.53".to_string()]);

    let protos = s.network_protocols().await.unwrap();
    assert!(
        protos.iter().any(|p| p.name == "HTTPS" && p.enabled),
        "{protos:?}"
    );
    s.set_network_protocols(&[NetworkProtocol {
        name: "HTTPS".into(),
        enabled: false,
        ports: vec![443],
    }])
    .await
    .unwrap();
    assert!(
        s.network_protocols()
            .await
            .unwrap()
            .iter()
            .any(|p| p.name == "HTTPS" && !p.enabled)
    );
    let bad = s
        .set_network_protocols(&[NetworkProtocol {
            name: "GOPHER".into(),
            enabled: true,
            ports: vec![70],
        }])
        .await
        .unwrap_err();
    assert_eq!(
        bad.fault_subcode(),
        Some("ter:ServiceNotSupported"),
        "{bad:?}"
    );

    assert_eq!(
        s.discovery_mode().await.unwrap(),
        DiscoveryMode::Discoverable
    );
    s.set_discovery_mode(DiscoveryMode::NonDiscoverable)
        .await
        .unwrap();
    assert_eq!(
        s.discovery_mode().await.unwrap(),
        DiscoveryMode::NonDiscoverable
    );
    assert!(!dev.is_discoverable());
    let opts = ProbeOptions {
        app_max_delay: Duration::from_millis(50),
        attempts: 2,
        ..ProbeOptions::default()
    };
    let round = probe_unicast(
        &[dev.discovery_addr().unwrap()],
        &opts,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    assert!(
        round.found.is_empty() && round.silent.len() == 1,
        "{round:?}"
    );

    let msg = s.reboot().await.unwrap();
    assert!(!msg.is_empty());
    // The simulated device answers first and goes away 300 ms later.
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(dev.is_rebooting());
    let during = s.device_information().await.unwrap_err();
    assert!(during.is_unreachable(), "{during:?}");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(
        s.device_information().await.is_ok(),
        "back after the reboot"
    );
    assert_eq!(dev.counters().reboots, 1);
}
