//! `handover credentials rotate` on a site where one device cannot change passwords over ONVIF (it answers
//! SetUser with "Action not supported"): the run rotates the others, names that device's own outcome with what to
//! do next, and ends with exit status 11 (README's table) — in text and in `--json` — until the technician has
//! changed it with the vendor's tool and handed the password over with `credentials set`. The simulated site runs
//! as its own process (`handover-sim --manifest`) on loopback addresses of its own. Runs under
//! scripts/with-keyring.sh (the vault key lives in the OS keyring).

use handover_system_tests::{Sim, demo_plan, handover, keyring_or_skip, text};

const STATUS: &str = "127.0.0.1:18163";
const MANIFEST: &str = r#"
[site]
name = "No SetUser"

[[device]]
name = "no-setuser"
vendor = "generic"
role = "camera"
address = "127.63.0.10"
faults = { set_user_unsupported = true }

[[device]]
name = "normal"
vendor = "generic"
role = "camera"
address = "127.63.0.11"
"#;

#[test]
fn a_device_that_cannot_change_passwords_over_onvif_ends_rotation_with_exit_11() {
    if !keyring_or_skip(
        "a_device_that_cannot_change_passwords_over_onvif_ends_rotation_with_exit_11",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("site.toml");
    std::fs::write(&manifest, MANIFEST).unwrap();
    let _sim = Sim::start(&manifest, STATUS);
    let (p, data) = (dir.path().join("site.handover"), dir.path().join("data"));
    let o = handover(
        &p,
        &data,
        &[
            "init",
            "--name",
            "No SetUser",
            "--technician",
            "Ana",
            "--plan",
            demo_plan().as_str(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = handover(
        &p,
        &data,
        &[
            "discover",
            "--no-multicast",
            "--no-plan-sweep",
            "--sweep",
            "127.63.0.0/24",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Found 2 devices"), "{}", text(&o));
    let o = handover(&p, &data, &["credentials", "find-defaults"]);
    assert!(o.status.success(), "{}", text(&o));

    let o = handover(&p, &data, &["credentials", "rotate", "--allow-plain-http"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(11), "{out}");
    for words in [
        "cannot-rotate-default",
        "cannot change passwords over ONVIF",
        "vendor's tool",
        "handover credentials set --device",
        "Rotated 1;",
        "cannot rotate over ONVIF 1;",
    ] {
        assert!(out.contains(words), "{words:?} missing:\n{out}");
    }
    assert!(!out.contains("rolled-back"), "{out}");

    // Still on its default: asked again, the same outcome and status, in --json too.
    let o = handover(
        &p,
        &data,
        &["--json", "credentials", "rotate", "--allow-plain-http"],
    );
    assert_eq!(o.status.code(), Some(11), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cannot_rotate"], 1, "{v:#}");
    assert_eq!(v["cannot_rotate_default"], 1, "{v:#}");
}
