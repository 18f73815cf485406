//! The crate's one error type: every way talking to a device can fail, each variant carrying the real
//! source error, with question methods (`is_timeout()`, `is_auth_rejected()`, `is_locked_out()`,
//! `fault_subcode()`) so callers branch on meaning, never on message text. It does not decide what a
//! failure means for the job: check outcomes are data elsewhere.

use std::time::Duration;

use crate::onvif::fault::SoapFault;

/// Boxed source error for parse failures from the ONVIF layer (its own types stay private).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong talking to devices.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The address or URL given could not be used.
    #[error("invalid device address {input:?}")]
    InvalidAddress {
        /// What was given.
        input: String,
        /// Why it was refused.
        #[source]
        source: Option<BoxError>,
    },
    /// No TCP connection could be made (refused, no route, reset).
    #[error("cannot connect to {addr}")]
    Connect {
        /// host:port.
        addr: String,
        /// The connector's error.
        #[source]
        source: BoxError,
    },
    /// No complete answer within the time allowed.
    #[error("no answer from {addr} within {after:?}")]
    Timeout {
        /// host:port.
        addr: String,
        /// The limit that ran out.
        after: Duration,
    },
    /// The HTTP exchange broke after the connection was made.
    #[error("HTTP exchange with {addr} failed")]
    Http {
        /// host:port.
        addr: String,
        /// hyper's error.
        #[source]
        source: BoxError,
    },
    /// The device answered with an HTTP status that is neither success nor a SOAP fault.
    #[error("HTTP status {status} from {addr}")]
    HttpStatus {
        /// host:port.
        addr: String,
        /// The status code.
        status: u16,
    },
    /// The answer was larger than the cap: read no further.
    #[error("answer from {addr} exceeds the {limit}-byte cap")]
    BodyTooLarge {
        /// host:port.
        addr: String,
        /// The cap in bytes.
        limit: usize,
    },
    /// The device wants credentials and none were given (what it offered is in `digest`).
    #[error("{addr} requires authentication")]
    AuthRequired {
        /// host:port.
        addr: String,
        /// True when it challenged with HTTP Digest, false when it answered ter:NotAuthorized.
        digest: bool,
    },
    /// The credentials were refused (HTTP 401 after a Digest answer or with no Digest on offer, or a fault
    /// meaning a refusal: ter:NotAuthorized, wsse:FailedAuthentication, wsse:InvalidSecurity(Token), ...).
    #[error("{addr} refused the credentials")]
    AuthRejected {
        /// host:port.
        addr: String,
        /// The fault, when the refusal came as SOAP.
        fault: Option<SoapFault>,
    },
    /// The device says the account or this client is locked out after failed logins.
    #[error("{addr} has locked the account or this client out")]
    LockedOut {
        /// host:port.
        addr: String,
        /// The fault that said so.
        fault: SoapFault,
    },
    /// A SOAP fault other than an authentication refusal.
    #[error("{addr} answered with a fault: {fault}")]
    Fault {
        /// host:port.
        addr: String,
        /// The parsed fault (code, every subcode, reason).
        fault: SoapFault,
    },
    /// The answer could not be understood (malformed XML, missing elements, a DOCTYPE).
    #[error("malformed answer from {addr}")]
    Malformed {
        /// host:port.
        addr: String,
        /// The parser's error.
        #[source]
        source: BoxError,
    },
    /// A socket operation failed.
    #[error("{context}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The operation was cancelled through its CancellationToken.
    #[error("cancelled")]
    Cancelled,
    /// The device presented another TLS certificate than the one pinned for it: the handshake was refused and
    /// nothing (no credential) was sent.
    #[error(
        "{addr} presented TLS certificate SHA-256 {presented}, not the one pinned for this device \
         ({pinned}); the connection was refused and nothing was sent. If the device was replaced or reset to \
         factory settings, confirm that on site, then forget the old certificate (`handover devices \
         forget-certificate --device <id>`, or Forget certificate in the device's details); otherwise someone \
         may be intercepting this network"
    )]
    CertificateChanged {
        /// host:port.
        addr: String,
        /// The fingerprint pinned for the device.
        pinned: String,
        /// The fingerprint it presented.
        presented: String,
    },
    /// The device refused a firmware image (wrong vendor or model, corrupted) or its upload.
    #[error("{addr} refused the firmware image: {reason}")]
    ImageRefused {
        /// host:port.
        addr: String,
        /// The HTTP status it answered.
        status: u16,
        /// What it said, as it said it.
        reason: String,
    },
    /// HTTPS could not be shown to work on the device (switched off, no handshake, no authenticated answer).
    #[error("HTTPS does not work on {addr}: {reason}")]
    HttpsUnavailable {
        /// host:port tried (or the device's HTTP address when HTTPS is off).
        addr: String,
        /// What failed, in words, with the underlying error's chain.
        reason: String,
    },
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// True when the device did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// True when the credentials were refused (including a refusal because of a lockout).
    pub fn is_auth_rejected(&self) -> bool {
        matches!(self, Error::AuthRejected { .. } | Error::LockedOut { .. })
    }

    /// True when the device wants credentials that were not given.
    pub fn is_auth_required(&self) -> bool {
        matches!(self, Error::AuthRequired { .. })
    }

    /// True when the device reports a lockout of the account or of this client.
    pub fn is_locked_out(&self) -> bool {
        matches!(self, Error::LockedOut { .. })
    }

    /// True when no connection could be made or no answer came at all.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Connect { .. } | Error::Timeout { .. })
    }

    /// True when the device presented another certificate than its pinned one.
    pub fn is_certificate_changed(&self) -> bool {
        matches!(self, Error::CertificateChanged { .. })
    }

    /// True when the device refused a firmware image.
    pub fn is_image_refused(&self) -> bool {
        matches!(self, Error::ImageRefused { .. })
    }

    /// True when the operation was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Error::Cancelled)
    }

    /// True for a hostile or broken answer (malformed, oversized).
    pub fn is_malformed(&self) -> bool {
        matches!(self, Error::Malformed { .. } | Error::BodyTooLarge { .. })
    }

    /// The SOAP fault, when the device answered with one.
    pub fn fault(&self) -> Option<&SoapFault> {
        match self {
            Error::Fault { fault, .. } | Error::LockedOut { fault, .. } => Some(fault),
            Error::AuthRejected { fault, .. } => fault.as_ref(),
            _ => None,
        }
    }

    /// The most specific ONVIF subcode of the fault (e.g. `ter:UsernameClash`), if any.
    pub fn fault_subcode(&self) -> Option<&str> {
        self.fault().and_then(SoapFault::most_specific)
    }

    /// True when any level of the fault's subcodes is `code` (e.g. `ter:InvalidArgVal`).
    pub fn has_subcode(&self, code: &str) -> bool {
        self.fault().is_some_and(|f| f.has_subcode(code))
    }

    /// True when the device does not implement the operation (ter:ActionNotSupported, wsa:ActionNotSupported,
    /// or a vendor's "Action not supported" without a code).
    pub fn is_not_supported(&self) -> bool {
        matches!(self, Error::Fault { fault, .. } if fault.meaning() == crate::onvif::fault::FaultMeaning::NotSupported)
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}
