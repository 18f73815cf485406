//! The WS-Discovery codec (2005/04, as ONVIF uses it): building Probe messages and parsing ProbeMatches,
//! Hello and Bye from datagram bytes, with hard limits (no DOCTYPE, bounded depth, bounded scopes and
//! XAddrs, at least one XAddr a valid http(s) URL when any is given) so a hostile answer is an error for that
//! sender only. Tolerant of what real devices send: elements are matched by local name whatever the namespace
//! prefix or version (SOAP 1.1 or 1.2, WS-Addressing 2004/08 or 2005/08), a ProbeMatch may sit directly in the
//! Body without its ProbeMatches wrapper, a scope value may carry a raw space (`.../name/Front Door`), an
//! unusable XAddr beside a usable one is dropped, and a RelatesTo may drop the `urn:` of our MessageID. Pure:
//! no sockets, no clock; message ids come from the caller.

use quick_xml::Reader;
use quick_xml::events::Event;

/// The WS-Discovery multicast group.
pub const MULTICAST_V4: std::net::Ipv4Addr = std::net::Ipv4Addr::new(239, 255, 255, 250);
/// The WS-Discovery port.
pub const PORT: u16 = 3702;
/// Most scopes kept from one answer.
pub const MAX_SCOPES: usize = 256;
/// Most XAddrs or types kept from one answer.
pub const MAX_ADDRS: usize = 16;
/// Longest accepted field text.
pub const MAX_FIELD: usize = 16 * 1024;

/// ONVIF's probe types: Device (every ONVIF device) and NetworkVideoTransmitter (cameras; some older
/// ones advertise only this). A probe listing several types matches only devices having all of them, so
/// each type is probed on its own.
pub const ONVIF_TYPES: [&str; 2] = ["tds:Device", "dn:NetworkVideoTransmitter"];

/// One probe per ONVIF type, each with its own MessageID: `(message_id, datagram)`.
pub fn onvif_probes(mut random: impl FnMut() -> [u8; 16]) -> Vec<(String, String)> {
    ONVIF_TYPES
        .iter()
        .map(|t| {
            let id = message_id(random());
            let p = probe(&id, &[t]);
            (id, p)
        })
        .collect()
}

/// One endpoint announced in a ProbeMatch or Hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// EndpointReference/Address (usually `urn:uuid:...`).
    pub reference: String,
    /// Types (qualified names as sent).
    pub types: Vec<String>,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Transport addresses (device service URLs).
    pub xaddrs: Vec<String>,
    /// MetadataVersion.
    pub metadata_version: Option<u32>,
}

/// A parsed WS-Discovery message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Answers to a probe.
    ProbeMatches {
        /// RelatesTo: the probe's MessageID.
        relates_to: Option<String>,
        /// The endpoints.
        matches: Vec<Endpoint>,
    },
    /// An endpoint joining.
    Hello(Endpoint),
    /// An endpoint leaving.
    Bye {
        /// EndpointReference/Address.
        reference: String,
    },
    /// A Probe (someone else probing) or anything else.
    Other,
}

/// Why a datagram was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WsdError {
    /// Not well-formed XML.
    #[error("not well-formed XML")]
    Xml(#[from] quick_xml::Error),
    /// A DOCTYPE (entity bombs).
    #[error("DOCTYPE in a discovery message")]
    Doctype,
    /// Too deep, too many items or too long a field.
    #[error("discovery message exceeds limits: {0}")]
    TooLarge(&'static str),
    /// A required element is missing or invalid.
    #[error("invalid discovery message: {0}")]
    Invalid(String),
}

/// Builds a Probe for `types` with MessageID `message_id` (`urn:uuid:...`).
pub fn probe(message_id: &str, types: &[&str]) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" "#,
            r#"xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" "#,
            r#"xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Header>"#,
            r#"<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>"#,
            r#"<a:MessageID>{}</a:MessageID><a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>"#,
            r#"<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>"#,
            r#"<s:Body><d:Probe>{}</d:Probe></s:Body></s:Envelope>"#
        ),
        message_id,
        if types.is_empty() {
            String::new()
        } else {
            format!("<d:Types>{}</d:Types>", types.join(" "))
        }
    )
}

