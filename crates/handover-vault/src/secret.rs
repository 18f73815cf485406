//! `Secret<T>`: a wrapper that keeps a secret out of logs and wipes it on drop.
//!
//! What it does: redacted `Debug`, no `Display`, no `Serialize`, an explicit [`Secret::expose`] to read the value,
//! zeroization of the value when dropped, and a constant-time equality for byte-like contents.
//! What it is not: protection against a process that can read its own memory (no `mlock`, no guard pages), and
//! not a guarantee for copies the caller makes after `expose()`: whoever exposes a secret owns that copy.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// A secret value of type `T`, wiped with [`Zeroize`] when dropped.
///
/// ```
/// use handover_vault::SecretString;
/// let s = SecretString::from("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
/// assert_eq!(s.expose(), "hunter2");
/// ```
///
/// No `Display`, so a secret cannot slip into a format string:
///
/// ```compile_fail
/// let s = handover_vault::SecretString::from("hunter2");
/// let _ = format!("{s}");
/// ```
///
/// No `Serialize`, so it cannot end up in a JSON/TOML export or the project file by accident:
///
/// ```compile_fail
/// fn needs_serialize<T: serde::Serialize>(_: &T) {}
/// needs_serialize(&handover_vault::SecretString::from("hunter2"));
/// ```
pub struct Secret<T: Zeroize>(T);

/// The common case: a password or key held as a `String`.
pub type SecretString = Secret<String>;

/// Secret bytes (for example a signing key).
pub type SecretBytes = Secret<Vec<u8>>;

impl<T: Zeroize> Secret<T> {
    /// Wraps `value`; from here on it is only reachable through [`Secret::expose`].
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret value. Call this only at the point where the secret leaves the process (a device request, the
    /// keyring, the encrypted export) and do not keep the reference longer than that call.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl SecretString {
    /// Length in bytes (not secret in itself: policies and exports need it).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl<T: Zeroize + Clone> Clone for Secret<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(value: Vec<u8>) -> Self {
        Self(value)
    }
}

/// Constant-time comparison of the contents (the length is not hidden: two secrets of different lengths compare
/// unequal at once). Use it wherever a secret is compared, never `expose() == expose()`.
impl<T: Zeroize + AsRef<[u8]>> PartialEq for Secret<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_ref().ct_eq(other.0.as_ref()).into()
    }
}

impl<T: Zeroize + AsRef<[u8]>> Eq for Secret<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_even_nested() {
        let s = SecretString::from("hunter2");
        assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
        let nested = Some(vec![s.clone()]);
        let printed = format!("{nested:#?}");
        assert!(!printed.contains("hunter2"), "{printed}");
    }

    #[test]
    fn expose_gives_the_value_back() {
        let s = SecretBytes::from(vec![1u8, 2, 3]);
        assert_eq!(s.expose(), &[1u8, 2, 3]);
    }

    #[test]
    fn equality_compares_contents() {
        assert_eq!(SecretString::from("abc"), SecretString::from("abc"));
        assert_ne!(SecretString::from("abc"), SecretString::from("abd"));
        assert_ne!(SecretString::from("abc"), SecretString::from("abcd"));
        assert_eq!(SecretString::from(""), SecretString::from(""));
    }

    #[test]
    fn drop_zeroizes_the_value() {
        // Observe the wipe through a type whose zeroize is visible from outside.
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        struct Probe(Arc<AtomicBool>);
        impl Zeroize for Probe {
            fn zeroize(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let flag = Arc::new(AtomicBool::new(false));
        let s = Secret::new(Probe(flag.clone()));
        assert!(!flag.load(Ordering::SeqCst));
        drop(s);
        assert!(flag.load(Ordering::SeqCst));
    }
}
