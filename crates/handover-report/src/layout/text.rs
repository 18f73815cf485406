//! Text measuring and shaping-lite for the report: the bundled DejaVu fonts (parsed once),
//! advance widths from the font's `hmtx`, sanitizing of untrusted text (control and bidi
//! override characters stripped, glyphs the font lacks replaced), greedy word wrapping with
//! an ellipsis when a cell runs out of lines, and visual reordering of right-to-left runs
//! (Unicode bidi algorithm) so Hebrew and Arabic letters come out in reading order.
//! Not a full shaper: Arabic gets contextual forms only (see `arabic.rs`); no kerning.

use std::sync::OnceLock;

use printpdf::{ParsedFont, PdfFontParseWarning};

/// The regular face, DejaVu Sans (Bitstream Vera licence, see assets/fonts/DejaVu-LICENSE.txt).
pub const REGULAR_TTF: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
/// The bold face, DejaVu Sans Bold.
pub const BOLD_TTF: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Which face to draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weight {
    /// DejaVu Sans.
    Regular = 0,
    /// DejaVu Sans Bold.
    Bold = 1,
}

/// One parsed face with a fast path for ASCII widths, and the face it falls back to for
/// characters it lacks (DejaVu Sans Bold draws what it lacks with DejaVu Sans).
pub struct Face {
    /// The parsed font handed to printpdf.
    pub parsed: ParsedFont,
    units_per_em: f32,
    ascii: [f32; 128],
    replacement: char,
    fallback: Option<(Weight, &'static Face)>,
}

/// Both faces.
pub struct Fonts {
    /// Regular face.
    pub regular: &'static Face,
    /// Bold face (falls back to the regular face).
    pub bold: &'static Face,
}

impl Fonts {
    /// The bundled fonts, parsed on first use (they are compiled in: no IO).
    pub fn get() -> crate::error::Result<&'static Fonts> {
        static REGULAR: OnceLock<Option<Face>> = OnceLock::new();
        static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
        FONTS
            .get_or_init(|| {
                let regular = REGULAR
                    .get_or_init(|| Face::parse(REGULAR_TTF, None))
                    .as_ref()?;
                let bold = Box::leak(Box::new(Face::parse(
                    BOLD_TTF,
                    Some((Weight::Regular, regular)),
                )?));
                Some(Fonts { regular, bold })
            })
            .as_ref()
            .ok_or(crate::error::Error::Font("DejaVuSans"))
    }

    /// The face for a weight.
    pub fn face(&self, w: Weight) -> &'static Face {
        match w {
            Weight::Regular => self.regular,
            Weight::Bold => self.bold,
        }
    }

    /// The characters of `text` that no bundled face can draw (shown as U+FFFD instead), in
    /// order of first appearance. Control characters and format marks are not drawn at all
    /// and are not listed.
    pub fn undrawable(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            if c.is_control() || is_format_mark(c) || c.is_ascii() {
                continue;
            }
            let drawable = self.regular.has_glyph(c) && self.bold.has_glyph(c);
            if !drawable && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}

impl Face {
    fn parse(bytes: &[u8], fallback: Option<(Weight, &'static Face)>) -> Option<Face> {
        let mut warnings: Vec<PdfFontParseWarning> = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)?;
        let units_per_em = f32::from(parsed.units_per_em.max(1));
        let mut face = Face {
            parsed,
            units_per_em,
            ascii: [0.0; 128],
            replacement: '?',
            fallback,
        };
        for c in 0u8..128 {
            face.ascii[c as usize] = face.own_advance(char::from(c));
        }
        if face.has_glyph('\u{FFFD}') {
            face.replacement = '\u{FFFD}';
        }
        Some(face)
    }

    fn own_advance(&self, c: char) -> f32 {
        let gid = self.parsed.lookup_glyph_index(c as u32).unwrap_or(0);
        f32::from(self.parsed.get_glyph_width(gid).unwrap_or(0)) / self.units_per_em
    }

    /// True when this face itself (not its fallback) has a glyph for `c`.
    pub fn own_glyph(&self, c: char) -> bool {
        matches!(self.parsed.lookup_glyph_index(c as u32), Some(g) if g != 0)
    }

