//! Minimal Arabic shaping: each Arabic letter is replaced by its contextual presentation
//! form (isolated, final, initial, medial; Unicode Presentation Forms-B) and lam + alef by
//! their ligature, so Arabic names are drawn joined even though printpdf does not shape.
//! [`base_text`] maps a presentation form back to its letters; the renderer uses it to
//! rewrite the font's ToUnicode map, so copied and extracted text stays plain Arabic.
//! Not a full shaper: no marks positioning, no Persian/Urdu extensions beyond the table.

// Generated from Unicode presentation forms B (U+FE80–U+FEFC) decompositions.
/// (base letter, [isolated, final, initial, medial]); 0 where the form does not exist.
const FORMS: [(u16, [u16; 4]); 36] = [
    (0x0621, [0xFE80, 0x0000, 0x0000, 0x0000]),
    (0x0622, [0xFE81, 0xFE82, 0x0000, 0x0000]),
    (0x0623, [0xFE83, 0xFE84, 0x0000, 0x0000]),
    (0x0624, [0xFE85, 0xFE86, 0x0000, 0x0000]),
    (0x0625, [0xFE87, 0xFE88, 0x0000, 0x0000]),
    (0x0626, [0xFE89, 0xFE8A, 0xFE8B, 0xFE8C]),
    (0x0627, [0xFE8D, 0xFE8E, 0x0000, 0x0000]),
    (0x0628, [0xFE8F, 0xFE90, 0xFE91, 0xFE92]),
    (0x0629, [0xFE93, 0xFE94, 0x0000, 0x0000]),
    (0x062A, [0xFE95, 0xFE96, 0xFE97, 0xFE98]),
    (0x062B, [0xFE99, 0xFE9A, 0xFE9B, 0xFE9C]),
    (0x062C, [0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0]),
    (0x062D, [0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4]),
    (0x062E, [0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8]),
    (0x062F, [0xFEA9, 0xFEAA, 0x0000, 0x0000]),
    (0x0630, [0xFEAB, 0xFEAC, 0x0000, 0x0000]),
    (0x0631, [0xFEAD, 0xFEAE, 0x0000, 0x0000]),
    (0x0632, [0xFEAF, 0xFEB0, 0x0000, 0x0000]),
    (0x0633, [0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4]),
    (0x0634, [0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8]),
    (0x0635, [0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC]),
    (0x0636, [0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0]),
    (0x0637, [0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4]),
    (0x0638, [0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8]),
    (0x0639, [0xFEC9, 0xFECA, 0xFECB, 0xFECC]),
    (0x063A, [0xFECD, 0xFECE, 0xFECF, 0xFED0]),
    (0x0641, [0xFED1, 0xFED2, 0xFED3, 0xFED4]),
    (0x0642, [0xFED5, 0xFED6, 0xFED7, 0xFED8]),
    (0x0643, [0xFED9, 0xFEDA, 0xFEDB, 0xFEDC]),
    (0x0644, [0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0]),
    (0x0645, [0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4]),
    (0x0646, [0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8]),
    (0x0647, [0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC]),
    (0x0648, [0xFEED, 0xFEEE, 0x0000, 0x0000]),
    (0x0649, [0xFEEF, 0xFEF0, 0x0000, 0x0000]),
    (0x064A, [0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4]),
];
/// Lam + alef ligatures: (alef variant, [isolated, final]).
const LAM_ALEF: [(u16, [u16; 2]); 4] = [
    (0x0622, [0xFEF5, 0xFEF6]),
    (0x0623, [0xFEF7, 0xFEF8]),
    (0x0625, [0xFEF9, 0xFEFA]),
    (0x0627, [0xFEFB, 0xFEFC]),
];

const TATWEEL: char = '\u{0640}';
const LAM: char = '\u{0644}';

fn forms(c: char) -> Option<[u16; 4]> {
    let c = u16::try_from(u32::from(c)).ok()?;
    FORMS
        .binary_search_by_key(&c, |(b, _)| *b)
        .ok()
        .map(|i| FORMS[i].1)
}

