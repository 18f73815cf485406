//! Credentials for one device: a user name and a password held in a small secret wrapper with a redacted
//! `Debug`, no `Display`, zeroised on drop and read only through `expose()`. A stand-in until the
//! workspace unifies on `handover_vault::Secret`; it stores nothing anywhere.

use zeroize::Zeroizing;

/// A password (or other secret string): redacted in Debug, zeroised on drop.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Password(Zeroizing::new(s.into()))
    }
    /// The secret itself; call only where it must go on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A user name and its password.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// User name (not secret).
    pub username: String,
    /// Password (secret).
    pub password: Password,
}

impl Credentials {
    /// Builds credentials.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials {
            username: username.into(),
            password: Password::new(password),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let c = Credentials::new("admin", "hunter2-secret");
        let s = format!("{c:?}");
        assert!(s.contains("admin"), "{s}");
        assert!(!s.contains("hunter2"), "{s}");
        assert_eq!(c.password.expose(), "hunter2-secret");
    }
}
