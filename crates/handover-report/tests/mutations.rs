//! 500 random single-byte mutations of a signed, trusted report: every mutation of a byte the signature
//! covers makes `verify` say something other than "valid and trusted" (a non-zero exit in the CLI); none
//! panics, none takes more than 5 s, and the whole run stays under 300 MB. The seed is printed and can be
//! set with `HANDOVER_MUTATION_SEED` to replay a run; `HANDOVER_MUTATIONS` sets how many.

use handover_test_support::report as common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use common::*;
use handover_report::{TrustedCert, Verdict, sign, verify};

/// The signed byte ranges of a PDF, from its (last) `/ByteRange [a b c d]`.
fn signed_ranges(pdf: &[u8]) -> [(usize, usize); 2] {
    let key = b"/ByteRange";
    let at = pdf
        .windows(key.len())
        .rposition(|w| w == key)
        .expect("a signed PDF has a ByteRange");
    let rest = &pdf[at + key.len()..];
    let close = rest.iter().position(|&b| b == b']').unwrap();
    let nums: Vec<usize> = std::str::from_utf8(&rest[..close])
        .unwrap()
        .trim_start_matches([' ', '['])
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    [(nums[0], nums[0] + nums[1]), (nums[2], nums[2] + nums[3])]
}

/// The process's peak resident memory in MiB (Linux), if known.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// A small deterministic generator (xorshift64*), so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn every_mutation_of_a_signed_byte_is_caught_and_none_panics() {
    let (ca, id) = identity(21);
    let signed = sign(&render_n(12), &id, clock()).expect("sign");
    let anchors = TrustedCert::from_pem(ca.ca_cert_pem.as_bytes()).unwrap();
    assert_eq!(
        verify(&signed, &anchors, clock()).verdict(),
        Verdict::Trusted,
        "the unmutated report is the baseline"
    );
    let ranges = signed_ranges(&signed);
    let covered = |i: usize| ranges.iter().any(|&(a, b)| (a..b).contains(&i));
    let seed: u64 = std::env::var("HANDOVER_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026_1207);
    let runs: usize = std::env::var("HANDOVER_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    println!("mutation seed {seed}, {runs} runs");
    let mut rng = Rng(seed | 1);
    let (mut in_signed, mut slowest) = (0, Duration::ZERO);
    for run in 0..runs {
        let at = (rng.next() % signed.len() as u64) as usize;
        let flip = (rng.next() % 255 + 1) as u8;
        let mut bytes = signed.clone();
        bytes[at] ^= flip;
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            verify(&bytes, &anchors, clock()).verdict()
        }));
        let took = started.elapsed();
        slowest = slowest.max(took);
        let verdict = outcome.unwrap_or_else(|_| {
            panic!("run {run}: verify panicked on byte {at} ^ {flip:#04x} (seed {seed})")
        });
        assert!(
            took < Duration::from_secs(5),
            "run {run}: byte {at} ^ {flip:#04x} took {took:?} (seed {seed})"
        );
        if covered(at) {
            in_signed += 1;
            assert_ne!(
                verdict,
                Verdict::Trusted,
                "run {run}: byte {at} ^ {flip:#04x} is signed, yet the report still verifies (seed {seed})"
            );
        }
    }
    let peak = peak_rss_mib();
    println!(
        "{in_signed} of {runs} mutations hit signed bytes; slowest verify {slowest:?}; peak RSS {peak:?} MiB"
    );
    assert!(in_signed > runs / 2, "most bytes of a report are signed");
    if let Some(mib) = peak {
        assert!(mib < 300, "peak resident memory {mib} MiB");
    }
}
