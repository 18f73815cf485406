//! Files the walk needs: a signed handover PDF made with handover-report's own API (a sample model, a fresh
//! integrator CA), its tampered twin (one byte flipped inside the signed range), and a plan CSV with an error.

use std::path::{Path, PathBuf};

use handover_report::{RenderOptions, SigningIdentity, render, sign};
use rand::SeedableRng;

/// Paths written into `dir`.
pub struct Fixtures {
    pub signed: PathBuf,
    pub tampered: PathBuf,
    pub ca_pem: PathBuf,
    pub bad_plan: PathBuf,
}

pub fn write(dir: &Path) -> Fixtures {
    let now = time::OffsetDateTime::now_utc();
    let model = handover_report::sample::sample_model(12, now);
    let pdf = render(&model, &RenderOptions::default()).expect("render");
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let (ca, id) =
        SigningIdentity::create_integrator_ca("Ana Lopez", "Example Security", now, &mut rng)
            .expect("identity");
    let signed = sign(&pdf, &id, now).expect("sign");
    let mut tampered = signed.clone();
    tampered[pdf.len() / 2] ^= 0x01;
    let f = Fixtures {
        signed: dir.join("handover-report.pdf"),
        tampered: dir.join("handover-report-tampered.pdf"),
        ca_pem: dir.join("integrator-ca.pem"),
        bad_plan: dir.join("bad-plan.csv"),
    };
    std::fs::write(&f.signed, &signed).unwrap();
    std::fs::write(&f.tampered, &tampered).unwrap();
    std::fs::write(&f.ca_pem, ca.ca_cert_pem.as_bytes()).unwrap();
    std::fs::write(
        &f.bad_plan,
        "vlan_id,name,subnet,gateway,roles\n20,Cameras,10.20.0.0/24,10.20.0.1,camera\n30,Doors,10.30.0.0/33,10.30.0.1,access-control\n",
    )
    .unwrap();
    f
}

/// A project with the demo plan and five devices recorded through the engine (as discovery would), one of
/// them outside the plan, so the devices grid, the detail panel and the checks have something to show.
/// The session is dropped before returning, so the app can open the file.
pub fn populated_project(dir: &Path, plan_csv: &Path) -> PathBuf {
    use std::sync::Arc;

    use handover_engine::model::{
        DeviceFacts, DeviceIdentity, DiscoveryMethod, MacAddr, Role, Site, SystemClock,
    };
    use handover_engine::store::devices::Sighting;
    use handover_engine::{NewProject, Session};

    let path = dir.join("riverside-dc.handover");
    let plan = handover_engine::read_plan_csv(plan_csv).expect("demo plan");
    let site = Site {
        name: "Riverside DC".into(),
        customer: "Riverside Logistics".into(),
        address: "4 Quay Street".into(),
        integrator: "Example Security".into(),
        technician: "Ana Lopez".into(),
    };
    let mut s = Session::create(
        NewProject {
            path: path.clone(),
            site,
            plan: Some((plan, "plan.csv".into())),
        },
        Arc::new(SystemClock),
    )
    .expect("create");
    let devices: [(&str, &str, &str, &str, &str, Role); 5] = [
        (
            "127.20.0.11",
            "cam-lobby",
            "Axis",
            "P3245-LVE",
            "10.12.182",
            Role::camera(),
        ),
        (
            "127.20.0.12",
            "cam-dock",
            "Hanwha",
            "XNV-8080R",
            "2.10.01",
            Role::camera(),
        ),
        (
            "127.20.0.5",
            "nvr-1",
            "Milestone",
            "Husky IVO 350T",
            "2023 R3",
            Role::nvr(),
        ),
        (
            "127.30.0.21",
            "door-main",
            "HID",
            "VertX EVO V2000",
            "3.7.1.1",
            Role::access_control(),
        ),
        (
            "127.99.0.5",
            "intercom-gate",
            "2N",
            "IP Verso",
            "2.41.0",
            Role::try_from("intercom".to_string()).unwrap(),
        ),
    ];
    for (i, (addr, host, maker, model, fw, role)) in devices.into_iter().enumerate() {
        let n = u8::try_from(i).unwrap() + 1;
        // The store's Sighting is gaining fields (e.g. the device an identification is about): default the rest.
        #[allow(clippy::needless_update)]
        let sighting = Sighting {
            identity: DeviceIdentity {
                endpoint_ref: None,
                mac: Some(MacAddr([0x00, 0x40, 0x8c, 0x10, 0x20, n])),
                serial: Some(format!("SN-{n:04}")),
            },
            address: Some(addr.parse().unwrap()),
            method: Some(DiscoveryMethod::Manual),
            facts: DeviceFacts {
                manufacturer: Some(maker.into()),
                model: Some(model.into()),
                firmware: Some(fw.into()),
                hostname: Some(host.into()),
                protocols: vec!["http".into(), "rtsp".into()],
                ..DeviceFacts::default()
            },
            role: Some(role),
            ..Sighting::default()
        };
        s.record_sighting(sighting).expect("record a device");
    }
    drop(s);
    path
}
