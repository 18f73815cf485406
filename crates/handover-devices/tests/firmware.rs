//! Sending firmware to simulated devices through the product's own client: StartFirmwareUpgrade with a streamed
//! upload (HTTP and pinned HTTPS), UpgradeSystemFirmware as MTOM where that is all a device has, the device's
//! refusals (corrupted, another vendor's, another model's image) read as such, and the uplink's pace.

use handover_test_support::devices as common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use handover_devices::{Credentials, Uplink};
use handover_sim::{FaultSpec, SimDevice, Vendor};

async fn device(vendor: Vendor, model: &str, firmware: &str, faults: FaultSpec) -> SimDevice {
    SimDevice::builder()
        .vendor(vendor)
        .model(model)
        .firmware(firmware)
        .password("Held-Pass-1")
        .reboot_duration(Duration::from_millis(300))
        .faults(faults)
        .spawn()
        .await
        .unwrap()
}

/// A Hikvision camera on an outdated version.
async fn hik(faults: FaultSpec) -> SimDevice {
    device(
        Vendor::Hikvision,
        "DS-2CD2143G2-I",
        "V5.5.0 build 170725",
        faults,
    )
    .await
}

/// Its vendor's image of the baseline version.
fn hik_image(dir: &std::path::Path, payload: usize) -> std::path::PathBuf {
    image_file(
        dir,
        "digicap.dav",
        &handover_sim::firmware::image("Hikvision", "DS-2CD2*", "V5.7.23 build 240618", payload),
    )
}

fn image_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Sends `img` to `dev` at `xaddr` as `user` with the held password.
async fn send(
    client: &handover_devices::DeviceClient,
    xaddr: &str,
    user: &str,
    password: &str,
    img: &std::path::Path,
    uplink: u64,
) -> handover_devices::Result<handover_devices::FirmwareSent> {
    let s = client
        .session(xaddr, Some(Credentials::new(user, password)))
        .unwrap();
    client
        .send_firmware(&s, img, &Arc::new(Uplink::new(uplink)))
        .await
}

