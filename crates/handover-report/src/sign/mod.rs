//! Signing: identities (create an integrator CA, import PKCS#12, store/restore as bytes),
//! CMS SignedData for PAdES, and the PDF incremental update that carries the signature.
//! Verification lives in `verify.rs`.

pub mod cms;
pub mod identity;
pub mod pades;
pub mod pkcs12;