    /// The fallback face that draws `c` when this one lacks it.
    fn fallback_for(&self, c: char) -> Option<(Weight, &'static Face)> {
        self.fallback
            .filter(|(_, f)| !self.own_glyph(c) && f.own_glyph(c))
    }

    /// True when the face, or its fallback, has a glyph for `c`.
    pub fn has_glyph(&self, c: char) -> bool {
        self.own_glyph(c) || self.fallback_for(c).is_some()
    }

    /// Advance of `c` in em (the fallback's advance for a character drawn by the fallback).
    pub fn advance(&self, c: char) -> f32 {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else if let Some((_, f)) = self.fallback_for(c) {
            f.own_advance(c)
        } else {
            self.own_advance(c)
        }
    }

    /// `text` cut into runs drawn by one face each: `None` for this face, `Some(weight)` for
    /// the fallback face of that weight.
    pub fn runs<'a>(&self, text: &'a str) -> Vec<(Option<Weight>, &'a str)> {
        let mut out: Vec<(Option<Weight>, &'a str)> = Vec::new();
        let mut start = 0;
        let mut current: Option<Option<Weight>> = None;
        for (i, c) in text.char_indices() {
            let by = self.fallback_for(c).map(|(w, _)| w);
            match current {
                Some(cur) if cur == by => {}
                Some(cur) => {
                    out.push((cur, &text[start..i]));
                    start = i;
                    current = Some(by);
                }
                None => current = Some(by),
            }
        }
        if let Some(cur) = current {
            out.push((cur, &text[start..]));
        }
        out
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// Untrusted text made safe to draw: control characters become spaces (line breaks,
    /// tabs) or vanish, bidi override/isolate marks vanish (they could visually reorder a
    /// name into something else), characters the font lacks become U+FFFD, and Arabic
    /// letters take their contextual (joined) forms.
    pub fn sanitize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_control() {
                if c.is_whitespace() && !out.ends_with(' ') {
                    out.push(' ');
                }
                continue;
            }
            if is_format_mark(c) {
                continue;
            }
            if c.is_ascii() || self.has_glyph(c) {
                out.push(c);
            } else {
                out.push(self.replacement);
            }
        }
        if super::arabic::needs_shaping(&out) {
            out = super::arabic::shape(&out, |c| self.has_glyph(c));
        }
        out
    }

    /// Wraps sanitized `text` into at most `max_lines` lines of at most `width` points;
    /// when text remains, the last line ends in an ellipsis. Words longer than a line are
    /// broken between characters. Lines are in logical order; call [`visual`] before drawing.
    pub fn wrap(&self, text: &str, size: f32, width: f32, max_lines: usize) -> Vec<String> {
        let max_lines = max_lines.max(1);
        let space = self.advance(' ') * size;
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        let mut line_w = 0.0f32;
        let mut truncated = false;
        'words: for word in text.split(' ').filter(|w| !w.is_empty()) {
            let word_w = self.width(word, size);
            let needed = if line.is_empty() {
                word_w
            } else {
                line_w + space + word_w
            };
            if needed <= width {
                if !line.is_empty() {
                    line.push(' ');
                    line_w += space;
                }
                line.push_str(word);
                line_w += word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
                if lines.len() == max_lines {
                    truncated = true;
                    break 'words;
                }
            }
            if word_w <= width {
                line.push_str(word);
                line_w = word_w;
                continue;
            }
            // A word longer than the line: break it after a hyphen, dot, slash, colon or underscore where
            // one falls inside the line ("depot-core-" / "sw01.example.net"), between characters otherwise.
            for piece in word.split_inclusive(['-', '.', '/', ':', '_']) {
                let piece_w = self.width(piece, size);
                if !line.is_empty() && line_w + piece_w > width && piece_w <= width {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                    if lines.len() == max_lines {
                        truncated = true;
                        break 'words;
                    }
                }
                for c in piece.chars() {
                    let cw = self.advance(c) * size;
                    if line_w + cw > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                        if lines.len() == max_lines {
                            truncated = true;
                            break 'words;
                        }
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
        }
        if !truncated && !line.is_empty() {
            lines.push(line);
        }
        if truncated && let Some(last) = lines.last_mut() {
            *last = self.ellipsize(&format!("{last}\u{2026}"), size, width);
            if !last.ends_with('\u{2026}') {
                last.push('\u{2026}');
            }
        }
        lines
    }

    /// `text` cut to fit `width` points, ending in an ellipsis when it was cut.
    pub fn ellipsize(&self, text: &str, size: f32, width: f32) -> String {
        if self.width(text, size) <= width {
            return text.to_owned();
        }
        let ell = self.advance('\u{2026}') * size;
        let mut out = String::new();
        let mut w = 0.0;
        for c in text.chars() {
            let cw = self.advance(c) * size;
            if w + cw + ell > width {
                break;
            }
            out.push(c);
            w += cw;
        }
        out.push('\u{2026}');
        out
    }
}

