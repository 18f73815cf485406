//! The plain-text form of a verification for `handover verify` and logs: the verdict's
//! headline ([`Verdict`]'s `Display`) and the full report ([`Verification`]'s `Display`:
//! each check, why the signer is not trusted, the signer, the embedded inventory and any
//! problems, one fact per line). Every string from the file was made printable when read.

use super::{ChainStatus, Verdict, Verification};
use crate::twin::EMBEDDED_JSON_NAME;

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Trusted => {
                "VALID AND TRUSTED: the file is exactly as signed, by a signer that chains to a CA you trust"
            }
            Verdict::IntactUntrusted => {
                "INTACT, SIGNER NOT TRUSTED: the file is exactly as signed, but who signed it is not confirmed"
            }
            Verdict::Changed => {
                "CHANGED OR INVALID: the file was changed after signing, or the signature is broken"
            }
            Verdict::NotSigned => "NOT SIGNED: this PDF carries no handover signature",
        })
    }
}

/// A plain-text report for `handover verify`: the verdict, each check, the signer, the
/// embedded inventory and any problems, one fact per line.
impl std::fmt::Display for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let yes_no = |b: bool| if b { "yes" } else { "NO" };
        writeln!(f, "{}", self.verdict())?;
        writeln!(f, "  signed:                 {}", yes_no(self.signed))?;
        if self.signed {
            writeln!(
                f,
                "  signature valid:        {}",
                yes_no(self.signature_valid)
            )?;
            writeln!(
                f,
                "  digest matches:         {}",
                yes_no(self.digest_matches)
            )?;
            writeln!(
                f,
                "  whole file signed:      {}{}",
                yes_no(self.covers_whole_file),
                if self.appended_bytes > 0 {
                    format!(" ({} bytes appended)", self.appended_bytes)
                } else {
                    String::new()
                }
            )?;
            let chain = match &self.chain {
                ChainStatus::Trusted(ca) => format!("trusted (CA {ca})"),
                other => format!("NOT trusted: {}", other.reason().unwrap_or_default()),
            };
            writeln!(f, "  certificate chain:      {chain}")?;
            if let Some(s) = &self.signer {
                writeln!(f, "  signer:                 {}", s.subject)?;
                writeln!(f, "  issuer:                 {}", s.issuer)?;
                writeln!(
                    f,
                    "  valid:                  {} .. {}",
                    s.not_before, s.not_after
                )?;
                writeln!(f, "  SHA-256 fingerprint:    {}", s.sha256_fingerprint)?;
            }
            if let Some(t) = &self.signing_time {
                writeln!(f, "  signing time (/M):      {t}")?;
            }
            if let Some(h) = &self.audit_head {
                let agrees = if h.matches() {
                    "as the embedded inventory claims"
                } else {
                    "NOT as the embedded inventory claims"
                };
                writeln!(f, "  audit log head:         {} ({agrees})", h.claimed)?;
            }
        }
        if let Some(inv) = &self.inventory {
            writeln!(f, "inventory (embedded {EMBEDDED_JSON_NAME}):")?;
            writeln!(f, "  project:                {}", inv.project_id)?;
            writeln!(f, "  site:                   {}", inv.site)?;
            writeln!(f, "  generated at:           {}", inv.generated_at)?;
            writeln!(
                f,
                "  devices / VLANs:        {} / {}",
                inv.devices, inv.vlans
            )?;
            writeln!(
                f,
                "  open findings / waivers: {} / {}",
                inv.open_findings, inv.waivers
            )?;
        }
        for r in &self.untrusted_because {
            writeln!(f, "not trusted: {r}")?;
        }
        for p in &self.problems {
            writeln!(f, "problem: {p}")?;
        }
        Ok(())
    }
}
