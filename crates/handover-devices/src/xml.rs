//! Element text as quick-xml (0.38 and later) hands it over: plain text and entity references
//! arrive as separate events (`Text`, `GeneralRef`), so a reader gathers them per element and
//! resolves the references itself. Only the five predefined entities and character references
//! resolve; any other entity is an error, as a document without a DOCTYPE can declare none.

use quick_xml::escape::{EscapeError, resolve_predefined_entity};
use quick_xml::events::BytesRef;

/// Appends what the reference `r` (`&amp;`, `&#38;`, …) stands for to `out`.
pub(crate) fn push_ref(out: &mut String, r: &BytesRef<'_>) -> Result<(), quick_xml::Error> {
    if let Some(c) = r.resolve_char_ref()? {
        out.push(c);
        return Ok(());
    }
    match resolve_predefined_entity(r) {
        Some(s) => {
            out.push_str(s);
            Ok(())
        }
        None => Err(quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(
            0..0,
            r.to_string(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(reference: &str, want: Option<&str>) {
        let mut out = String::from("x");
        let got = push_ref(&mut out, &BytesRef::new(reference));
        match want {
            Some(w) => {
                got.unwrap();
                assert_eq!(out, format!("x{w}"), "{reference}");
            }
            None => assert!(got.is_err(), "{reference} should be refused"),
        }
    }

    #[test]
    fn resolves_predefined_and_character_references_only() {
        check("amp", Some("&"));
        check("lt", Some("<"));
        check("quot", Some("\""));
        check("#38", Some("&"));
        check("#x41", Some("A"));
        check("nbsp", None);
        check("#0", None);
        check("#xZZ", None);
    }
}
