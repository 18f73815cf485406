//! Benchmark: render and sign reports of 100, 1,000 and 5,000 devices and PRINT the
//! figures — render time, sign time, verify time, file size and peak RSS (VmHWM from
//! /proc/self/status, Linux only). Target for 5,000 devices: render + sign ≤ 3 s and
//! ≤ 300 MB. Run with `cargo run --release -p handover-report --example bench [SIZES…]`.
//! Sizes run in increasing order in one process, so VmHWM after each size is the peak so far.

use std::time::Instant;

use handover_report::{
    RenderOptions, SigningIdentity, TrustedCert, render, sample::sample_model, sign, verify,
};
use rand::SeedableRng;

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|s| s.parse())
        .collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        sizes = vec![100, 1_000, 5_000];
    }
    sizes.sort_unstable();
    let clock = time::macros::datetime!(2026-11-20 16:30 UTC);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let (ca, id) = SigningIdentity::create_integrator_ca(
        "Bench",
        "Brightline Security Systems",
        clock,
        &mut rng,
    )?;
    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes())?;
    println!(
        "devices | pages | render ms | sign ms | render+sign ms | verify ms | file KiB | peak RSS MiB"
    );
    println!(
        "--------|-------|-----------|---------|----------------|-----------|----------|-------------"
    );
    for n in sizes {
        let model = sample_model(n, clock);
        let opts = RenderOptions {
            document_id: format!("bench-{n}"),
            ..RenderOptions::default()
        };
        let t0 = Instant::now();
        let pdf = render(&model, &opts)?;
        let t_render = t0.elapsed();
        let t1 = Instant::now();
        let signed = sign(&pdf, &id, clock)?;
        let t_sign = t1.elapsed();
        let t2 = Instant::now();
        let v = verify(&signed, &anchors, clock);
        let t_verify = t2.elapsed();
        assert_eq!(
            v.verdict(),
            handover_report::Verdict::Trusted,
            "{:?}",
            v.reason()
        );
        let pages = lopdf::Document::load_mem(&signed)?.get_pages().len();
        println!(
            "{:>7} | {:>5} | {:>9.0} | {:>7.0} | {:>14.0} | {:>9.0} | {:>8} | {:>11}",
            n,
            pages,
            t_render.as_secs_f64() * 1e3,
            t_sign.as_secs_f64() * 1e3,
            (t_render + t_sign).as_secs_f64() * 1e3,
            t_verify.as_secs_f64() * 1e3,
            signed.len() / 1024,
            vm_hwm_kib()
                .map(|k| format!("{:.1}", k as f64 / 1024.0))
                .unwrap_or_else(|| "n/a".into()),
        );
    }
    Ok(())
}
