//! A small, bounded XML reader for SOAP requests and WS-Discovery probes: it builds a tree of elements by
//! local name (namespace prefixes dropped, which is how real device firmware matches them too). It is
//! safe against hostile input: the input size, element count and depth are capped, DOCTYPE declarations
//! are refused and no entity is expanded beyond the five XML predefined ones. It is not a general XML
//! library and keeps no namespace information.

use quick_xml::escape::{EscapeError, resolve_predefined_entity};
use quick_xml::events::{BytesRef, Event};
use quick_xml::reader::Reader;

/// Largest document accepted, in bytes.
pub const MAX_INPUT: usize = 256 * 1024;
/// Most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 4096;
/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 32;

/// Why a document was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Larger than [`MAX_INPUT`], more than [`MAX_ELEMENTS`] or deeper than [`MAX_DEPTH`].
    #[error("document exceeds the size limits")]
    TooLarge,
    /// Contains a DOCTYPE (entity declarations are never processed).
    #[error("DOCTYPE is not allowed")]
    Doctype,
    /// Not well-formed XML, or not UTF-8.
    #[error("malformed XML: {0}")]
    Xml(#[from] quick_xml::Error),
    /// An entity other than the predefined ones, or a broken escape.
    #[error("bad escape: {0}")]
    Escape(#[from] quick_xml::escape::EscapeError),
    /// An attribute could not be read.
    #[error("bad attribute: {0}")]
    Attr(#[from] quick_xml::events::attributes::AttrError),
    /// No root element, or unclosed elements at the end.
    #[error("incomplete document")]
    Incomplete,
}

/// One element: local name, attributes by local name, text content and children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name (prefix dropped).
    pub name: String,
    /// Attributes by local name.
    pub attrs: Vec<(String, String)>,
    /// Concatenated text directly inside this element, trimmed.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// First child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children with this local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Follows a path of child names.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, n| e.child(n))
    }

    /// Text of the child at a path.
    pub fn text_at(&self, names: &[&str]) -> Option<&str> {
        self.path(names).map(|e| e.text.as_str())
    }

    /// Attribute by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn local(name: &str) -> String {
    name.rsplit_once(':').map_or(name, |(_, l)| l).to_owned()
}

fn start(e: &quick_xml::events::BytesStart<'_>) -> Result<Element, ParseError> {
    let mut el = Element {
        name: local(e.name().as_ref()),
        ..Element::default()
    };
    for a in e.attributes() {
        let a = a?;
        let key = a.key.as_ref();
        if key.starts_with("xmlns") {
            continue;
        }
        let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0)?;
        el.attrs.push((local(key), value.into_owned()));
    }
    Ok(el)
}

/// Appends what a reference stands for: one of the five predefined entities or a character
/// reference; any other entity is refused (no DOCTYPE can have declared it).
fn resolve(out: &mut String, r: &BytesRef<'_>) -> Result<(), ParseError> {
    if let Some(c) = r.resolve_char_ref()? {
        out.push(c);
    } else if let Some(s) = resolve_predefined_entity(r) {
        out.push_str(s);
    } else {
        return Err(ParseError::Escape(EscapeError::UnrecognizedEntity(
            0..0,
            r.to_string(),
        )));
    }
    Ok(())
}

/// Parses a document into its root element.
pub fn parse(input: &[u8]) -> Result<Element, ParseError> {
    if input.len() > MAX_INPUT {
        return Err(ParseError::TooLarge);
    }
    let mut reader = Reader::from_reader(input);
    let mut stack: Vec<Element> = Vec::new();
    let mut count = 0usize;
    let mut root = None;
    // Text between two pieces of markup, gathered from text and entity-reference events and
    // added trimmed when the next piece of markup ends it.
    let mut run = String::new();
    loop {
        let event = reader.read_event()?;
        if !matches!(event, Event::Text(_) | Event::GeneralRef(_)) {
            if let Some(top) = stack.last_mut() {
                top.text.push_str(run.trim());
            }
            run.clear();
        }
        match event {
            Event::DocType(_) => return Err(ParseError::Doctype),
            Event::Start(e) => {
                count += 1;
                if count > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err(ParseError::TooLarge);
                }
                if root.is_some() {
                    return Err(ParseError::Incomplete);
                }
                stack.push(start(&e)?);
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err(ParseError::TooLarge);
                }
                let el = start(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => return Err(ParseError::Incomplete),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or(ParseError::Incomplete)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => run.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => resolve(&mut run, &r)?,
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(ParseError::Incomplete);
    }
    root.ok_or(ParseError::Incomplete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_soap_envelope_by_local_names() {
        let doc =
            br#"<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">
            <s:Body><tds:SetUser xmlns:tds="x"><tds:User><tt:Username>a&amp;b</tt:Username>
            <tt:UserLevel>Operator</tt:UserLevel><tt:Note> x &lt;&#x41;&gt; y <!-- c --> z </tt:Note></tds:User></tds:SetUser></s:Body></s:Envelope>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "Envelope");
        let op = &root.child("Body").unwrap().children[0];
        assert_eq!(op.name, "SetUser");
        assert_eq!(op.text_at(&["User", "Username"]), Some("a&b"));
        // References keep the text around them; each run between markup is trimmed.
        assert_eq!(op.text_at(&["User", "Note"]), Some("x <A> yz"));
    }

    #[test]
    fn refuses_hostile_documents() {
        let bomb = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>"#;
        assert!(matches!(parse(bomb), Err(ParseError::Doctype)));
        let undeclared = b"<a>&lol;</a>";
        assert!(parse(undeclared).is_err());
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        assert!(matches!(parse(deep.as_bytes()), Err(ParseError::TooLarge)));
        let big = vec![b' '; MAX_INPUT + 1];
        assert!(matches!(parse(&big), Err(ParseError::TooLarge)));
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>").is_err());
        assert!(parse(b"").is_err());
    }
}
