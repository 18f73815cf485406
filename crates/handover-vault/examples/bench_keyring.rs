//! Benchmark: how fast the OS keyring takes writes as the collection grows (OsKeyring puts, each a create
//! plus the findability attributes, then deletes), printed per step of 100 entries. On gnome-keyring every
//! change rewrites the whole collection file, so the cost of one write grows with the number of entries.
//!
//! ```text
//! cargo build --release -p handover-vault --example bench_keyring
//! bash scripts/with-keyring.sh target/release/examples/bench_keyring [ENTRIES]
//! ```

use std::time::Instant;

use handover_vault::{CredentialStore, EntryKey, OsKeyring, Slot};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let keyring = OsKeyring::open()?;
    let project = format!("bench-{}", std::process::id());
    let keys: Vec<EntryKey> = (0..n)
        .map(|i| EntryKey::device(&project, &format!("cam-{i}"), "admin", Slot::Current))
        .collect::<Result<_, _>>()?;
    println!("keyring: {}; {n} entries", keyring.vendor());
    let mut step = Instant::now();
    for (i, key) in keys.iter().enumerate() {
        keyring.put(key, &"Bench-Password-1".into())?;
        if (i + 1) % 100 == 0 {
            let per = step.elapsed().as_secs_f64() * 1000.0 / 100.0;
            println!(
                "entries {:>5}: put (create + attributes) {per:.1} ms",
                i + 1
            );
            step = Instant::now();
        }
    }
    let t = Instant::now();
    for key in &keys {
        keyring.put(key, &"Bench-Password-2".into())?;
    }
    println!(
        "overwrite in place at {n} entries: {:.1} ms per put",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let t = Instant::now();
    for key in &keys {
        keyring.delete(key)?;
    }
    println!(
        "delete from {n} entries down: {:.1} ms per delete",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    Ok(())
}
