//! Every glyph drawn is a real one: a report whose site, customer and device names are in
//! Latin with diacritics, Greek and Cyrillic is read back three ways — poppler's text
//! extraction must give the names exactly, and an independent reading of the PDF's own
//! structures (content streams, ToUnicode CMaps, and the embedded TrueType programs parsed
//! here by hand: table directory, `head`, `loca`, `glyf`) must show that every code drawn
//! is a non-zero glyph with an outline — never glyph 0, the `.notdef` box — and that
//! `pdfsig` still validates the signature. Characters the fonts cannot draw are named on
//! the cover.

use handover_test_support::report as common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use handover_report::{render, sign};
use lopdf::{Document, Object};

const NAMES: [&str; 5] = ["Zürich", "São Paulo", "Łódź", "Αθήνα", "Москва"];

fn international_model() -> handover_report::ReportModel {
    let mut m = model(12);
    m.site.name = "Zürich Flughafen · São Paulo Metrô".into();
    m.site.customer = "Łódź Transport — Αθήνα Μετρό — Москва".into();
    let devices = [
        "Zürich Tor Nord",
        "São Paulo portão",
        "Łódź brama",
        "Αθήνα είσοδος",
        "Москва вход",
    ];
    for (d, name) in m.devices.iter_mut().zip(devices) {
        d.name = name.into();
    }
    m
}

/// A minimal TrueType reader, independent of the renderer's font stack: the byte length of
/// each glyph's `glyf` entry (0 = no outline) and its contour count.
struct TrueType {
    glyphs: Vec<(usize, i16)>,
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl TrueType {
    fn parse(font: &[u8]) -> TrueType {
        let tables = be16(font, 4) as usize;
        let mut dir = BTreeMap::new();
        for i in 0..tables {
            let rec = 12 + 16 * i;
            let tag = String::from_utf8_lossy(&font[rec..rec + 4]).into_owned();
            dir.insert(
                tag,
                (be32(font, rec + 8) as usize, be32(font, rec + 12) as usize),
            );
        }
        let table = |tag: &str| {
            let (off, len) = dir[tag];
            &font[off..off + len]
        };
        let long_loca = be16(table("head"), 50) == 1;
        let num_glyphs = be16(table("maxp"), 4) as usize;
        let loca = table("loca");
        let glyf = table("glyf");
        let offset = |g: usize| {
            if long_loca {
                be32(loca, 4 * g) as usize
            } else {
                be16(loca, 2 * g) as usize * 2
            }
        };
        let glyphs = (0..num_glyphs)
            .map(|g| {
                let (start, end) = (offset(g), offset(g + 1));
                let contours = if end > start {
                    be16(glyf, start) as i16
                } else {
                    0
                };
                (end - start, contours)
            })
            .collect();
        TrueType { glyphs }
    }

    /// True when glyph `gid` draws something (simple contours or a composite).
    fn has_outline(&self, gid: u16) -> bool {
        self.glyphs
            .get(gid as usize)
            .is_some_and(|(len, contours)| *len > 0 && *contours != 0)
    }
}

/// `<CID> <UTF-16BE>` pairs of a ToUnicode CMap (bfchar and bfrange).
fn to_unicode(cmap: &str) -> BTreeMap<u16, String> {
    let hex = |s: &str| {
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned()
    };
    let utf16 = |h: &str| {
        let units: Vec<u16> = (0..h.len() / 4)
            .map(|i| u16::from_str_radix(&h[4 * i..4 * i + 4], 16).unwrap())
            .collect();
        String::from_utf16(&units).unwrap()
    };
    let mut out = BTreeMap::new();
    let mut mode = "";
    for line in cmap.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            mode = "char";
        } else if line.ends_with("beginbfrange") {
            mode = "range";
        } else if line.starts_with("endbf") {
            mode = "";
        } else if mode == "char" {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() == 2 {
                let cid = u16::from_str_radix(&hex(parts[0]), 16).unwrap();
                out.insert(cid, utf16(&hex(parts[1])));
            }
        } else if mode == "range" {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() == 3 && parts[2].starts_with('<') {
                let lo = u16::from_str_radix(&hex(parts[0]), 16).unwrap();
                let hi = u16::from_str_radix(&hex(parts[1]), 16).unwrap();
                let first = utf16(&hex(parts[2]));
                let base = first.chars().next().unwrap() as u32;
                for (i, cid) in (lo..=hi).enumerate() {
                    out.insert(cid, char::from_u32(base + i as u32).unwrap().to_string());
                }
            }
        }
    }
    out
}

