//! Writers for SOAP 1.2 envelopes and ONVIF faults (env:Code / ter:Subcode / ter:Subcode as the ONVIF
//! Core specification lays them out). Pure string building; no IO.

use std::fmt::Write as _;

/// Namespace declarations every response envelope carries.
pub const NAMESPACES: &str = concat!(
    r#"xmlns:env="http://www.w3.org/2003/05/soap-envelope" "#,
    r#"xmlns:ter="http://www.onvif.org/ver10/error" "#,
    r#"xmlns:tds="http://www.onvif.org/ver10/device/wsdl" "#,
    r#"xmlns:tt="http://www.onvif.org/ver10/schema" "#,
    r#"xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd""#
);

/// Escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Wraps a body in a SOAP 1.2 envelope.
pub fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><env:Envelope {NAMESPACES}><env:Body>{body}</env:Body></env:Envelope>"#
    )
}

/// A SOAP fault with ONVIF subcodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapFault {
    /// True for env:Sender (client's fault, HTTP 400), false for env:Receiver (HTTP 500).
    pub sender: bool,
    /// First subcode, e.g. `ter:NotAuthorized`, `ter:InvalidArgVal`, `ter:OperationProhibited`.
    pub subcode: &'static str,
    /// Optional second subcode, e.g. `ter:UsernameClash`.
    pub subsubcode: Option<&'static str>,
    /// Human-readable reason.
    pub reason: String,
}

impl SoapFault {
    /// env:Sender fault.
    pub fn sender(
        subcode: &'static str,
        subsub: Option<&'static str>,
        reason: impl Into<String>,
    ) -> Self {
        SoapFault {
            sender: true,
            subcode,
            subsubcode: subsub,
            reason: reason.into(),
        }
    }

    /// env:Receiver fault.
    pub fn receiver(
        subcode: &'static str,
        subsub: Option<&'static str>,
        reason: impl Into<String>,
    ) -> Self {
        SoapFault {
            sender: false,
            subcode,
            subsubcode: subsub,
            reason: reason.into(),
        }
    }

    /// ter:NotAuthorized (env:Sender, ter:NotAuthorized).
    pub fn not_authorized(reason: impl Into<String>) -> Self {
        Self::sender("ter:NotAuthorized", None, reason)
    }

    /// The HTTP status this fault travels with (SOAP 1.2 HTTP binding).
    pub fn http_status(&self) -> u16 {
        if self.sender { 400 } else { 500 }
    }

    /// The fault as a full envelope.
    pub fn to_envelope(&self) -> String {
        let code = if self.sender {
            "env:Sender"
        } else {
            "env:Receiver"
        };
        let mut inner = format!("<env:Subcode><env:Value>{}</env:Value>", self.subcode);
        if let Some(s) = self.subsubcode {
            let _ = write!(
                inner,
                "<env:Subcode><env:Value>{s}</env:Value></env:Subcode>"
            );
        }
        inner.push_str("</env:Subcode>");
        envelope(&format!(
            r#"<env:Fault><env:Code><env:Value>{code}</env:Value>{inner}</env:Code><env:Reason><env:Text xml:lang="en">{}</env:Text></env:Reason></env:Fault>"#,
            escape(&self.reason)
        ))
    }
}

/// A SOAP 1.1 fault envelope (faultcode, faultstring), as older firmware sends them.
pub fn soap11_fault(faultcode: &str, reason: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsse="{WSSE_NS}"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>{faultcode}</faultcode><faultstring>{}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#,
        escape(reason)
    )
}

/// The OASIS WS-Security 1.0 namespace (the `wsse:` fault codes).
pub const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::parse;

    #[test]
    fn faults_parse_back_with_their_subcodes() {
        let f = SoapFault::sender(
            "ter:OperationProhibited",
            Some("ter:UsernameClash"),
            "a <b>",
        );
        let root = parse(f.to_envelope().as_bytes()).unwrap();
        let code = root.path(&["Body", "Fault", "Code"]).unwrap();
        assert_eq!(code.text_at(&["Value"]), Some("env:Sender"));
        assert_eq!(
            code.text_at(&["Subcode", "Value"]),
            Some("ter:OperationProhibited")
        );
        assert_eq!(
            code.text_at(&["Subcode", "Subcode", "Value"]),
            Some("ter:UsernameClash")
        );
        assert_eq!(
            root.text_at(&["Body", "Fault", "Reason", "Text"]),
            Some("a <b>")
        );
        assert_eq!(f.http_status(), 400);
    }
}
