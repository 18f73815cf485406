//! Clones: two cameras shipped with one MAC (and so one serial), and two with one serial but their own MACs.
//! The whole job runs without a constraint error: each stays a device of its own, custody gives each its own
//! password (never a clone's), and the duplicates are findings naming both devices, in the checks and the
//! report.

use handover_test_support::engine as common;

use handover_model::{DeviceId, FindingStatus};
use handover_sim::{DeviceSpec, Role, SiteManifest, Vendor};
use handover_vault::PasswordPolicy;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

fn camera(name: &str, last: u8, mac: &str, serial: Option<&str>) -> DeviceSpec {
    let mut d = DeviceSpec::new(
        name,
        Vendor::Generic,
        Role::Camera,
        Ipv4Addr::new(127, 20, 0, last),
    );
    d.mac = Some(mac.into());
    d.serial = serial.map(Into::into);
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_are_findings_naming_both_and_never_share_a_password() {
    let mut manifest = SiteManifest::generated(0, Ipv4Addr::new(127, 20, 0, 10));
    manifest.devices = vec![
        camera("clone-a", 91, "02:00:5e:00:00:01", None),
        camera("clone-b", 92, "02:00:5e:00:00:01", None),
        camera("twin-a", 93, "02:00:5e:00:00:03", Some("TWIN-0001")),
        camera("twin-b", 94, "02:00:5e:00:00:04", Some("TWIN-0001")),
    ];
    let (site, s, _dir, kit) = common::discovered_site(manifest, "clones").await;
    let wsd = site.devices()[0].discovery_addr().unwrap().port();
    let cx = kit.custody();
    let f = s.find_defaults(&cx, &[]).await.unwrap();
    assert_eq!(f.defaults_found, 4, "{f:#?}");
    // A second discovery identifies them all again, with the passwords held: still four devices.
    s.discover(&common::unicast(wsd), &kit.cancel, &kit.progress)
        .await
        .unwrap();
    let r = s
        .rotate(&cx, &PasswordPolicy::default(), &[])
        .await
        .unwrap();
    assert_eq!(r.rotated, 4, "{r:#?}");

    let id_of: BTreeMap<String, DeviceId> = site
        .devices()
        .iter()
        .map(|h| {
            let d = s.device(common::id_at(&s, &site, h.name())).unwrap();
            assert_eq!(d.identity.mac.unwrap().to_string(), h.mac(), "{d:#?}");
            assert_eq!(d.identity.serial.as_deref(), Some(h.serial()), "{d:#?}");
            (h.name().to_owned(), d.id)
        })
        .collect();
    assert_eq!(s.devices().unwrap().len(), 4);
    let user = Vendor::Generic.personality().default_user;
    for h in site.devices() {
        let (_, pw) = s.reveal_password(id_of[h.name()], None).unwrap();
        assert!(h.check_password(user, pw.expose()), "{}", h.name());
        for other in site.devices().iter().filter(|o| o.name() != h.name()) {
            assert!(
                !other.check_password(user, pw.expose()),
                "{} was given {}'s password",
                other.name(),
                h.name()
            );
        }
    }

    // Findings naming both devices of each pair, kept through the checks and in the report.
    s.run_checks(&[], &common::settings(&s)).unwrap();
    let findings = s.findings().unwrap();
    let open = |check: &str, name: &str| {
        findings
            .iter()
            .find(|f| {
                f.check == check && f.device == id_of[name] && f.status == FindingStatus::Open
            })
            .unwrap_or_else(|| panic!("{check} on {name}: {findings:#?}"))
    };
    for (a, b) in [("clone-a", "clone-b"), ("clone-b", "clone-a")] {
        let f = open("identity.duplicate-mac", a);
        assert!(f.title.contains(&id_of[b].to_string()), "{f:?}");
        assert!(
            f.evidence.contains(&id_of[a].to_string())
                && f.evidence.contains(&id_of[b].to_string())
        );
    }
    for (a, b) in [
        ("twin-a", "twin-b"),
        ("twin-b", "twin-a"),
        ("clone-a", "clone-b"),
    ] {
        let f = open("identity.duplicate-serial", a);
        assert!(f.title.contains(&id_of[b].to_string()), "{f:?}");
    }
    assert!(
        !findings.iter().any(|f| f.check == "identity.duplicate-mac"
            && [id_of["twin-a"], id_of["twin-b"]].contains(&f.device)),
        "the twins have their own MACs"
    );
    let model = s.report_model(time::OffsetDateTime::now_utc()).unwrap();
    assert_eq!(model.devices.len(), 4);
    let in_report = model
        .findings
        .iter()
        .filter(|f| f.check.starts_with("identity.duplicate-"))
        .count();
    assert_eq!(in_report, 6, "{:#?}", model.findings);
}