fn stream_bytes(doc: &Document, obj: &Object) -> Vec<u8> {
    let id = obj.as_reference().unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone())
}

/// A dictionary given inline or by reference.
fn dict(doc: &Document, obj: &Object) -> lopdf::Dictionary {
    match obj {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap().clone(),
        other => other.as_dict().unwrap().clone(),
    }
}

/// Per font resource name: its ToUnicode map and its embedded TrueType program.
fn fonts(doc: &Document) -> BTreeMap<Vec<u8>, (BTreeMap<u16, String>, TrueType)> {
    let mut out = BTreeMap::new();
    for page in doc.page_iter() {
        let (resources, ids) = doc.get_page_resources(page).unwrap();
        let resources = resources
            .cloned()
            .or_else(|| {
                ids.first()
                    .map(|id| doc.get_dictionary(*id).unwrap().clone())
            })
            .expect("page resources");
        let fonts = resources.get(b"Font").unwrap();
        let fonts = dict(doc, fonts);
        for (name, font) in fonts.iter() {
            if out.contains_key(name) {
                continue;
            }
            let font = dict(doc, font);
            assert_eq!(font.get(b"Subtype").unwrap().as_name().unwrap(), b"Type0");
            let cmap =
                String::from_utf8(stream_bytes(doc, font.get(b"ToUnicode").unwrap())).unwrap();
            let descendant = match font.get(b"DescendantFonts").unwrap() {
                Object::Array(a) => a[0].clone(),
                Object::Reference(id) => {
                    doc.get_object(*id).unwrap().as_array().unwrap()[0].clone()
                }
                other => panic!("DescendantFonts {other:?}"),
            };
            let cid_font = dict(doc, &descendant);
            // Codes are glyph ids: no CIDToGIDMap stream reorders them.
            if let Ok(map) = cid_font.get(b"CIDToGIDMap") {
                assert_eq!(map.as_name().unwrap(), b"Identity");
            }
            let descriptor = dict(doc, cid_font.get(b"FontDescriptor").unwrap());
            let program = stream_bytes(doc, descriptor.get(b"FontFile2").unwrap());
            out.insert(name.clone(), (to_unicode(&cmap), TrueType::parse(&program)));
        }
    }
    out
}

/// Every (font, code) shown by a text operator on any page.
fn codes_drawn(doc: &Document) -> Vec<(Vec<u8>, u16)> {
    let mut out = Vec::new();
    for page in doc.page_iter() {
        let content = doc.get_and_decode_page_content(page).unwrap();
        let mut font = Vec::new();
        for op in content.operations {
            let mut strings = Vec::new();
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "Tj" | "'" => strings.push(op.operands.last().unwrap().clone()),
                "TJ" => strings.extend(op.operands[0].as_array().unwrap().iter().cloned()),
                _ => {}
            }
            for s in strings {
                if let Object::String(bytes, _) = s {
                    for pair in bytes.chunks(2) {
                        out.push((font.clone(), u16::from_be_bytes([pair[0], pair[1]])));
                    }
                }
            }
        }
    }
    out
}

/// Checks every drawn code of `pdf` and returns the characters the drawn glyphs stand for.
fn check_every_glyph_is_real(pdf: &[u8]) -> BTreeSet<char> {
    let doc = Document::load_mem(pdf).unwrap();
    let fonts = fonts(&doc);
    assert_eq!(fonts.len(), 2, "the two DejaVu faces");
    let mut chars = BTreeSet::new();
    let drawn = codes_drawn(&doc);
    assert!(drawn.len() > 1000, "too little text found: {}", drawn.len());
    for (font, code) in drawn {
        let (map, program) = &fonts[&font];
        let text = map
            .get(&code)
            .unwrap_or_else(|| panic!("code {code:04X} in {font:?} has no ToUnicode entry"));
        assert_ne!(code, 0, "{text:?} drawn as glyph 0 (.notdef) in {font:?}");
        if !text.chars().all(char::is_whitespace) {
            assert!(
                program.has_outline(code),
                "{text:?} (glyph {code}) has no outline in {font:?}"
            );
        }
        chars.extend(text.chars());
    }
    chars
}

