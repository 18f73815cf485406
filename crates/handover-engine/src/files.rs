//! Files a person hands to Handover (IT's plan, labels, catalogs and their signatures, signing identities,
//! reports to verify, CA certificates) are read no further than such a file can be: a huge file, or one that
//! never ends (`/dev/zero`), is refused at once with what it is, instead of being read into memory.

use std::io::Read as _;
use std::path::Path;

use crate::error::{Error, Result};

/// A labels CSV: a site of many thousand devices fits in well under a megabyte.
pub(crate) const LABELS: u64 = 8 * 1024 * 1024;
/// A catalog (the shipped ones are a few kilobytes).
pub(crate) const CATALOG: u64 = 4 * 1024 * 1024;
/// A catalog's detached signature (one line).
pub(crate) const SIGNATURE: u64 = 64 * 1024;
/// A PKCS#12 identity (a key and a few certificates).
pub(crate) const PKCS12: u64 = 1024 * 1024;
/// A CA certificate file given to `verify --trust`.
pub(crate) const CERTIFICATES: u64 = 1024 * 1024;
/// A signed handover report: thousands of devices are a few megabytes.
pub(crate) const REPORT: u64 = 256 * 1024 * 1024;

/// The file's first `max + 1` bytes at most: more than `max` says the file is too large, for the caller (or its
/// parser) to refuse.
pub(crate) fn read_at_most(path: &Path, max: u64) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// The whole file, when it is at most `max` bytes; `what` names the kind of file in the refusal.
pub(crate) fn read_capped(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    let bytes = read_at_most(path, max)?;
    if bytes.len() as u64 > max {
        return Err(Error::Invalid(format!(
            "{}: more than {max} bytes, more than {what} can be; is this the right file?",
            path.display()
        )));
    }
    Ok(bytes)
}

/// The file as text (UTF-8, lossy), when it is at most `max` bytes.
pub(crate) fn read_capped_text(path: &Path, max: u64, what: &str) -> Result<String> {
    Ok(String::from_utf8_lossy(&read_capped(path, max, what)?).into_owned())
}
