//! Acceptance: a third-party ONVIF client (Python onvif-zeep with zeep's WS-UsernameToken, plus
//! `requests`' HTTP Digest for a digest-only device) reads device information from simulated devices
//! with the right password and is refused with a wrong one. The client lives in the venv that
//! scripts/setup-sim-tools.sh installs (/var/tmp/handover-tools, or $HANDOVER_TOOLS); without it the
//! test prints why it skips.

use std::path::PathBuf;
use std::time::Duration;

use handover_sim::{SimDevice, Vendor};

const SCRIPT: &str = r#"
import sys
host, port, user, pw, mode = sys.argv[1:6]
try:
    if mode == "zeep":
        from onvif import ONVIFCamera
        cam = ONVIFCamera(host, int(port), user, pw, adjust_time=True)
        info = cam.devicemgmt.GetDeviceInformation()
        print("OK|%s|%s|%s|%s" % (info.Manufacturer, info.Model, info.FirmwareVersion, info.SerialNumber))
    else:
        import requests
        from requests.auth import HTTPDigestAuth
        env = ('<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
               'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Body><tds:GetDeviceInformation/></s:Body></s:Envelope>')
        r = requests.post("http://%s:%s/onvif/device_service" % (host, port), data=env,
                          headers={"Content-Type": "application/soap+xml; charset=utf-8"},
                          auth=HTTPDigestAuth(user, pw), timeout=10)
        if r.status_code == 200:
            print("OK|" + r.text)
        else:
            print("REFUSED|%d" % r.status_code)
except Exception as e:
    print("REFUSED|%s|%s" % (type(e).__name__, e))
"#;

fn python() -> Option<PathBuf> {
    let tools = std::env::var_os("HANDOVER_TOOLS")
        .map_or_else(|| PathBuf::from("/var/tmp/handover-tools"), PathBuf::from);
    let py = tools.join("venv/bin/python");
    let ok = std::process::Command::new(&py)
        .args(["-c", "import onvif, zeep, requests"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(py)
}

async fn run(py: &PathBuf, dev: &SimDevice, user: &str, pw: &str, mode: &str) -> String {
    let addr = dev.http_addr();
    let out = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::process::Command::new(py)
            .args([
                "-c",
                SCRIPT,
                &addr.ip().to_string(),
                &addr.port().to_string(),
                user,
                pw,
                mode,
            ])
            .output(),
    )
    .await
    .expect("python client finishes")
    .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !stdout.is_empty(),
        "no output; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onvif_zeep_reads_device_information_and_is_refused_with_a_wrong_password() {
    let Some(py) = python() else {
        println!(
            "SKIP: onvif-zeep not installed; run scripts/setup-sim-tools.sh (installs into /var/tmp/handover-tools)"
        );
        return;
    };
    let dev = SimDevice::builder()
        .vendor(Vendor::Generic)
        .password("Zeep-Pass1")
        .spawn()
        .await
        .unwrap();
    let ok = run(&py, &dev, "admin", "Zeep-Pass1", "zeep").await;
    assert_eq!(
        ok,
        format!(
            "OK|Generic|{}|{}|{}",
            dev.model(),
            dev.firmware(),
            dev.serial()
        )
    );
    let refused = run(&py, &dev, "admin", "wrong-pass", "zeep").await;
    assert!(refused.starts_with("REFUSED"), "{refused}");
    assert!(dev.counters().failed_logins >= 1);

    // A device whose clock is two hours off: zeep's adjust_time reads the clock before signing.
    let skewed = SimDevice::builder()
        .vendor(Vendor::Generic)
        .clock_skew_secs(7200)
        .spawn()
        .await
        .unwrap();
    let ok = run(&py, &skewed, "admin", "admin", "zeep").await;
    assert!(ok.starts_with("OK|Generic|"), "{ok}");

    // Axis-like: authenticates every call, GetSystemDateAndTime and GetCapabilities included.
    let axis = SimDevice::builder()
        .vendor(Vendor::Axis)
        .password("Axis-Pass1")
        .spawn()
        .await
        .unwrap();
    let ok = run(&py, &axis, "root", "Axis-Pass1", "zeep").await;
    assert!(ok.starts_with("OK|AXIS|"), "{ok}");
    let refused = run(&py, &axis, "root", "pass", "zeep").await;
    assert!(refused.starts_with("REFUSED"), "{refused}");
    // ... so with its clock off, a client that signs the clock request itself cannot even start.
    axis.set_clock_skew(time::Duration::hours(2));
    let refused = run(&py, &axis, "root", "Axis-Pass1", "zeep").await;
    assert!(refused.starts_with("REFUSED"), "{refused}");
    assert!(axis.counters().stale_created >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_requests_http_digest_against_a_digest_only_device() {
    let Some(py) = python() else {
        println!("SKIP: the tools venv is not installed; run scripts/setup-sim-tools.sh");
        return;
    };
    let dev = SimDevice::builder()
        .vendor(Vendor::Hikvision)
        .password("Digest-Pass9")
        .spawn()
        .await
        .unwrap();
    let ok = run(&py, &dev, "admin", "Digest-Pass9", "digest").await;
    assert!(
        ok.starts_with("OK|") && ok.contains("<tds:Manufacturer>HIKVISION</tds:Manufacturer>"),
        "{ok}"
    );
    let refused = run(&py, &dev, "admin", "Wrong-Pass9", "digest").await;
    assert_eq!(refused, "REFUSED|401");
}
