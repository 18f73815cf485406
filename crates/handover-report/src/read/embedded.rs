//! Finding the JSON twin inside a PDF: the `/EmbeddedFiles` name tree entry named
//! [`EMBEDDED_JSON_NAME`], its file specification's `/EF /F` stream, decoded with a bound
//! ([`TWIN_LIMIT`]) so a compressed bomb is refused before it is inflated. What goes wrong is a
//! [`TwinProblem`], never a panic; parsing the bytes is `read`'s business, not this module's.

use lopdf::{Dictionary, Document, Object};

use super::TwinProblem;
use crate::twin::EMBEDDED_JSON_NAME;

/// The largest embedded twin read, decoded (a 5,000-device report's twin is about 8 MB, a quarter of it).
pub const TWIN_LIMIT: usize = 32 << 20;

/// The decoded bytes of the embedded twin.
pub(crate) fn twin_bytes(doc: &Document) -> Result<Vec<u8>, TwinProblem> {
    let stream = twin_stream(doc).ok_or(TwinProblem::Missing)?;
    stream
        .get_plain_content_with_limit(TWIN_LIMIT)
        .map_err(|e| match e {
            lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
                TwinProblem::TooLarge { limit: TWIN_LIMIT }
            }
            other => TwinProblem::Undecodable(other),
        })
}

fn twin_stream(doc: &Document) -> Option<&lopdf::Stream> {
    let catalog = doc.catalog().ok()?;
    let names = deref_dict(doc, catalog.get(b"Names").ok()?)?;
    let files = deref_dict(doc, names.get(b"EmbeddedFiles").ok()?)?;
    let pairs = deref(doc, files.get(b"Names").ok()?)?.as_array().ok()?;
    let spec = pairs.chunks_exact(2).find_map(|pair| {
        (pair[0].as_str().ok() == Some(EMBEDDED_JSON_NAME.as_bytes())).then_some(&pair[1])
    })?;
    let spec = deref_dict(doc, spec)?;
    let ef = deref_dict(doc, spec.get(b"EF").ok()?)?;
    deref(doc, ef.get(b"F").ok()?)?.as_stream().ok()
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

fn deref_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    deref(doc, o)?.as_dict().ok()
}
