//! SOAP faults as devices send them (SOAP 1.2: env:Code/env:Value, nested env:Subcode/env:Value, the
//! env:Reason text; SOAP 1.1: faultcode/faultstring), parsed from an answer body with every subcode kept
//! (oxvif keeps only the first), what a fault means for the job (`FaultMeaning`: refused, locked out, not
//! supported, anything else) read from its codes whatever their prefix, and a guard that refuses documents
//! carrying a DOCTYPE (entity bombs). Pure: bytes in, data out.

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
        r.contains("locked")
            || r.contains("lockout")
            || r.contains("blocked")
            || r.contains("too many")
    }

    /// Every code of the fault by local name, outermost first: env:Code/env:Value (SOAP 1.1's faultcode),
    /// then each subcode; a SOAP 1.1 dotted code (`Client.Authentication`) gives each of its parts too.
    fn codes(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.code.as_str())
            .chain(self.subcodes.iter().map(String::as_str))
            .map(local)
            .flat_map(|c| std::iter::once(c).chain(c.split('.').filter(move |p| *p != c)))
            .filter(|c| !c.is_empty())
    }

    /// What the fault means for the job, by its codes first (whatever their namespace prefix) and, only when
    /// it carries no code beyond the generic Sender/Receiver, by its reason's words (vendors that put the
    /// meaning only there).
    pub fn meaning(&self) -> FaultMeaning {
        let codes: Vec<String> = self.codes().map(str::to_ascii_lowercase).collect();
        let is = |set: &[&str]| codes.iter().any(|c| set.contains(&c.as_str()));
        if codes
            .iter()
            .any(|c| c.contains("locked") || c.contains("lockout"))
        {
            return FaultMeaning::LockedOut;
        }
        if is(REFUSAL_CODES) {
            return if self.says_locked() {
                FaultMeaning::LockedOut
            } else {
                FaultMeaning::Refused
            };
        }
        if is(NOT_SUPPORTED_CODES) {
            return FaultMeaning::NotSupported;
        }
        if !codes.iter().all(|c| GENERIC_CODES.contains(&c.as_str())) {
            return FaultMeaning::Other;
        }
        let r = self.reason.to_ascii_lowercase();
        let says = |words: &[&str]| words.iter().any(|w| r.contains(w));
        if says(LOCKOUT_WORDS) || (says(REFUSAL_WORDS) && self.says_locked()) {
            FaultMeaning::LockedOut
        } else if says(REFUSAL_WORDS) {
            FaultMeaning::Refused
        } else if says(NOT_SUPPORTED_WORDS) {
            FaultMeaning::NotSupported
        } else {
            FaultMeaning::Other
        }
    }
}

/// What a SOAP fault means for the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultMeaning {
    /// The credentials were refused (ter:NotAuthorized, wsse:FailedAuthentication, wsse:InvalidSecurity,
    /// wsse:InvalidSecurityToken, wsse:FailedCheck, and vendor spellings of the same).
    Refused,
    /// The account or this client is locked out after failed logins.
    LockedOut,
    /// The device does not implement the operation (ter:ActionNotSupported, wsa:ActionNotSupported, or a
    /// reason such as "Action not supported").
    NotSupported,
    /// Any other fault (invalid argument, a configuration conflict, an internal error, ...).
    Other,
}

/// Codes (local names, lower case) that refuse the credentials: ONVIF's, the OASIS WS-Security 1.0 fault
/// codes (wsse:FailedAuthentication "The security token could not be authenticated or authorized",
/// wsse:InvalidSecurity, wsse:InvalidSecurityToken, wsse:FailedCheck), and vendor spellings seen in the field.
const REFUSAL_CODES: &[&str] = &[
    "notauthorized",
    "notauthorised",
    "unauthorized",
    "unauthorised",
    "failedauthentication",
    "authenticationfailed",
    "authenticationfailure",
    "invalidsecurity",
    "invalidsecuritytoken",
    "failedcheck",
    "authentication",
    "accessdenied",
];

/// Codes (local names, lower case) saying the operation is not implemented.
const NOT_SUPPORTED_CODES: &[&str] = &[
    "actionnotsupported",
    "notsupported",
    "notimplemented",
    "operationnotsupported",
];

/// Codes that say nothing beyond whose fault it is (SOAP 1.2 Sender/Receiver, SOAP 1.1 Client/Server).
const GENERIC_CODES: &[&str] = &["sender", "receiver", "client", "server"];

/// Reason words that mean a refusal, for faults with no telling code.
const REFUSAL_WORDS: &[&str] = &[
    "not authorized",
    "not authorised",
    "unauthorized",
    "unauthorised",
    "authentication failed",
    "authentication failure",
    "failed authentication",
    "could not be authenticated",
    "invalid username or password",
    "wrong password",
    "incorrect password",
    "password is incorrect",
    "access denied",
];