async fn back(dev: &SimDevice) {
    let t = Instant::now();
    while dev.is_rebooting() || dev.counters().reboots == 0 {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the device did not reboot and come back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_image_goes_up_through_the_upload_uri_and_the_device_runs_it() {
    let dir = tempfile::tempdir().unwrap();
    let dev = hik(FaultSpec::default()).await;
    let img = hik_image(dir.path(), 300_000);
    let client = common::client();
    let sent = send(&client, &dev.xaddr(), "admin", "Held-Pass-1", &img, 0)
        .await
        .unwrap();
    assert_eq!(sent.method, "StartFirmwareUpgrade");
    assert_eq!(sent.bytes, std::fs::metadata(&img).unwrap().len());
    assert_eq!(sent.expected_down, Some(Duration::from_secs(1)));
    back(&dev).await;
    assert_eq!(dev.firmware(), "V5.7.23 build 240618");
    assert_eq!(dev.firmware_upgrades(), 1);
}

#[tokio::test]
async fn over_https_the_upload_meets_the_pinned_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let dev = SimDevice::builder()
        .vendor(Vendor::Dahua)
        .model("IPC-HFW2431S-S-S2")
        .firmware("V2.800.0000000.16.R.200805")
        .password("Held-Pass-1")
        .https(true)
        .reboot_duration(Duration::from_millis(300))
        .spawn()
        .await
        .unwrap();
    let img = image_file(
        dir.path(),
        "dahua.bin",
        &handover_sim::firmware::image("Dahua", "IPC-HFW2*", "V2.820.0000000.5.R", 100_000),
    );
    let xaddr = dev.https_xaddr().unwrap();
    let client = common::client();
    client.pin_certificate(&xaddr, Some("00:11"));
    let e = send(&client, &xaddr, "admin", "Held-Pass-1", &img, 0)
        .await
        .unwrap_err();
    assert!(e.is_certificate_changed(), "{e}");
    assert_eq!(dev.counters().reboots, 0);
    client.pin_certificate(&xaddr, dev.tls_fingerprint());
    send(&client, &xaddr, "admin", "Held-Pass-1", &img, 0)
        .await
        .unwrap();
    back(&dev).await;
    assert_eq!(dev.firmware(), "V2.820.0000000.5.R");
}

#[tokio::test]
async fn a_device_with_only_upgrade_system_firmware_gets_it_as_mtom() {
    let dir = tempfile::tempdir().unwrap();
    let dev = device(
        Vendor::Bosch,
        "FLEXIDOME IP 5100i",
        "9.10.0018",
        FaultSpec::default(),
    )
    .await;
    let img = image_file(
        dir.path(),
        "bosch.fw",
        &handover_sim::firmware::image("Bosch", "FLEXIDOME*", "9.40.0025", 200_000),
    );
    let client = common::client();
    let sent = send(&client, &dev.xaddr(), "service", "Held-Pass-1", &img, 0)
        .await
        .unwrap();
    assert_eq!(sent.method, "UpgradeSystemFirmware");
    back(&dev).await;
    assert_eq!(dev.firmware(), "9.40.0025");
}

#[tokio::test]
async fn corrupted_and_foreign_images_are_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let dev = hik(FaultSpec::default()).await;
    let mut corrupted =
        handover_sim::firmware::image("Hikvision", "DS-2CD2*", "V5.7.23 build 240618", 50_000);
    corrupted[1000] ^= 0x40;
    let cases = [
        ("corrupted.dav", corrupted, "corrupted"),
        (
            "dahua.bin",
            handover_sim::firmware::image("Dahua", "IPC-HFW2*", "V2.820.0000000.5.R", 50_000),
            "vendor",
        ),
        (
            "nvr.dav",
            handover_sim::firmware::image("Hikvision", "DS-76*", "V4.74.105 build 240307", 50_000),
            "model",
        ),
        ("random.bin", vec![7u8; 50_000], "not a firmware image"),
    ];
    let client = common::client();
    for (name, bytes, says) in cases {
        let img = image_file(dir.path(), name, &bytes);
        let e = send(&client, &dev.xaddr(), "admin", "Held-Pass-1", &img, 0)
            .await
            .unwrap_err();
        assert!(e.is_image_refused(), "{name}: {e}");
        assert!(e.to_string().contains(says), "{name}: {e}");
    }
    assert_eq!(dev.counters().reboots, 0);
    assert_eq!(dev.firmware(), "V5.5.0 build 170725");
}

#[tokio::test]
async fn a_wrong_password_sends_no_image() {
    let dir = tempfile::tempdir().unwrap();
    let dev = hik(FaultSpec::default()).await;
    let img = hik_image(dir.path(), 10_000);
    let client = common::client();
    let e = send(&client, &dev.xaddr(), "admin", "not-it", &img, 0)
        .await
        .unwrap_err();
    assert!(e.is_auth_rejected(), "{e}");
    assert_eq!(dev.counters().reboots, 0);
}

#[tokio::test]
async fn the_uplink_paces_uploads_and_the_device_its_own_throughput() {
    let dir = tempfile::tempdir().unwrap();
    let img = hik_image(dir.path(), 1_000_000);
    // 1 MB through a 4 MB/s uplink: at least ~0.25 s.
    let dev = hik(FaultSpec::default()).await;
    let client = common::client();
    let t = Instant::now();
    send(
        &client,
        &dev.xaddr(),
        "admin",
        "Held-Pass-1",
        &img,
        4_000_000,
    )
    .await
    .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(230),
        "{:?}",
        t.elapsed()
    );
    // The device takes 2 MB/s: at least ~0.5 s.
    let slow = hik(FaultSpec {
        upload_bytes_per_sec: 2_000_000,
        ..FaultSpec::default()
    })
    .await;
    let t = Instant::now();
    send(&client, &slow.xaddr(), "admin", "Held-Pass-1", &img, 0)
        .await
        .unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(450),
        "{:?}",
        t.elapsed()
    );
}
