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