/// Reason words that mean a lockout, for faults with no telling code ("locked" alone may be a configuration
/// lock, which is no lockout).
const LOCKOUT_WORDS: &[&str] = &[
    "locked out",
    "account locked",
    "account is locked",
    "account has been locked",
    "user locked",
    "user is locked",
    "user has been locked",
    "address blocked",
    "ip blocked",
    "client blocked",
    "too many failed",
    "too many login",
    "too many authentication",
];

/// Reason words that mean the operation is not implemented, for faults with no telling code.
const NOT_SUPPORTED_WORDS: &[&str] = &[
    "action not supported",
    "not supported",
    "not implemented",
    "unsupported",
];

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

    /// Faults as devices send them (captured shapes: SOAP 1.2 with and without subcodes, SOAP 1.1, odd
    /// prefixes, reason-only vendor variants), each with what it must mean.
    #[test]
    fn faults_are_read_by_meaning_whatever_their_form() {
        let v12 = |code: &str, sub: &[&str], reason: &str| {
            let mut inner = String::new();
            for s in sub.iter().rev() {
                inner = format!(
                    "<SOAP-ENV:Subcode><SOAP-ENV:Value>{s}</SOAP-ENV:Value>{inner}</SOAP-ENV:Subcode>"
                );
            }
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:ter="http://www.onvif.org/ver10/error"><SOAP-ENV:Body><SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>{code}</SOAP-ENV:Value>{inner}</SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">{reason}</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
            )
        };
        let v11 = |code: &str, reason: &str| {
            format!(
                r#"<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><soap:Body><soap:Fault><faultcode>{code}</faultcode><faultstring>{reason}</faultstring></soap:Fault></soap:Body></soap:Envelope>"#
            )
        };
        use FaultMeaning::*;
        let cases: Vec<(String, FaultMeaning)> = vec![
            (
                v12(
                    "SOAP-ENV:Sender",
                    &["ter:NotAuthorized"],
                    "Sender not Authorized",
                ),
                Refused,
            ),
            (
                v12(
                    "s:Sender",
                    &["wsse:FailedAuthentication"],
                    "The security token could not be authenticated or authorized",
                ),
                Refused,
            ),
            (
                v12(
                    "env:Sender",
                    &["wsse:InvalidSecurity"],
                    "An error was discovered processing the header",
                ),
                Refused,
            ),
            (
                v12(
                    "env:Sender",
                    &["wsse:InvalidSecurityToken"],
                    "An invalid security token was provided",
                ),
                Refused,
            ),
            (
                v12(
                    "env:Sender",
                    &["ns1:FailedCheck"],
                    "The signature or decryption was invalid",
                ),
                Refused,
            ),
            (
                v12(
                    "env:Sender",
                    &["ter:NotAuthorized"],
                    "account locked after repeated failed logins",
                ),
                LockedOut,
            ),
            (
                v12(
                    "env:Sender",
                    &["wsse:FailedAuthentication"],
                    "User is locked, try again in 30 minutes",
                ),
                LockedOut,
            ),
            (
                v12(
                    "env:Sender",
                    &["ter:NotAuthorized", "hik:AccountLocked"],
                    "denied",
                ),
                LockedOut,
            ),
            (
                v12(
                    "env:Receiver",
                    &["ter:ActionNotSupported"],
                    "Optional Action Not Implemented",
                ),
                NotSupported,
            ),
            (
                v12("env:Receiver", &[], "Action not supported"),
                NotSupported,
            ),
            (v12("env:Sender", &[], "Not Authorized"), Refused),
            (
                v12("env:Sender", &[], "Too many failed login attempts"),
                LockedOut,
            ),
            (
                v12(
                    "env:Receiver",
                    &["ter:Action"],
                    "the configuration is locked by another session",
                ),
                Other,
            ),
            (
                v12(
                    "env:Receiver",
                    &[],
                    "the configuration is locked by another session",
                ),
                Other,
            ),
            (
                v12(
                    "env:Sender",
                    &["ter:InvalidArgVal", "ter:UsernameMissing"],
                    "no user admin",
                ),
                Other,
            ),
            (
                v11(
                    "wsse:FailedAuthentication",
                    "The security token could not be authenticated or authorized",
                ),
                Refused,
            ),
            (v11("SOAP-ENV:Client", "Authentication failed"), Refused),
            (v11("soap:Client.Authentication", "denied"), Refused),
            (
                v11("wsa:ActionNotSupported", "The action cannot be processed"),
                NotSupported,
            ),
            (v11("soap:Server", "internal error"), Other),
        ];
        for (doc, want) in cases {
            let f = scan(doc.as_bytes()).unwrap().expect("a fault");
            assert_eq!(f.meaning(), want, "{f}");
        }
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
