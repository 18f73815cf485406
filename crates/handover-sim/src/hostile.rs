//! Hostile documents for the fault injector: malformed XML, gigantic XML and an entity-expansion bomb,
//! for both SOAP answers and WS-Discovery ProbeMatches. Pure data generators; the servers decide when
//! to send them.

use bytes::Bytes;

use crate::soap::respond::NAMESPACES;

/// The "billion laughs" document: ten levels of ten-fold entity expansion inside a SOAP body.
pub fn entity_bomb() -> String {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE env:Envelope [\n <!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str(&format!(
        "]>\n<env:Envelope {NAMESPACES}><env:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>&lol9;</tds:Manufacturer></tds:GetDeviceInformationResponse></env:Body></env:Envelope>"
    ));
    doc
}

/// A SOAP answer that is not well-formed (mismatched tags, never closed).
pub fn malformed_soap() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><env:Envelope {NAMESPACES}><env:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>ACME</tds:Model><tds:FirmwareVersion>1.0<"
    )
}

/// Opening of a gigantic SOAP answer; followed by [`gigantic_chunk`]s and [`GIGANTIC_TAIL`].
pub fn gigantic_head() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><env:Envelope {NAMESPACES}><env:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>"
    )
}

/// One 64 KiB chunk of padding text.
pub fn gigantic_chunk() -> Bytes {
    Bytes::from(vec![b'A'; 64 * 1024])
}

/// How many chunks make a gigantic HTTP answer (64 MiB).
pub const GIGANTIC_CHUNKS: usize = 1024;

/// Closing of a gigantic SOAP answer.
pub const GIGANTIC_TAIL: &str =
    "</tds:Manufacturer></tds:GetDeviceInformationResponse></env:Body></env:Envelope>";

/// A gigantic ProbeMatch that still fits a UDP datagram (~60 KB, thousands of scopes).
pub fn gigantic_probe_match(valid: &str) -> String {
    let pad: String = (0..1900)
        .map(|i| format!(" onvif://www.onvif.org/x/{i:08}"))
        .collect();
    valid.replacen("</d:Scopes>", &format!("{pad}</d:Scopes>"), 1)
}

/// A ProbeMatch with broken XML and a nonsense XAddr.
pub fn malformed_probe_match(valid: &str) -> String {
    let cut = valid.find("<d:XAddrs>").unwrap_or(valid.len() / 2);
    format!(
        "{}<d:XAddrs>http://[::not-an-address/onvif</d:Types></d:ProbeMatch>",
        &valid[..cut]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::parse;

    #[test]
    fn hostile_documents_are_refused_by_our_own_parser() {
        assert!(parse(entity_bomb().as_bytes()).is_err());
        assert!(parse(malformed_soap().as_bytes()).is_err());
        let valid =
            "<d:ProbeMatch><d:Scopes>a</d:Scopes><d:XAddrs>http://x</d:XAddrs></d:ProbeMatch>";
        assert!(parse(malformed_probe_match(valid).as_bytes()).is_err());
        let big = gigantic_probe_match(valid);
        assert!(big.len() > 55_000 && big.len() < 65_000, "{}", big.len());
    }
}
