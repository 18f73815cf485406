//! `handover verify --json` as a script reads it: one JSON document with the verdict, the inventory the
//! report carries and the whole verification, agreeing with the text form (headline, reason, site) and
//! ending with the same exit status, on a trusted, an unconfirmed and a tampered report. The reports are
//! signed in the test process (handover-report's sample model and a created CA), so no keyring is needed.

use std::path::Path;
use std::process::{Command, Output};

use handover_report::{RenderOptions, SigningIdentity, render, sample::sample_model, sign};
use rand::SeedableRng;

fn verify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_handover"))
        .arg("verify")
        .args(args)
        .env_remove("HANDOVER_PROJECT")
        .output()
        .expect("run handover")
}

/// (exit status, stdout) of the text form and (exit status, JSON) of `--json`, for the same arguments.
fn both(args: &[&str]) -> ((i32, String), (i32, serde_json::Value)) {
    let t = verify(args);
    let j = verify(&[args, &["--json"]].concat());
    let json = serde_json::from_slice(&j.stdout).unwrap_or_else(|e| {
        panic!(
            "--json is not JSON ({e}): {}",
            String::from_utf8_lossy(&j.stdout)
        )
    });
    (
        (
            t.status.code().unwrap(),
            String::from_utf8_lossy(&t.stdout).into_owned(),
        ),
        (j.status.code().unwrap(), json),
    )
}

/// A signed report of three devices and its CA's certificate, written into `dir`.
fn signed_report(dir: &Path) -> (Vec<u8>, String) {
    let now = time::macros::datetime!(2026-11-20 16:30 UTC);
    let model = sample_model(3, now);
    let pdf = render(&model, &RenderOptions::default()).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let (ca, id) =
        SigningIdentity::create_integrator_ca("Brightline", &model.site.integrator, now, &mut rng)
            .unwrap();
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, &ca.ca_cert_pem).unwrap();
    (
        sign(&pdf, &id, now).unwrap(),
        ca_path.to_string_lossy().into_owned(),
    )
}

/// The text headline each JSON verdict stands for.
fn headline(verdict: &serde_json::Value) -> &'static str {
    match verdict.as_str().unwrap() {
        "trusted" => "VALID AND TRUSTED",
        "intact_untrusted" => "INTACT, SIGNER NOT TRUSTED",
        "changed" => "CHANGED OR INVALID",
        "not_signed" => "NOT SIGNED",
        other => panic!("unknown verdict {other}"),
    }
}

#[test]
fn verify_json_agrees_with_the_text_on_trusted_unconfirmed_and_tampered_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (pdf, ca) = signed_report(dir.path());
    let good = dir.path().join("good.pdf");
    std::fs::write(&good, &pdf).unwrap();
    let mut flipped = pdf.clone();
    flipped[pdf.len() / 3] ^= 0x20;
    let tampered = dir.path().join("tampered.pdf");
    std::fs::write(&tampered, &flipped).unwrap();
    let good = good.to_str().unwrap();
    let tampered = tampered.to_str().unwrap();

    for (args, verdict, exit) in [
        (vec![good, "--trust", &ca], "trusted", 0),
        (vec![good], "intact_untrusted", 10),
        (vec![tampered, "--trust", &ca], "changed", 5),
    ] {
        let ((text_exit, text), (json_exit, json)) = both(&args);
        assert_eq!(json["verdict"], verdict, "{args:?}: {json:#}");
        assert_eq!((text_exit, json_exit), (exit, exit), "{args:?}\n{text}");
        assert_eq!(json["exit_status"], exit, "{args:?}");
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.contains(headline(&json["verdict"])),
            "{args:?}: the text says {first:?}, the JSON {}",
            json["verdict"]
        );
        if let Some(reason) = json["reason"].as_str() {
            assert!(text.contains(reason), "{args:?}: {reason:?} not in\n{text}");
        }
        // The inventory the report carries, whole, under every verdict; the text names its site.
        let inventory = &json["inventory"];
        assert_eq!(
            inventory["devices"].as_array().unwrap().len(),
            3,
            "{json:#}"
        );
        assert!(json["inventory_problem"].is_null(), "{json:#}");
        let site = inventory["site"]["name"].as_str().unwrap();
        assert!(text.contains(&format!("Contents  {site} by ")), "{text}");
        assert_eq!(json["detail"]["inventory"]["devices"], 3);
    }
}