/// Bidi and zero-width format marks that are dropped from untrusted text.
fn is_format_mark(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{061C}' | '\u{FEFF}')
}

fn has_rtl(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}')
    })
}

/// One line in visual (left-to-right drawing) order: right-to-left runs reversed per the
/// Unicode bidi algorithm. Pure LTR text is returned unchanged without allocation work.
pub fn visual(line: &str) -> String {
    if !has_rtl(line) {
        return line.to_owned();
    }
    let info = unicode_bidi::BidiInfo::new(line, None);
    let mut out = String::with_capacity(line.len());
    for para in &info.paragraphs {
        out.push_str(&info.reorder_line(para, para.range.clone()));
    }
    out
}

/// A UTC timestamp as "YYYY-MM-DD HH:MM UTC".
pub fn format_timestamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A UTC date as "YYYY-MM-DD".
pub fn format_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> &'static Face {
        Fonts::get().unwrap().regular
    }

    #[test]
    fn sanitize_strips_controls_and_overrides() {
        let f = face();
        assert_eq!(f.sanitize("cam\u{0}\u{7}era\r\n01"), "camera 01");
        assert_eq!(f.sanitize("a\u{202E}b\u{2066}c"), "abc");
        assert_eq!(f.sanitize(") Tj \\ ("), ") Tj \\ (");
        // A character DejaVu lacks (a CJK ideograph) becomes the replacement glyph.
        assert_eq!(f.sanitize("x\u{4E2D}"), "x\u{FFFD}");
    }

    #[test]
    fn wrap_respects_width_and_lines() {
        let f = face();
        let text = "the quick brown fox jumps over the lazy dog again and again";
        let lines = f.wrap(text, 10.0, 80.0, 10);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(f.width(l, 10.0) <= 80.0 + 0.01, "{l}");
        }
        assert_eq!(lines.join(" "), text);
        let cut = f.wrap(text, 10.0, 80.0, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('\u{2026}'));
        assert!(f.width(&cut[1], 10.0) <= 80.0 + 0.01);
    }

    #[test]
    fn long_words_break() {
        let f = face();
        let word = "X".repeat(200);
        let lines = f.wrap(&word, 8.0, 50.0, 100);
        assert!(lines.len() > 5);
        assert_eq!(lines.concat(), word);
    }

    #[test]
    fn long_names_break_after_separators_not_inside_a_part() {
        let f = face();
        let lines = f.wrap("depot-core-sw01.example.net", 6.8, 60.0, 4);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.concat(), "depot-core-sw01.example.net");
        for l in &lines {
            assert!(f.width(l, 6.8) <= 60.0 + 0.01, "{l}");
            assert!(
                l.ends_with(['-', '.']) || "depot-core-sw01.example.net".ends_with(l.as_str()),
                "broken inside a part: {lines:?}"
            );
        }
    }

    #[test]
    fn rtl_is_reversed_for_drawing() {
        assert_eq!(visual("abc"), "abc");
        assert_eq!(
            visual("\u{05D0}\u{05D1}\u{05D2}"),
            "\u{05D2}\u{05D1}\u{05D0}"
        );
    }
}