#[test]
fn latin_greek_and_cyrillic_names_render_and_extract_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let m = international_model();
    let (_ca, id) = identity(16);
    let signed = sign(&render(&m, &options()).unwrap(), &id, clock()).unwrap();
    let path = write(dir.path(), "intl.pdf", &signed);

    let text = pdftotext(&path);
    for needle in [
        "Zürich Flughafen · São Paulo Metrô",
        "Łódź Transport — Αθήνα Μετρό — Москва",
        "Zürich Tor Nord",
        "São Paulo portão",
        "Łódź brama",
        "Αθήνα είσοδος",
        "Москва вход",
    ] {
        assert!(text.contains(needle), "{needle:?} not extracted:\n{text}");
    }
    assert!(
        !text.contains('\u{FFFD}'),
        "a replacement character was drawn"
    );
    assert!(!text.contains("cannot draw"), "nothing here is undrawable");

    let drawn = check_every_glyph_is_real(&signed);
    for name in NAMES {
        for c in name.chars().filter(|c| !c.is_whitespace()) {
            assert!(drawn.contains(&c), "{c:?} of {name} was not drawn");
        }
    }
    // The report's own punctuation: middle dot, em dash, ellipsis (cut cells).
    for c in ['\u{00B7}', '\u{2014}', '\u{2026}'] {
        assert!(drawn.contains(&c), "{c:?} was not drawn");
    }

    let sig = pdfsig(&path, None);
    assert!(sig.contains("Signature is Valid."), "pdfsig:\n{sig}");
}

#[test]
fn a_latin_only_report_draws_its_punctuation_too() {
    // Before the fix, a report whose characters all fitted Mac Roman got a Mac Roman cmap in
    // its font subset, and every non-ASCII character (·, —, …) was drawn as glyph 0.
    let mut m = model(12);
    for (i, d) in m.devices.iter_mut().enumerate() {
        d.name = format!("cam-{i:02}");
    }
    m.site.name = "Depot · Zürich".into();
    let pdf = render(&m, &options()).unwrap();
    let drawn = check_every_glyph_is_real(&pdf);
    for c in ['\u{00B7}', '\u{2014}', 'ü'] {
        assert!(drawn.contains(&c), "{c:?} was not drawn");
    }
}

#[test]
fn what_bold_lacks_is_drawn_by_the_regular_face() {
    // U+1D5A0 MATHEMATICAL SANS-SERIF CAPITAL A: in DejaVu Sans, not in DejaVu Sans Bold.
    // Device names are bold in the tables.
    let dir = tempfile::tempdir().unwrap();
    let mut m = model(3);
    m.devices[0].name = "cam \u{1D5A0}\u{1D5A1} gate".into();
    let pdf = render(&m, &options()).unwrap();
    let drawn = check_every_glyph_is_real(&pdf);
    assert!(drawn.contains(&'\u{1D5A0}') && drawn.contains(&'\u{1D5A1}'));
    let text = pdftotext(&write(dir.path(), "r.pdf", &pdf));
    assert!(text.contains("cam \u{1D5A0}\u{1D5A1} gate"), "{text}");
    assert!(!text.contains("cannot draw"), "{text}");
}

#[test]
fn characters_no_font_has_are_named_on_the_cover() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = model(3);
    m.site.customer = "北京 Metro".into();
    m.devices[1].name = "cam ก gate".into();
    let pdf = render(&m, &options()).unwrap();
    // Still no glyph 0: the missing characters are drawn as the replacement character.
    let drawn = check_every_glyph_is_real(&pdf);
    assert!(drawn.contains(&'\u{FFFD}'));
    let text = pdftotext(&write(dir.path(), "r.pdf", &pdf));
    let page1 = text.split('\u{c}').next().unwrap();
    let flat = page1.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("cannot draw 3 character(s)"), "{flat}");
    for needle in [
        "site customer: U+5317 U+4EAC",
        "device dev-00001 name: U+0E01",
    ] {
        assert!(flat.contains(needle), "{needle} missing:\n{flat}");
    }
}
