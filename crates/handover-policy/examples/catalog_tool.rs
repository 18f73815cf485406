//! The catalog publisher's tool: make a signing key pair, and sign a catalog file (writes `FILE.sig`).
//! The private key never goes into the repository; only the `.pub` half ships in `assets/keys/`.
//!
//! ```text
//! cargo run -p handover-policy --example catalog_tool -- keygen PRIVATE.key PUBLIC.pub
//! cargo run -p handover-policy --example catalog_tool -- sign PRIVATE.key catalog.toml
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::SigningKey;
use handover_policy::catalog::signature::{TrustedKey, sign};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["keygen", private, public] => {
            let key = SigningKey::generate(&mut rand::rngs::OsRng);
            std::fs::write(private, format!("{}\n", STANDARD.encode(key.to_bytes())))?;
            let pubkey = TrustedKey::from_key(key.verifying_key()).to_text();
            std::fs::write(
                public,
                format!("# Handover catalog signing key (Ed25519 public key, base64)\n{pubkey}\n"),
            )?;
            println!("wrote {private} (keep it secret) and {public}");
        }
        ["sign", private, file] => {
            let raw: [u8; 32] = STANDARD
                .decode(std::fs::read_to_string(private)?.trim())?
                .try_into()
                .map_err(|_| "bad key")?;
            let key = SigningKey::from_bytes(&raw);
            let sig = sign(&std::fs::read(file)?, &key);
            std::fs::write(format!("{file}.sig"), sig)?;
            println!("wrote {file}.sig");
        }
        _ => return Err("usage: catalog_tool keygen PRIVATE PUBLIC | sign PRIVATE FILE".into()),
    }
    Ok(())
}
