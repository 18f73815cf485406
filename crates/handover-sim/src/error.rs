//! The crate's one error type: what can go wrong while loading a site manifest or bringing a simulated
//! site up (binding sockets, starting the SNMP agent). It is not used for protocol faults the simulated
//! devices send to clients: those are data (SOAP faults, HTTP statuses), not Rust errors.

use std::net::SocketAddr;

/// Everything that can fail in the simulator's public API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The manifest is not valid TOML or does not match the manifest schema.
    #[error("site manifest is not valid TOML: {0}")]
    ManifestToml(#[from] toml::de::Error),
    /// The manifest parsed, but its facts contradict each other (e.g. a planted fault that is not there).
    #[error("site manifest is inconsistent: {what}")]
    ManifestInvalid {
        /// Which rule was broken, naming the device.
        what: String,
    },
    /// A socket could not be bound (address in use, address not available, out of file descriptors).
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address that could not be bound.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Any other IO failure while running the site.
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    /// The SNMP agent library refused its configuration or failed to start.
    #[error("SNMP agent: {0}")]
    Snmp(#[from] Box<async_snmp::Error>),
    /// Deriving SNMPv3 keys failed.
    #[error("SNMPv3 key setup: {0}")]
    SnmpCrypto(#[from] async_snmp::CryptoError),
    /// Making the site's self-signed certificate or the TLS configuration failed.
    #[error("TLS setup: {0}")]
    Tls(String),
}

impl Error {
    /// True when the failure is a port or address already in use (another simulator is running).
    pub fn is_address_in_use(&self) -> bool {
        matches!(self, Error::Bind { source, .. } if source.kind() == std::io::ErrorKind::AddrInUse)
    }

    /// True when the manifest (TOML or its consistency) is at fault rather than the machine.
    pub fn is_manifest(&self) -> bool {
        matches!(self, Error::ManifestToml(_) | Error::ManifestInvalid { .. })
    }

    pub(crate) fn invalid(what: impl Into<String>) -> Self {
        Error::ManifestInvalid { what: what.into() }
    }
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
