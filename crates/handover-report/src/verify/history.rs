//! The history anchor: the audit log head hash printed in the report's method appendix must be
//! the one its embedded inventory JSON (`audit_log_head`) claims, so the history the reader sees
//! and the one a machine reads are the same. The printed value is read back from the page text
//! (lopdf's extraction through the fonts' ToUnicode maps), scanning pages from the end, where
//! the appendix is, with each page's decompressed content bounded. Reports made before the twin
//! carried the head have nothing to compare: `None`, listed as a problem, not a verdict.

use lopdf::Document;

/// Most decompressed content read per page while looking for the printed head.
const PAGE_LIMIT: usize = 16 << 20;
/// Most pages read (from the end).
const MAX_PAGES: usize = 2_000;
/// The label the appendix prints before the hash (`sections::appendix`).
const LABEL: &str = "Audit log head";

/// The audit log head as claimed by the embedded inventory and as printed on the page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditHead {
    /// The hash the embedded inventory claims (hex).
    pub claimed: String,
    /// The hash printed in the method appendix, if found.
    pub printed: Option<String>,
}

impl AuditHead {
    /// The printed hash is the claimed one.
    pub fn matches(&self) -> bool {
        self.printed.as_deref() == Some(self.claimed.as_str())
    }
}

/// Compares the claimed head with the printed one; `None` when the inventory claims none.
pub(super) fn check(doc: &Document, claimed: Option<String>) -> Option<AuditHead> {
    let claimed = claimed?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let printed = pages.iter().rev().take(MAX_PAGES).find_map(|&n| {
        let text = doc.extract_text_with_limit(&[n], PAGE_LIMIT).ok()?;
        printed_after_label(&text)
    });
    Some(AuditHead { claimed, printed })
}

/// The hex digits after the label (white space inside the value, from line wrapping, skipped).
fn printed_after_label(text: &str) -> Option<String> {
    let at = text.find(LABEL)? + LABEL.len();
    let mut out = String::new();
    for c in text[at..].chars() {
        if c.is_ascii_hexdigit() {
            out.push(c.to_ascii_lowercase());
            if out.len() == 64 {
                break;
            }
        } else if c.is_whitespace() || (out.is_empty() && c == ':') {
            continue;
        } else {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::printed_after_label;

    #[test]
    fn reads_the_hash_after_the_label_across_a_line_break() {
        let h = "ab".repeat(32);
        let text = format!(
            "Report generated 2026\nAudit log head {}\n{}\nCatalogs",
            &h[..40],
            &h[40..]
        );
        assert_eq!(printed_after_label(&text).as_deref(), Some(h.as_str()));
        assert_eq!(printed_after_label("no label here"), None);
        assert_eq!(printed_after_label("Audit log head —"), None);
    }
}