/// A fresh `urn:uuid:` message id from 16 random bytes.
pub fn message_id(random: [u8; 16]) -> String {
    format!(
        "urn:uuid:{}",
        uuid::Builder::from_random_bytes(random).into_uuid()
    )
}

/// True when `answer` (a RelatesTo) names the message `ours` (a MessageID we sent): equal, or equal once an
/// `urn:` prefix and letter case are set aside (devices answer `uuid:...` for `urn:uuid:...`).
pub fn relates_to_ours(answer: &str, ours: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim();
        let s = s
            .get(..4)
            .filter(|p| p.eq_ignore_ascii_case("urn:"))
            .map_or(s, |_| &s[4..]);
        s.to_ascii_lowercase()
    };
    answer.trim() == ours || norm(answer) == norm(ours)
}

/// Scopes are URIs separated by white space; a scope value with a raw space (`onvif://www.onvif.org/name/Front
/// Door`, as some devices send) leaves a word with no URI scheme, which belongs to the scope before it.
fn scope_words(text: &str) -> Result<Vec<String>, WsdError> {
    let mut v: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        match v.last_mut() {
            Some(prev) if !has_scheme(w) => {
                if prev.len() + 1 + w.len() > MAX_FIELD {
                    return Err(WsdError::TooLarge("scope length"));
                }
                prev.push(' ');
                prev.push_str(w);
            }
            _ => {
                if v.len() >= MAX_SCOPES {
                    return Err(WsdError::TooLarge("Scopes"));
                }
                v.push(w.to_string());
            }
        }
    }
    Ok(v)
}

/// True when `w` starts with a URI scheme (`onvif:`, `http:`, `urn:`, ...).
fn has_scheme(w: &str) -> bool {
    match w.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

fn words(text: &str, max: usize, what: &'static str) -> Result<Vec<String>, WsdError> {
    let v: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if v.len() > max {
        return Err(WsdError::TooLarge(what));
    }
    Ok(v)
}

fn check_xaddr(x: &str) -> Result<(), WsdError> {
    let uri: hyper::Uri = x
        .parse()
        .map_err(|_| WsdError::Invalid(format!("XAddr {x:?} is not a URL")))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(h)) if !h.is_empty() => Ok(()),
        _ => Err(WsdError::Invalid(format!(
            "XAddr {x:?} is not an http(s) URL"
        ))),
    }
}

#[derive(Default)]
struct Building {
    reference: Option<String>,
    types: Vec<String>,
    scopes: Vec<String>,
    xaddrs: Vec<String>,
    metadata_version: Option<u32>,
}

