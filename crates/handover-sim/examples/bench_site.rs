//! Benchmark: starts a 5,000-device site in one process and prints start time, memory, and requests per
//! second on loopback (unauthenticated GetSystemDateAndTime and WS-UsernameToken GetDeviceInformation,
//! keep-alive, 64 concurrent clients), plus a unicast WS-Discovery sweep. Run with
//! `cargo run --release -p handover-sim --example bench_site [-- DEVICES] [--single-address]`. Prints figures; asserts
//! nothing (these machines are shared and noisy).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use handover_sim::{SimSite, SiteManifest, SpawnOptions};
use http_body_util::{BodyExt as _, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpStream, UdpSocket};

fn rss_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn soap(body: &str, header: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

fn wsse(user: &str, password: &str) -> String {
    let nonce: [u8; 16] = rand::random();
    let created = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let digest = handover_sim::auth::wsse::digest(&nonce, &created, password);
    format!(
        r#"<Security xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken><Username>{user}</Username><Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">{digest}</Password><Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">{}</Nonce><Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">{created}</Created></UsernameToken></Security>"#,
        base64::engine::general_purpose::STANDARD.encode(nonce)
    )
}

async fn client(addr: SocketAddr, requests: usize, auth: bool) -> usize {
    let Ok(stream) = TcpStream::connect(addr).await else {
        return 0;
    };
    let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
    else {
        return 0;
    };
    tokio::spawn(conn);
    let mut ok = 0;
    for _ in 0..requests {
        let body = if auth {
            soap("<tds:GetDeviceInformation/>", &wsse("admin", "admin"))
        } else {
            soap("<tds:GetSystemDateAndTime/>", "")
        };
        let req = Request::post(format!("http://{addr}/onvif/device_service"))
            .header("content-type", "application/soap+xml; charset=utf-8")
            .header("host", addr.to_string())
            .body(Full::new(Bytes::from(body)))
            .expect("request");
        let Ok(resp) = sender.send_request(req).await else {
            break;
        };
        let status = resp.status();
        if resp.into_body().collect().await.is_ok() && status.is_success() {
            ok += 1;
        }
    }
    ok
}

async fn throughput(
    site: &SimSite,
    clients: usize,
    per_client: usize,
    auth: bool,
) -> (usize, Duration) {
    let n = site.devices().len();
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let addr = site.devices()[(c * n / clients) % n].http_addr();
            tokio::spawn(client(addr, per_client, auth))
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += t.await.unwrap_or(0);
    }
    (ok, start.elapsed())
}

async fn probe_sweep(site: &SimSite) -> (usize, Duration) {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("udp");
    let probe = r#"<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header><a:MessageID>urn:uuid:bench</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header><s:Body><d:Probe/></s:Body></s:Envelope>"#;
    let start = Instant::now();
    let targets: Vec<SocketAddr> = site
        .devices()
        .iter()
        .filter_map(|d| d.discovery_addr())
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut buf = vec![0u8; 16 * 1024];
    for chunk in targets.chunks(250) {
        for t in chunk {
            let _ = sock.send_to(probe.as_bytes(), t).await;
        }
        // Drain what has arrived so the receive buffer does not overflow.
        while let Ok(Ok((_, from))) =
            tokio::time::timeout(Duration::from_millis(1), sock.recv_from(&mut buf)).await
        {
            seen.insert(from);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while seen.len() < targets.len() && Instant::now() < deadline {
        if let Ok(Ok((_, from))) =
            tokio::time::timeout(Duration::from_millis(200), sock.recv_from(&mut buf)).await
        {
            seen.insert(from);
        }
    }
    (seen.len(), start.elapsed())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let devices: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(5000);
    let single = args.iter().any(|a| a == "--single-address");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let rss0 = rss_kib("VmRSS:");
        let manifest = SiteManifest::generated(devices, Ipv4Addr::new(127, 50, 0, 10));
        let base = if single { SpawnOptions::single_address() } else { SpawnOptions::ephemeral() };
        let opts = SpawnOptions { status: None, ..base };
        let start = Instant::now();
        let site = SimSite::spawn(manifest, opts).await.expect("site starts");
        let spawn_time = start.elapsed();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let rss1 = rss_kib("VmRSS:");
        println!("devices: {devices} ({})", if single { "all on 127.0.0.1, own ports" } else { "one 127.50.x.y address each" });
        println!("start time: {:.3} s", spawn_time.as_secs_f64());
        println!(
            "memory: RSS {:.1} MiB after start ({:.1} MiB before; {:.1} KiB per device)",
            rss1 as f64 / 1024.0,
            rss0 as f64 / 1024.0,
            (rss1.saturating_sub(rss0)) as f64 / devices as f64
        );
        let (ok, t) = throughput(&site, 64, 300, false).await;
        println!("GetSystemDateAndTime: {ok} requests in {:.2} s = {:.0} req/s (64 keep-alive clients)", t.as_secs_f64(), ok as f64 / t.as_secs_f64());
        let (ok, t) = throughput(&site, 64, 300, true).await;
        println!("GetDeviceInformation (WS-UsernameToken): {ok} requests in {:.2} s = {:.0} req/s", t.as_secs_f64(), ok as f64 / t.as_secs_f64());
        let (found, t) = probe_sweep(&site).await;
        println!("unicast WS-Discovery sweep: {found}/{devices} ProbeMatches in {:.2} s (APP_MAX_DELAY 500 ms)", t.as_secs_f64());
        println!("peak RSS (VmHWM): {:.1} MiB", rss_kib("VmHWM:") as f64 / 1024.0);
    });
}
