//! A project at the size of a real site for the grid's screenshot and timings in the real window: 2,000
//! cameras recorded straight into a project file with the engine's own API (one transaction, no network), over
//! four /22 VLANs, then the checks run so the step states vary as they do on site. It is not a simulated site:
//! nothing answers at these addresses, so the walk only looks at it.

use std::path::Path;

use handover_engine::{NewProject, Session};
use handover_model::{DeviceFacts, DeviceIdentity, Plan, Role, Site};
use handover_policy::checks::Settings;
use handover_store::devices::Sighting;

/// The plan: four camera VLANs of 1,022 addresses each.
const PLAN: &str = "vlan_id,name,subnet,gateway,roles\n\
    21,Cameras north,127.21.0.0/22,127.21.0.1,camera\n\
    22,Cameras south,127.22.0.0/22,127.22.0.1,camera\n\
    23,Cameras yard,127.23.0.0/22,127.23.0.1,camera\n\
    24,Cameras dock,127.24.0.0/22,127.24.0.1,camera\n";

/// Writes a project with `n` cameras at `path` and closes it (so the app can open it).
pub fn write(path: &Path, n: usize) {
    let plan = Plan::from_csv(PLAN.as_bytes()).expect("the big plan parses");
    let site = Site {
        name: format!("Campus ({n} cameras)"),
        technician: "Ana Lopez".into(),
        integrator: "Example Security".into(),
        ..Site::default()
    };
    let s = Session::create(
        NewProject {
            path: path.to_owned(),
            site,
            plan: Some((plan, "campus-plan.csv".into())),
        },
        handover_engine::Env::os(),
    )
    .expect("create the big project");
    let makers = [
        ("AXIS", "P3265-LVE", "10.12.5"),
        ("Hanwha Vision", "XNV-8080R", "2.21.00"),
        ("Dahua", "IPC-HFW2431S-S-S2", "2.800.0000000.21"),
        ("Bosch", "FLEXIDOME 5100i", "8.90.0030"),
    ];
    let batch = (0..n)
        .map(|i| {
            let (maker, model, fw) = makers[i % makers.len()];
            // Four VLANs in turn; every 97th camera outside the plan's subnets.
            let (vlan, host) = (if i % 97 == 0 { 25 } else { 21 + i % 4 }, i / 4);
            let address = format!("127.{vlan}.{}.{}", host / 250, host % 250 + 2);
            Sighting {
                identity: DeviceIdentity {
                    endpoint_ref: Some(format!("urn:uuid:campus-{i:05}")),
                    mac: format!(
                        "00:40:8c:{:02x}:{:02x}:{:02x}",
                        i >> 16,
                        (i >> 8) & 255,
                        i & 255
                    )
                    .parse()
                    .ok(),
                    serial: Some(format!("SN{i:06}")),
                },
                address: Some(address.parse().expect("an address")),
                method: None,
                device: None,
                role: Some(Role::camera()),
                facts: DeviceFacts {
                    manufacturer: Some(maker.into()),
                    model: Some(model.into()),
                    // Every fifth camera has firmware Handover could not read.
                    firmware: (i % 5 != 0).then(|| fw.into()),
                    discoverable: Some(i % 3 != 0),
                    ..DeviceFacts::default()
                },
            }
        })
        .collect();
    s.record_sightings(batch).expect("record the cameras");
    let settings = Settings {
        max_clock_skew_secs: 10,
        today: s.today(),
    };
    s.run_checks(&[], &settings).expect("run the checks");
}
