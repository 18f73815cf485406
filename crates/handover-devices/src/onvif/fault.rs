//! SOAP 1.2 faults as ONVIF devices send them (env:Code/env:Value, nested env:Subcode/env:Value, the
//! env:Reason text), parsed from an answer body with every subcode kept (oxvif keeps only the first),
//! plus a guard that refuses documents carrying a DOCTYPE (entity bombs). Pure: bytes in, data out.

use quick_xml::Reader;
use quick_xml::events::Event;

/// A parsed SOAP fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapFault {
    /// env:Code/env:Value, e.g. `env:Sender`.
    pub code: String,
    /// Every subcode from outermost to innermost, e.g. `[ter:OperationProhibited, ter:UsernameClash]`.
    pub subcodes: Vec<String>,
    /// The first env:Reason/env:Text.
    pub reason: String,
}

impl SoapFault {
    /// The innermost (most specific) subcode.
    pub fn most_specific(&self) -> Option<&str> {
        self.subcodes.last().map(String::as_str)
    }

    /// True when any subcode (compared by local name) is `code`.
    pub fn has_subcode(&self, code: &str) -> bool {
        let want = local(code);
        self.subcodes.iter().any(|s| local(s) == want)
    }

    /// True for ter:NotAuthorized.
    pub fn is_not_authorized(&self) -> bool {
        self.has_subcode("ter:NotAuthorized")
    }

    /// True when the reason says the account or client is locked or blocked.
    pub fn says_locked(&self) -> bool {
        let r = self.reason.to_ascii_lowercase();
        r.contains("locked") || r.contains("lockout") || r.contains("blocked")
    }
}

impl std::fmt::Display for SoapFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code)?;
        for s in &self.subcodes {
            write!(f, "/{s}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

fn local(q: &str) -> &str {
    q.rsplit(':').next().unwrap_or(q)
}

/// Why a document was refused before parsing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum XmlGuardError {
    /// A DOCTYPE (entity declarations are never legitimate in SOAP).
    #[error("the document carries a DOCTYPE (possible entity expansion bomb)")]
    Doctype,
    /// Not well-formed.
    #[error("XML is not well-formed")]
    Xml(#[from] quick_xml::Error),
    /// Nested deeper than any real answer.
    #[error("XML nested deeper than {0} levels")]
    TooDeep(usize),
}

const MAX_DEPTH: usize = 64;

/// Scans a whole document: refuses DOCTYPEs, excessive nesting and documents that are not well-formed;
/// returns the fault when the body holds one.
pub fn scan(doc: &[u8]) -> Result<Option<SoapFault>, XmlGuardError> {
    let mut r = Reader::from_reader(doc);
    r.config_mut().check_end_names = true;
    let mut path: Vec<String> = Vec::new();
    let mut fault: Option<SoapFault> = None;
    // The text of the innermost open element inside a fault, from text and reference events.
    let mut text = String::new();
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf)? {
            Event::DocType(_) => return Err(XmlGuardError::Doctype),
            Event::Start(e) => {
                text.clear();
                let name = e.local_name().as_ref().to_owned();
                if name == "Fault" && path.last().is_some_and(|p| p == "Body") {
                    fault = Some(SoapFault {
                        code: String::new(),
                        subcodes: Vec::new(),
                        reason: String::new(),
                    });
                }
                path.push(name);
                if path.len() > MAX_DEPTH {
                    return Err(XmlGuardError::TooDeep(MAX_DEPTH));
                }
            }
            Event::End(_) => {
                if let Some(f) = fault.as_mut() {
                    fault_text(f, &path, text.trim());
                }
                text.clear();
                path.pop();
            }
            Event::Text(t) if fault.is_some() => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if fault.is_some() => {
                // An entity that does not resolve is left out of the text; the fault is still read.
                let _ = crate::xml::push_ref(&mut text, &r);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !path.is_empty() {
        return Err(XmlGuardError::Xml(quick_xml::Error::Syntax(
            quick_xml::errors::SyntaxError::UnclosedTag,
        )));
    }
    Ok(fault)
}

/// Files the text of the element at `path` into the fault it belongs to.
fn fault_text(f: &mut SoapFault, path: &[String], text: &str) {
    if text.is_empty() {
        return;
    }
    // Text outside the Fault element (after it closed, or after the root) says nothing.
    let Some(pos) = path.iter().position(|p| p == "Fault") else {
        return;
    };
    let inner: Vec<&str> = path[pos + 1..].iter().map(String::as_str).collect();
    let text = text.to_string();
    match inner.as_slice() {
        ["Code", "Value"] => f.code = text,
        ["Code", rest @ .., "Value"] if rest.iter().all(|p| *p == "Subcode") => {
            f.subcodes.push(text);
        }
        ["Reason", "Text"] if f.reason.is_empty() => f.reason = text,
        // SOAP 1.1 style faults.
        ["faultcode"] => f.code = text,
        ["faultstring"] => f.reason = text,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(doc: &str, want: Option<(&str, &[&str], &str)>) {
        let got = scan(doc.as_bytes()).unwrap();
        let want = want.map(|(c, s, r)| SoapFault {
            code: c.into(),
            subcodes: s.iter().map(|x| x.to_string()).collect(),
            reason: r.into(),
        });
        assert_eq!(got, want, "{doc}");
    }

    #[test]
    fn faults_keep_every_subcode() {
        check(
            r#"<env:Envelope xmlns:env="e" xmlns:ter="t"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:OperationProhibited</env:Value><env:Subcode><env:Value>ter:UsernameClash</env:Value></env:Subcode></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">user a &lt;b&gt; exists</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"#,
            Some((
                "env:Sender",
                &["ter:OperationProhibited", "ter:UsernameClash"],
                "user a <b> exists",
            )),
        );
        check(
            r#"<s:Envelope xmlns:s="e"><s:Body><x:R xmlns:x="y">ok</x:R></s:Body></s:Envelope>"#,
            None,
        );
        let f = scan(br#"<e:Envelope xmlns:e="e"><e:Body><e:Fault><e:Code><e:Value>e:Sender</e:Value><e:Subcode><e:Value>ter:NotAuthorized</e:Value></e:Subcode></e:Code><e:Reason><e:Text>account locked after repeated failed logins</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>"#).unwrap().unwrap();
        assert!(f.is_not_authorized() && f.says_locked());
        assert_eq!(f.most_specific(), Some("ter:NotAuthorized"));
    }

    #[test]
    fn hostile_documents_are_refused() {
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY l \"lol\"><!ENTITY l2 \"&l;&l;\">]><a>&l2;</a>";
        assert!(matches!(scan(bomb.as_bytes()), Err(XmlGuardError::Doctype)));
        assert!(scan(b"<a><b></a>").is_err());
        assert!(scan(b"<a><b>").is_err());
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(matches!(
            scan(deep.as_bytes()),
            Err(XmlGuardError::TooDeep(_))
        ));
    }

    #[test]
    fn text_after_the_fault_closed_is_no_panic() {
        // Found writing the onvif_soap fuzz target (fuzz/seeds/onvif_soap/regression-text-after-fault.http):
        // text after the root element, with a fault already seen,
        // indexed past the end of the (empty) element path.
        check("<Body><Fault></Fault></Body>x", Some(("", &[], "")));
        check(
            "<s:Body><s:Fault><s:Reason><s:Text>r</s:Text></s:Reason></s:Fault>tail</s:Body>",
            Some(("", &[], "r")),
        );
    }
}
