//! One session, shared the way the desktop app shares it: while a rotation runs on one thread (one camera
//! answering 1.5 s late, so the run lasts at least that long), another thread records a Hello and reads the
//! devices — neither waits for the rotation — and a second device workflow started meanwhile waits for the
//! first to end instead of interleaving with it. (The keyring is a test double; custody.rs uses the real one.)

use handover_test_support::engine as common;

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use handover_devices::discovery::hello::Announcement;
use handover_devices::discovery::{Method, Sighting as Seen};
use handover_engine::credentials::Custody;
use handover_engine::listen::{Heard, HelloChange};
use handover_engine::progress::{Progress, ProgressFn, silent};
use handover_sim::FaultSpec;
use handover_vault::PasswordPolicy;
use tokio_util::sync::CancellationToken;

fn newcomer() -> Announcement {
    let from: IpAddr = "127.0.0.250".parse().unwrap();
    Announcement::Hello(Seen {
        endpoint: "urn:uuid:5ea7ed00-0000-4000-8000-000000000001".into(),
        xaddrs: vec![format!("http://{from}/onvif/device_service")],
        scopes: vec!["onvif://www.onvif.org/name/Newcomer".into()],
        types: vec!["dn:NetworkVideoTransmitter".into()],
        address: from,
        method: Method::Hello,
    })
}

/// The custody context every run here uses: the test keyring, eight devices at once, plain HTTP accepted.
fn custody<'a>(cancel: &'a CancellationToken, progress: &'a ProgressFn) -> Custody<'a> {
    Custody {
        concurrency: 8,
        plain_http: true,
        cancel,
        progress,
    }
}

#[test]
fn the_listener_and_reads_go_on_while_a_rotation_runs() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (site, s) = rt.block_on(async {
        let (site, wsd) = common::demo_site().await;
        let (s, _) = common::discovered_demo(wsd, dir.path(), "shared").await;
        (site, s)
    });
    let s = Arc::new(s);
    let cancel = CancellationToken::new();
    let quiet = silent();
    let started = Arc::new(AtomicBool::new(false));
    // The moment of the rotation's last report: made inside `rotate`, while it still runs alone.
    let last_tick: Arc<Mutex<Option<Instant>>> = Arc::default();
    let (flag, tick) = (started.clone(), last_tick.clone());
    let progress: ProgressFn = Arc::new(move |_: &Progress| {
        *tick.lock().unwrap() = Some(Instant::now());
        flag.store(true, Ordering::SeqCst);
    });
    let found = rt.block_on(async {
        let cx = custody(&cancel, &quiet);
        s.find_defaults(&cx, &[]).await.unwrap()
    });
    assert!(found.defaults_found > 2, "{found:#?}");
    site.device("cam-dock-05").unwrap().set_faults(FaultSpec {
        latency_ms: 1500,
        ..FaultSpec::default()
    });

    let rotation_done = Arc::new(AtomicBool::new(false));
    let waited: Arc<Mutex<Option<Duration>>> = Arc::default();
    std::thread::scope(|scope| {
        let rotation = scope.spawn(|| {
            rt.block_on(async {
                let cx = custody(&cancel, &progress);
                let r = s.rotate(&cx, &PasswordPolicy::default(), &[]).await;
                rotation_done.store(true, Ordering::SeqCst);
                r
            })
        });
        // A second device workflow asked for meanwhile: it starts only once the rotation has ended.
        let second = scope.spawn(|| {
            while !started.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            let t = Instant::now();
            rt.block_on(async {
                let cx = custody(&cancel, &quiet);
                s.recover(&cx).await.unwrap();
            });
            let (finished, waited_for) = (Instant::now(), t.elapsed());
            let last = last_tick.lock().unwrap().expect("the rotation reported");
            assert!(
                last < finished,
                "recover finished before the rotation's last device was done"
            );
            assert!(
                waited_for > Duration::from_millis(500),
                "recover took {waited_for:?}: it did not wait for the slow camera's rotation"
            );
            *waited.lock().unwrap() = Some(waited_for);
        });

        while !started.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let t = Instant::now();
        let heard = s.record_announcement(&newcomer()).unwrap();
        let devices = s.devices().unwrap();
        let took = t.elapsed();
        assert!(
            !rotation_done.load(Ordering::SeqCst),
            "the rotation ended before the Hello was recorded; the test proves nothing"
        );
        assert!(
            took < Duration::from_millis(1000),
            "the Hello and the read waited {took:?} for the rotation"
        );
        assert!(
            matches!(
                heard,
                Heard::Hello {
                    change: HelloChange::New,
                    ..
                }
            ),
            "{heard:?}"
        );
        assert!(devices.iter().any(|d| d.name() == "Newcomer"));

        let r = rotation.join().unwrap().unwrap();
        assert_eq!(r.rotated, found.defaults_found, "{r:#?}");
        second.join().unwrap();
    });
    assert!(waited.lock().unwrap().is_some());
    assert!(
        s.verify_audit().unwrap().is_intact(),
        "interleaved writes keep one intact audit chain"
    );
}
