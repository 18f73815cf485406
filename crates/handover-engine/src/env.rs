//! What the engine needs from the machine it runs on, given once when a project is opened ([`Env`]): the clock,
//! the shared device client, the OS keyring (with the engine's error codes when it is locked or missing), the
//! app's data folder (imported catalogs, the report CA) and the catalogs in use. Workflows take nothing of it
//! as arguments; front ends build [`Env::os`], tests and benchmarks give a clock, a keyring double or fixed
//! catalogs instead.

use std::path::PathBuf;
use std::sync::Arc;

use handover_devices::{ClientOptions, DeviceClient};
use handover_model::{Clock, SystemClock};
use handover_policy::Catalogs;
use handover_vault::{CredentialStore, OsKeyring};

use crate::error::Result;

/// Where the engine keeps the project's vault key.
#[derive(Clone)]
pub enum Keyring {
    /// The OS keyring, opened by a session's first use that reaches it (`Session::keyring`): a keyring locked at
    /// start and unlocked later works without reopening the project.
    Os,
    /// A given store (a test double, or a keyring the caller opened).
    Given(Arc<dyn CredentialStore>),
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Keyring::Os => "Keyring::Os",
            Keyring::Given(_) => "Keyring::Given",
        })
    }
}

/// The machine a session runs on, built once per open project.
#[derive(Clone)]
pub struct Env {
    /// Records and checks times (a fixed clock in tests).
    pub clock: Arc<dyn Clock>,
    /// The one HTTP client every device request goes through (certificate pins live on it).
    pub client: DeviceClient,
    /// Holds the project's vault key.
    pub keyring: Keyring,
    /// The app's data folder: imported catalogs, the report CA.
    pub data_dir: PathBuf,
    /// `None`: the built-in catalogs or newer signed ones imported into `data_dir`, checked again at each use
    /// (ignored files are audited). `Some`: exactly these (tests, benchmarks).
    pub catalogs: Option<Catalogs>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("keyring", &self.keyring)
            .field("data_dir", &self.data_dir)
            .field("fixed_catalogs", &self.catalogs.is_some())
            .finish_non_exhaustive()
    }
}

impl Env {
    /// What the shipped front ends use: the system clock, a device client with the default limits, the OS
    /// keyring, the app's data folder (`HANDOVER_DATA_DIR` or the OS's) and the catalogs in use there.
    pub fn os() -> Env {
        Env {
            clock: Arc::new(SystemClock),
            client: DeviceClient::new(ClientOptions::default()),
            keyring: Keyring::Os,
            data_dir: crate::catalogs::data_dir(),
            catalogs: None,
        }
    }

    /// The same environment with another keyring.
    #[must_use]
    pub fn with_keyring(mut self, store: Arc<dyn CredentialStore>) -> Env {
        self.keyring = Keyring::Given(store);
        self
    }

    /// The same environment with another device client.
    #[must_use]
    pub fn with_client(mut self, client: DeviceClient) -> Env {
        self.client = client;
        self
    }

    /// The same environment with another clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Env {
        self.clock = clock;
        self
    }

    /// The same environment with another data folder.
    #[must_use]
    pub fn with_data_dir(mut self, data_dir: PathBuf) -> Env {
        self.data_dir = data_dir;
        self
    }

    /// The same environment with fixed catalogs.
    #[must_use]
    pub fn with_catalogs(mut self, catalogs: Catalogs) -> Env {
        self.catalogs = Some(catalogs);
        self
    }

    /// A test environment: the system clock, a device client with the default limits, a fresh in-memory keyring,
    /// the built-in catalogs and the data folder `HANDOVER_DATA_DIR` names (or the OS's). Only with the
    /// `test-support` feature; the shipped front ends never see it.
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub fn for_tests() -> Env {
        Env::os()
            .with_keyring(Arc::new(handover_vault::MemoryStore::new()))
            .with_catalogs(Catalogs::built_in())
    }

    /// The keyring, opened now: a locked or unreachable OS keyring is a `keyring-unavailable` error that says
    /// to unlock or start it.
    pub fn keyring(&self) -> Result<Arc<dyn CredentialStore>> {
        match &self.keyring {
            Keyring::Os => Ok(Arc::new(os_keyring()?)),
            Keyring::Given(k) => Ok(k.clone()),
        }
    }
}

/// Devices worked on at once by custody, fixes and identification in every front end (each device still sees
/// one request at a time). At 50 ms of latency, 64 keeps a 1,000-device job within a minute (BENCHMARKS.md,
/// whole job).
pub const DEVICES_AT_ONCE: usize = 64;

/// The OS keyring; locked or unreachable is a `keyring-unavailable` error that says to unlock or start it.
pub fn os_keyring() -> Result<OsKeyring> {
    Ok(OsKeyring::open()?)
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