impl Building {
    fn finish(self) -> Result<Endpoint, WsdError> {
        let reference = self
            .reference
            .filter(|r| !r.is_empty())
            .ok_or_else(|| WsdError::Invalid("no EndpointReference".into()))?;
        // An unusable XAddr beside a usable one (an IPv6 link-local address with a zone, say) is dropped; an
        // answer whose every XAddr is unusable is refused.
        let mut xaddrs = Vec::with_capacity(self.xaddrs.len());
        let mut first_error = None;
        for x in self.xaddrs {
            match check_xaddr(&x) {
                Ok(()) => xaddrs.push(x),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if let (true, Some(e)) = (xaddrs.is_empty(), first_error) {
            return Err(e);
        }
        Ok(Endpoint {
            reference,
            types: self.types,
            scopes: self.scopes,
            xaddrs,
            metadata_version: self.metadata_version,
        })
    }
}

/// What a parse has gathered so far.
#[derive(Default)]
struct Parsing {
    relates_to: Option<String>,
    matches: Vec<Endpoint>,
    current: Option<Building>,
    bye_ref: Option<String>,
    kind: Option<&'static str>,
}

impl Parsing {
    /// Takes the text of the element at `path` (just before its end tag).
    fn text(&mut self, path: &[String], text: &str) -> Result<(), WsdError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        if text.len() > MAX_FIELD {
            return Err(WsdError::TooLarge("field length"));
        }
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let last = p.last().copied();
        let parent = p.len().checked_sub(2).map(|i| p[i]);
        match p.as_slice() {
            [_, "Header", "RelatesTo"] => self.relates_to = Some(text.to_string()),
            [_, "Body", "Bye", "EndpointReference", "Address"] => {
                self.bye_ref = Some(text.to_string())
            }
            _ => {}
        }
        if let Some(b) = self.current.as_mut() {
            match (parent, last) {
                (Some("EndpointReference"), Some("Address")) => {
                    b.reference = Some(text.to_string())
                }
                (_, Some("Types")) => b.types = words(text, MAX_ADDRS, "Types")?,
                (_, Some("Scopes")) => b.scopes = scope_words(text)?,
                (_, Some("XAddrs")) => b.xaddrs = words(text, MAX_ADDRS, "XAddrs")?,
                (_, Some("MetadataVersion")) => b.metadata_version = text.parse().ok(),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Parses one datagram.
pub fn parse(datagram: &[u8]) -> Result<Message, WsdError> {
    let mut r = Reader::from_reader(datagram);
    r.config_mut().check_end_names = true;
    let mut path: Vec<String> = Vec::new();
    let mut st = Parsing::default();
    // The text of the innermost open element, gathered from text and reference events.
    let mut text = String::new();
    let mut buf = Vec::new();
    loop {
        let ev = r.read_event_into(&mut buf)?;
        match ev {
            Event::DocType(_) => return Err(WsdError::Doctype),
            Event::Start(e) => {
                text.clear();
                let name = e.local_name().as_ref().to_owned();
                let in_body = path.len() == 2 && path[1] == "Body";
                if in_body {
                    st.kind = match name.as_str() {
                        // A ProbeMatch directly in the Body (no ProbeMatches wrapper) is one match.
                        "ProbeMatches" | "ProbeMatch" => Some("ProbeMatches"),
                        "Hello" => {
                            st.current = Some(Building::default());
                            Some("Hello")
                        }
                        "Bye" => Some("Bye"),
                        _ => Some("Other"),
                    };
                }
                let match_depth = path.len() == 3 || (path.len() == 2 && in_body);
                if st.kind == Some("ProbeMatches") && match_depth && name == "ProbeMatch" {
                    if st.matches.len() >= MAX_ADDRS {
                        return Err(WsdError::TooLarge("ProbeMatch count"));
                    }
                    st.current = Some(Building::default());
                }
                path.push(name);
                if path.len() > 32 {
                    return Err(WsdError::TooLarge("nesting"));
                }
            }
            Event::End(_) => {
                st.text(&path, &text)?;
                text.clear();
                let name = path.pop().unwrap_or_default();
                if name == "ProbeMatch"
                    && st.kind == Some("ProbeMatches")
                    && let Some(b) = st.current.take()
                {
                    st.matches.push(b.finish()?);
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => crate::xml::push_ref(&mut text, &r)?,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !path.is_empty() {
        return Err(WsdError::Invalid("unclosed elements".into()));
    }
    Ok(match st.kind {
        Some("ProbeMatches") => Message::ProbeMatches {
            relates_to: st.relates_to,
            matches: st.matches,
        },
        Some("Hello") => Message::Hello(st.current.unwrap_or_default().finish()?),
        Some("Bye") => Message::Bye {
            reference: st
                .bye_ref
                .ok_or_else(|| WsdError::Invalid("Bye without EndpointReference".into()))?,
        },
        _ => Message::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MATCH: &str = r#"<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header><a:MessageID>urn:uuid:1</a:MessageID><a:RelatesTo>urn:uuid:probe-1</a:RelatesTo><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:dev-1</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>onvif://www.onvif.org/type/camera onvif://www.onvif.org/name/cam-1</d:Scopes><d:XAddrs>http://127.0.0.1:8080/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"#;

    #[test]
    fn probe_matches_parse() {
        let m = parse(MATCH.as_bytes()).unwrap();
        let Message::ProbeMatches {
            relates_to,
            matches,
        } = m
        else {
            panic!("{m:?}")
        };
        assert_eq!(relates_to.as_deref(), Some("urn:uuid:probe-1"));
        assert_eq!(matches.len(), 1);
        let e = &matches[0];
        assert_eq!(e.reference, "urn:uuid:dev-1");
        assert_eq!(e.types, ["dn:NetworkVideoTransmitter", "tds:Device"]);
        assert_eq!(e.scopes.len(), 2);
        assert_eq!(e.xaddrs, ["http://127.0.0.1:8080/onvif/device_service"]);
        assert_eq!(e.metadata_version, Some(1));
    }

    #[test]
    fn entity_references_stay_in_their_text() {
        // quick-xml hands `&amp;` over as its own event: the text around it must not be lost.
        let m = MATCH
            .replace(
                "onvif://www.onvif.org/name/cam-1",
                "onvif://www.onvif.org/name/Gate&amp;Yard onvif://www.onvif.org/location/&#x41;&#66;",
            )
            .replace(
                "http://127.0.0.1:8080/onvif/device_service",
                "http://127.0.0.1:8080/onvif/device_service?a=1&amp;b=2",
            );
        let Message::ProbeMatches { matches, .. } = parse(m.as_bytes()).unwrap() else {
            panic!()
        };
        let e = &matches[0];
        assert_eq!(
            e.scopes[1..],
            [
                "onvif://www.onvif.org/name/Gate&Yard",
                "onvif://www.onvif.org/location/AB"
            ]
        );
        assert_eq!(
            e.xaddrs,
            ["http://127.0.0.1:8080/onvif/device_service?a=1&b=2"]
        );
        // An entity no DOCTYPE declared is an error, as before.
        let unknown = MATCH.replace("cam-1", "cam&nbsp;1");
        assert!(matches!(parse(unknown.as_bytes()), Err(WsdError::Xml(_))));
    }

    #[test]
    fn hello_and_bye_parse() {
        let hello = MATCH
            .replace("<d:ProbeMatches><d:ProbeMatch>", "<d:Hello>")
            .replace("</d:ProbeMatch></d:ProbeMatches>", "</d:Hello>");
        let Message::Hello(e) = parse(hello.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(e.reference, "urn:uuid:dev-1");
        let bye = r#"<s:Envelope xmlns:s="x" xmlns:a="y" xmlns:d="z"><s:Body><d:Bye><a:EndpointReference><a:Address>urn:uuid:dev-1</a:Address></a:EndpointReference></d:Bye></s:Body></s:Envelope>"#;
        assert_eq!(
            parse(bye.as_bytes()).unwrap(),
            Message::Bye {
                reference: "urn:uuid:dev-1".into()
            }
        );
    }

    #[test]
    fn our_probe_is_parsed_as_other_and_carries_types() {
        let p = probe("urn:uuid:abc", &ONVIF_TYPES);
        assert!(p.contains("<d:Types>tds:Device dn:NetworkVideoTransmitter</d:Types>"));
        let both = onvif_probes(rand::random);
        assert_eq!(both.len(), 2);
        assert!(
            both[0].1.contains("<d:Types>tds:Device</d:Types>") && both[0].1.contains(&both[0].0)
        );
        assert_ne!(both[0].0, both[1].0);
        assert_eq!(parse(p.as_bytes()).unwrap(), Message::Other);
        assert!(message_id([7; 16]).starts_with("urn:uuid:07070707-"));
    }

    #[test]
    fn hostile_datagrams_are_errors() {
        let cut = MATCH.find("<d:XAddrs>").unwrap();
        let malformed = format!(
            "{}<d:XAddrs>http://[::not-an-address/onvif</d:Types></d:ProbeMatch>",
            &MATCH[..cut]
        );
        assert!(parse(malformed.as_bytes()).is_err());
        let bad_xaddr = MATCH.replace(
            "http://127.0.0.1:8080/onvif/device_service",
            "http://[::not-an-address/onvif",
        );
        assert!(matches!(
            parse(bad_xaddr.as_bytes()),
            Err(WsdError::Invalid(_))
        ));
        let pad: String = (0..1900)
            .map(|i| format!(" onvif://www.onvif.org/x/{i:08}"))
            .collect();
        let gigantic = MATCH.replacen("</d:Scopes>", &format!("{pad}</d:Scopes>"), 1);
        assert!(matches!(
            parse(gigantic.as_bytes()),
            Err(WsdError::TooLarge(_))
        ));
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;\">]><s:Envelope xmlns:s=\"x\"><s:Body>&lol1;</s:Body></s:Envelope>";
        assert!(matches!(parse(bomb.as_bytes()), Err(WsdError::Doctype)));
        let no_ref = MATCH.replace("urn:uuid:dev-1", "");
        assert!(parse(no_ref.as_bytes()).is_err());
    }
}
