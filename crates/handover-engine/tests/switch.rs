//! Asking the simulated switch over SNMP (its agent is async-snmp's): v2c and v3 authPriv locate every device
//! with a known MAC on its port and VLAN; a wrong community, wrong v3 passwords and a switch that does not
//! answer are each reported with what to check, and nothing is recorded from them.

use handover_test_support::engine as common;

use handover_engine::switch::SwitchCredentials;
use handover_vault::SecretString;

fn s(v: &str) -> SecretString {
    SecretString::new(v.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switch_locates_devices_and_bad_credentials_are_named() {
    let (site, wsd) = common::demo_site().await;
    let dir = tempfile::tempdir().unwrap();
    // MACs come from identification; without credentials only some devices tell theirs.
    let (sess, with_mac) = common::discovered_demo(wsd, dir.path(), "switch").await;

    // A test double stands in for the keyring here: this test is about SNMP, and the keyring is exercised
    // for real by the custody and CLI tests.
    let addr = site.switch_addr().unwrap().to_string();
    let spec = site.switch_spec().unwrap().clone();

    // Wrong credentials first: each is reported, nothing is located.
    sess.add_switch(
        "core-sw",
        &addr,
        &SwitchCredentials::V2c(s("not-the-community")),
    )
    .unwrap();
    let r = sess.query_switches().await.unwrap();
    assert_eq!((r.answered, r.located), (0, 0), "{r:?}");
    assert!(
        r.failed[0].1.contains("did not answer SNMP") && r.failed[0].1.contains("community"),
        "{r:?}"
    );

    let wrong_v3 = SwitchCredentials::V3 {
        user: spec.v3_user.clone(),
        auth: s("wrong-auth-pass"),
        privacy: s(&spec.v3_priv_password),
    };
    sess.add_switch("core-sw", &addr, &wrong_v3).unwrap();
    let r = sess.query_switches().await.unwrap();
    assert_eq!(r.answered, 0, "{r:?}");

    // A switch that does not answer at all (nothing listens there).
    let silent_addr = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    sess.add_switch(
        "core-sw",
        &silent_addr,
        &SwitchCredentials::V2c(s(&spec.community)),
    )
    .unwrap();
    let r = sess.query_switches().await.unwrap();
    assert_eq!(r.answered, 0, "{r:?}");

    // The right v2c community, then v3 authPriv: every device with a known MAC is located.
    sess.add_switch(
        "core-sw",
        &addr,
        &SwitchCredentials::V2c(s(&spec.community)),
    )
    .unwrap();
    let r = sess.query_switches().await.unwrap();
    assert_eq!(
        (r.answered, r.located, r.not_seen),
        (1, with_mac, 0),
        "{r:?}"
    );
    let v3 = SwitchCredentials::V3 {
        user: spec.v3_user.clone(),
        auth: s(&spec.v3_auth_password),
        privacy: s(&spec.v3_priv_password),
    };
    sess.add_switch("core-sw", &addr, &v3).unwrap();
    let r = sess.query_switches().await.unwrap();
    assert_eq!((r.answered, r.located), (1, with_mac), "{r:?}");

    // The recorded ports match the simulator's wiring, misplacements included.
    for (name, port, vlan, wired_port, wired_vlan) in common::located_vs_wiring(&sess, &site) {
        assert_eq!(port, wired_port.to_string(), "{name}");
        if let Some(v) = wired_vlan {
            assert_eq!(vlan, v, "{name}");
        }
    }
}
