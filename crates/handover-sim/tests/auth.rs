//! Authentication as devices do it: lockouts (Hanwha-like account lock, Hikvision-like client-address
//! block), the WS-Security Created window checked against the device's own skewed clock, and nonce
//! replay. Lock durations are shortened through the builder; the thresholds are the vendors'.

use handover_test_support::soap as common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use common::{call_digest, envelope, post, wsse, wsse_at};
use handover_sim::{SimDevice, Vendor};

const GET_INFO: &str = "<tds:GetDeviceInformation/>";

#[tokio::test]
async fn hanwha_locks_the_account_after_five_failures_for_its_lock_time() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Hanwha)
        .password("Hanwha-Pass1")
        .lockout_duration(Duration::from_millis(1500))
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    for i in 1..=4 {
        let r = post(a, &envelope(&wsse("admin", "guess"), GET_INFO)).await;
        assert!(r.is_fault("ter:NotAuthorized"), "attempt {i}: {}", r.body);
    }
    assert!(!dev.is_account_locked("admin"), "four failures do not lock");
    let r = post(a, &envelope(&wsse("admin", "Hanwha-Pass1"), GET_INFO)).await;
    assert_eq!(r.status, 200, "a success resets the count");
    for _ in 1..=5 {
        post(a, &envelope(&wsse("admin", "guess"), GET_INFO)).await;
    }
    assert!(dev.is_account_locked("admin"));
    assert_eq!(dev.counters().lockouts, 1);
    let r = post(a, &envelope(&wsse("admin", "Hanwha-Pass1"), GET_INFO)).await;
    assert!(
        r.is_fault("ter:NotAuthorized"),
        "locked: even the right password is refused"
    );
    assert_eq!(dev.counters().refused_while_locked, 1);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let r = post(a, &envelope(&wsse("admin", "Hanwha-Pass1"), GET_INFO)).await;
    assert_eq!(r.status, 200, "unlocked after the lock time: {}", r.body);
    assert_eq!(dev.counters().failed_logins, 9);
}

#[tokio::test]
async fn hikvision_blocks_the_client_address_not_the_account() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Hikvision)
        .password("Abcdef12")
        .lockout_duration(Duration::from_millis(1500))
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let me_ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    let me = Some(me_ip);
    let other = Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
    for _ in 0..5 {
        let r = call_digest(a, me, "admin", "wrong", GET_INFO, false).await;
        assert_eq!(r.status, 401);
    }
    assert!(dev.is_address_blocked(me_ip));
    let r = call_digest(a, me, "admin", "Abcdef12", GET_INFO, false).await;
    assert_eq!(r.status, 401, "blocked address: right password refused");
    let r = call_digest(a, other, "admin", "Abcdef12", GET_INFO, false).await;
    assert_eq!(r.status, 200, "another address is not blocked: {}", r.body);
    assert_eq!(dev.counters().lockouts, 1);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let r = call_digest(a, me, "admin", "Abcdef12", GET_INFO, true).await;
    assert_eq!(r.status, 200, "unblocked after the block time");
}

