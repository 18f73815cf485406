//! Handover's secrets layer: [`Secret`], the [`CredentialStore`] trait and its OS keyring implementation
//! [`OsKeyring`], the password policy and generator, and the encrypted KeePass export for IT.
//!
//! Architecture invariant: only this crate touches the keyring, and secrets leave it only through
//! [`Secret::expose`] at the point of use, the OS keyring, or the encrypted KDBX export. Nothing here writes a
//! secret in clear to a log, a project file or a plain-text export: secrets go into the project file only sealed
//! under the project's vault key ([`sealed`]), which lives only in the OS keyring. The keyring API is blocking: async callers use
//! `spawn_blocking`. There is no fallback store: a locked or missing keyring is an error that says what to do.
//!
//! Module map: [`secret`] (`Secret<T>`), [`sealed`] (`Sealer`: the per-project vault key held by the OS keyring,
//! and XChaCha20-Poly1305 sealing of every device and switch secret kept in the project file), [`entry`] (`EntryKey`, `Slot`, entry naming), [`store`] (the
//! `CredentialStore` trait), [`os_keyring`] (`OsKeyring`) over `platform` (per-OS keyring-core stores),
//! [`rotation`] (the keyring side of a journaled password rotation and its crash recovery), [`policy`]
//! (`PasswordPolicy`, alphabet and entropy), [`mod@generate`] (CSPRNG generator, URL helpers), [`export`] (KeePass
//! KDBX4 file for IT), [`error`] (`VaultError`), and `memory` (`MemoryStore`, a test double behind the
//! `test-support` feature).

pub mod entry;
pub mod error;
pub mod export;
pub mod generate;
pub mod os_keyring;
mod platform;
pub mod policy;
pub mod rotation;
pub mod sealed;
pub mod secret;
pub mod store;

#[cfg(any(test, feature = "test-support"))]
pub mod memory;

pub use entry::{EntryKey, EntryKind, SERVICE, Slot, names};
pub use error::{SealProblem, VaultError};
pub use export::{ExportAccount, ExportModel, KdfParams, export_kdbx};
pub use generate::{
    GeneratedPassword, Violation, check_password, generate, generate_os, percent_encode_userinfo,
    rtsp_url,
};
#[cfg(any(test, feature = "test-support"))]
pub use memory::MemoryStore;
pub use os_keyring::OsKeyring;
pub use policy::{CharClass, PasswordPolicy};
pub use sealed::Sealer;
pub use secret::{Secret, SecretBytes, SecretString};
pub use store::CredentialStore;
