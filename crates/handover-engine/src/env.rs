//! What the engine needs from the machine it runs on, opened the same way for every front end: the OS keyring
//! (with the engine's error codes when it is locked or missing).

use std::sync::Arc;

use handover_vault::{CredentialStore, OsKeyring};

use crate::error::Result;

/// Devices worked on at once by custody, fixes and identification in every front end (each device still sees
/// one request at a time). At 50 ms of latency, 64 keeps a 1,000-device job within a minute (BENCHMARKS.md,
/// whole job).
pub const DEVICES_AT_ONCE: usize = 64;

/// The OS keyring; locked or unreachable is a `keyring-unavailable` error that says to unlock or start it.
pub fn os_keyring() -> Result<OsKeyring> {
    Ok(OsKeyring::open()?)
}

/// The OS keyring, shared, as workflows take it.
pub fn shared_keyring() -> Result<Arc<dyn CredentialStore>> {
    Ok(Arc::new(os_keyring()?))
}

/// Whether the OS keyring can hold secrets now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum KeyringState {
    /// Reachable and unlocked.
    Ready,
    /// Reachable but locked.
    Locked,
    /// Not reachable at all.
    Unavailable,
}

/// The OS keyring's state with a line for people.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyringStatus {
    /// The state.
    pub state: KeyringState,
    /// Which store, or what is wrong.
    pub message: String,
}

/// Probes the OS keyring (never prompts).
pub fn keyring_status() -> KeyringStatus {
    let (state, message) = match OsKeyring::open() {
        Ok(k) => (
            KeyringState::Ready,
            format!("Keyring ready ({})", k.display_name()),
        ),
        Err(e) if e.is_locked() => (KeyringState::Locked, format!("Keyring locked: {e}")),
        Err(e) => (
            KeyringState::Unavailable,
            format!("Keyring unavailable: {e}"),
        ),
    };
    KeyringStatus { state, message }
}