#[tokio::test]
async fn created_is_checked_against_the_device_clock() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Generic)
        .clock_skew_secs(3600)
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let r = post(a, &envelope(&wsse("admin", "admin"), GET_INFO)).await;
    assert!(
        r.is_fault("ter:NotAuthorized"),
        "signed with the laptop clock, an hour off: {}",
        r.body
    );
    assert_eq!(dev.counters().stale_created, 1);

    // Read the device clock first (pre-auth), then sign with it: accepted.
    let r = post(a, &envelope("", "<tds:GetSystemDateAndTime/>")).await;
    let f = |p: &[&str]| -> i64 {
        r.text(&[&["SystemDateAndTime", "UTCDateTime"][..], p].concat())
            .unwrap()
            .parse()
            .unwrap()
    };
    let device_now = time::PrimitiveDateTime::new(
        time::Date::from_calendar_date(
            f(&["Date", "Year"]) as i32,
            time::Month::try_from(f(&["Date", "Month"]) as u8).unwrap(),
            f(&["Date", "Day"]) as u8,
        )
        .unwrap(),
        time::Time::from_hms(
            f(&["Time", "Hour"]) as u8,
            f(&["Time", "Minute"]) as u8,
            f(&["Time", "Second"]) as u8,
        )
        .unwrap(),
    )
    .assume_utc();
    let skew = device_now - time::OffsetDateTime::now_utc();
    assert!(
        (skew.whole_seconds() - 3600).abs() <= 2,
        "device reports its skewed clock: {skew}"
    );
    let r = post(
        a,
        &envelope(&wsse_at("admin", "admin", device_now, b"nonce-1"), GET_INFO),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // The window is five minutes either side of the device clock.
    let r = post(
        a,
        &envelope(
            &wsse_at(
                "admin",
                "admin",
                device_now + time::Duration::minutes(4),
                b"nonce-2",
            ),
            GET_INFO,
        ),
    )
    .await;
    assert_eq!(r.status, 200, "inside the window");
    let r = post(
        a,
        &envelope(
            &wsse_at(
                "admin",
                "admin",
                device_now - time::Duration::minutes(6),
                b"nonce-3",
            ),
            GET_INFO,
        ),
    )
    .await;
    assert!(r.is_fault("ter:NotAuthorized"), "outside the window");
    assert_eq!(dev.counters().stale_created, 2);
}

#[tokio::test]
async fn a_reused_nonce_is_refused_and_does_not_lock_the_account() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Hanwha)
        .password("Hanwha-Pass1")
        .lockout_duration(Duration::from_secs(60))
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let captured = envelope(
        &wsse_at(
            "admin",
            "Hanwha-Pass1",
            time::OffsetDateTime::now_utc(),
            b"same-nonce-16byt",
        ),
        GET_INFO,
    );
    let r = post(a, &captured).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for _ in 0..6 {
        let r = post(a, &captured).await;
        assert!(
            r.is_fault("ter:NotAuthorized"),
            "replay refused: {}",
            r.body
        );
    }
    let c = dev.counters();
    assert_eq!(c.replayed_nonces, 6);
    assert_eq!(c.lockouts, 0);
    assert!(!dev.is_account_locked("admin"));
    let r = post(a, &envelope(&wsse("admin", "Hanwha-Pass1"), GET_INFO)).await;
    assert_eq!(r.status, 200, "a fresh nonce works");
}

#[tokio::test]
async fn a_replayed_http_digest_answer_is_refused() {
    let dev = SimDevice::builder()
        .vendor(Vendor::Hikvision)
        .password("Abcdef12")
        .spawn()
        .await
        .unwrap();
    let a = dev.http_addr();
    let first = post(a, &envelope("", GET_INFO)).await;
    assert_eq!(first.status, 401);
    let challenge = first
        .headers
        .get_all("www-authenticate")
        .iter()
        .next_back()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(challenge.contains("algorithm=MD5"), "{challenge}");
    let nonce = challenge
        .split("nonce=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let auth = |nc: &str| {
        use md5::Digest as _;
        let h = |s: String| hex::encode(md5::Md5::digest(s));
        let ha1 = h("admin:IP Camera(C1234):Abcdef12".to_string());
        let ha2 = h("POST:/onvif/device_service".to_string());
        let resp = h(format!("{ha1}:{nonce}:{nc}:abc:auth:{ha2}"));
        format!(
            r#"Digest username="admin", realm="IP Camera(C1234)", nonce="{nonce}", uri="/onvif/device_service", algorithm=MD5, response="{resp}", qop=auth, nc={nc}, cnonce="abc""#
        )
    };
    let send = |h: String| {
        let env = envelope("", GET_INFO);
        async move {
            common::post_from(a, None, &env, &[("authorization", h)])
                .await
                .unwrap()
                .status
        }
    };
    assert_eq!(send(auth("00000001")).await, 200);
    assert_eq!(
        send(auth("00000001")).await,
        401,
        "the same nonce count again is a replay"
    );
    assert_eq!(send(auth("00000002")).await, 200, "the next count is fine");
    assert_eq!(dev.counters().replayed_nonces, 1);
}