fn is_transparent(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Joins to the letter after it (logical order).
fn joins_next(c: char) -> bool {
    c == TATWEEL || forms(c).is_some_and(|f| f[2] != 0)
}

/// Joins to the letter before it.
fn joins_prev(c: char) -> bool {
    c == TATWEEL || forms(c).is_some_and(|f| f[1] != 0)
}

fn lam_alef(alef: char) -> Option<[u16; 2]> {
    let a = u16::try_from(u32::from(alef)).ok()?;
    LAM_ALEF.iter().find(|(b, _)| *b == a).map(|(_, f)| *f)
}

fn to_char(u: u16) -> Option<char> {
    if u == 0 {
        None
    } else {
        char::from_u32(u32::from(u))
    }
}

/// True when `text` contains a letter this module shapes.
pub fn needs_shaping(text: &str) -> bool {
    text.chars().any(|c| forms(c).is_some())
}

/// `text` (logical order) with Arabic letters in their contextual forms. Forms for which
/// `has_glyph` is false are left as the plain letter.
pub fn shape(text: &str, has_glyph: impl Fn(char) -> bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let neighbour = |from: usize, step: isize| -> Option<char> {
        let mut i = from as isize + step;
        while i >= 0 && (i as usize) < chars.len() {
            let c = chars[i as usize];
            if !is_transparent(c) {
                return Some(c);
            }
            i += step;
        }
        None
    };
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let Some(f) = forms(c) else {
            out.push(c);
            i += 1;
            continue;
        };
        let prev = neighbour(i, -1).is_some_and(|p| joins_next(p) && joins_prev(c));
        // Lam followed directly by an alef: one ligature glyph.
        if c == LAM && chars.get(i + 1).and_then(|&a| lam_alef(a)).is_some() {
            let lig = lam_alef(chars[i + 1]).and_then(|l| to_char(l[usize::from(prev)]));
            if let Some(l) = lig.filter(|&l| has_glyph(l)) {
                out.push(l);
                i += 2;
                continue;
            }
        }
        let next = neighbour(i, 1).is_some_and(|n| joins_next(c) && joins_prev(n));
        let form = match (prev, next) {
            (true, true) => f[3],
            (true, false) => f[1],
            (false, true) => f[2],
            (false, false) => f[0],
        };
        match to_char(form).filter(|&g| has_glyph(g)) {
            Some(g) => out.push(g),
            None => out.push(c),
        }
        i += 1;
    }
    out
}

/// The plain letters a presentation form stands for (`None` for other characters).
pub fn base_text(c: char) -> Option<String> {
    let u = u16::try_from(u32::from(c)).ok()?;
    if !(0xFE80..=0xFEFC).contains(&u) {
        return None;
    }
    if let Some((alef, _)) = LAM_ALEF.iter().find(|(_, f)| f.contains(&u)) {
        return Some([LAM, char::from_u32(u32::from(*alef))?].iter().collect());
    }
    FORMS
        .iter()
        .find(|(_, f)| f.contains(&u))
        .and_then(|(b, _)| char::from_u32(u32::from(*b)))
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_take_their_contextual_forms() {
        // كاميرا: kaf initial, alef final, meem initial, yeh medial, reh final, alef isolated.
        let shaped = shape("كاميرا", |_| true);
        assert_eq!(shaped, "\u{FEDB}\u{FE8E}\u{FEE3}\u{FEF4}\u{FEAE}\u{FE8D}");
        let back: String = shaped.chars().map(|c| base_text(c).unwrap()).collect();
        assert_eq!(back, "كاميرا");
    }

    #[test]
    fn lam_alef_is_a_ligature_and_maps_back_to_two_letters() {
        let shaped = shape("لا", |_| true);
        assert_eq!(shaped, "\u{FEFB}");
        assert_eq!(base_text('\u{FEFB}').unwrap(), "لا");
        // Latin text and missing glyphs are left alone.
        assert_eq!(shape("cam-01", |_| true), "cam-01");
        assert_eq!(shape("كا", |_| false), "كا");
    }
}
