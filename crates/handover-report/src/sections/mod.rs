//! The report's sections, in reading order: cover with the executive summary (`front`) and
//! what IT must act on (`actions`), device tables per VLAN (`devices`), the as-built network
//! (`asbuilt`), open and fixed findings, waivers and the standards table (`findings`), the
//! credential handover (`credentials`), firmware upgrades done on site (`firmware`), the method appendix and the sign-off block (`appendix`). Each section
//! turns model facts into composer calls; untrusted text goes through the helpers here and
//! in the table module, which sanitize, wrap and clip. Does not build the PDF file (see
//! `render.rs`).

mod actions;
mod appendix;
mod asbuilt;
mod credentials;
mod devices;
mod findings;
mod firmware;
mod front;

use crate::layout::page::{Composer, palette};
use crate::layout::table::{Align, Column};
use crate::layout::text::Weight;
use crate::model::ReportModel;
use crate::render::RenderOptions;

/// Lays out the whole report.
pub fn compose(c: &mut Composer, m: &ReportModel, opts: &RenderOptions) {
    front::cover(c, m, opts);
    front::summary(c, m);
    let header = format!(
        "Security handover report \u{00B7} {}",
        c.fonts().regular.sanitize(&m.site.name)
    );
    c.set_running_header(Some(header));
    c.new_page();
    devices::devices(c, m);
    asbuilt::as_built(c, m);
    findings::findings(c, m);
    findings::fixed(c, m);
    findings::waivers(c, m);
    credentials::credentials(c, m);
    firmware::upgrades(c, m);
    findings::standards(c, m);
    appendix::method(c, m);
    appendix::sign_off(c, m);
}

pub(crate) fn col(title: &'static str, share: f32) -> Column {
    Column {
        title,
        share,
        align: Align::Left,
    }
}

pub(crate) fn num(title: &'static str, share: f32) -> Column {
    Column {
        title,
        share,
        align: Align::Right,
    }
}

/// A section title with a rule under it; starts a new page unless the title and
/// `keep` points of what follows fit on this one.
pub(crate) fn heading(c: &mut Composer, title: &str) {
    heading_keep(c, title, 60.0);
}

pub(crate) fn heading_keep(c: &mut Composer, title: &str, keep: f32) {
    c.ensure(keep + 40.0);
    if c.y > c.margin_top + 1.0 {
        c.y += 8.0;
    }
    let size = 14.0;
    c.text(
        c.margin_x,
        c.y + size,
        Weight::Bold,
        size,
        palette::ACCENT,
        title,
    );
    c.y += size + 5.0;
    c.hline(c.margin_x, c.width - c.margin_x, c.y, 1.0, palette::ACCENT);
    c.y += 10.0;
}

/// A paragraph of wrapped text.
pub(crate) fn paragraph(c: &mut Composer, text: &str, size: f32, color: palette::Rgb3) {
    let face = c.fonts().face(Weight::Regular);
    let clean = face.sanitize(text);
    let lines = face.wrap(&clean, size, c.content_width(), 200);
    for l in lines {
        c.ensure(size * 1.4);
        c.text(c.margin_x, c.y + size, Weight::Regular, size, color, &l);
        c.y += size * 1.4;
    }
    c.y += 4.0;
}

/// Label/value rows (labels muted, values wrapped to at most three lines).
pub(crate) fn key_values(c: &mut Composer, rows: &[(&str, String)], label_w: f32, size: f32) {
    let value_w = c.content_width() - label_w;
    for (label, value) in rows {
        let face = c.fonts().face(Weight::Regular);
        let clean = face.sanitize(value);
        let lines = face.wrap(&clean, size, value_w, 3);
        let h = lines.len().max(1) as f32 * size * 1.35 + 3.0;
        c.ensure(h);
        c.text(
            c.margin_x,
            c.y + size,
            Weight::Regular,
            size,
            palette::MUTED,
            label,
        );
        for (i, l) in lines.iter().enumerate() {
            c.text(
                c.margin_x + label_w,
                c.y + size + i as f32 * size * 1.35,
                Weight::Regular,
                size,
                palette::INK,
                l,
            );
        }
        c.y += h;
    }
}

/// Every character of the model's text that no bundled face can draw, with where it first
/// appears ("site name", "device D3", "finding F7"), in order of first appearance. The
/// report names them on the cover, so a missing glyph is never a silent box.
pub(crate) fn undrawable(c: &Composer, m: &ReportModel) -> Vec<(char, String)> {
    fn walk(v: &serde_json::Value, place: &str, f: &mut dyn FnMut(&str, &str)) {
        match v {
            serde_json::Value::String(s) => f(place, s),
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, place, f);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map {
                    walk(item, &format!("{place} {k}"), f);
                }
            }
            _ => {}
        }
    }
    let fonts = c.fonts();
    let mut out: Vec<(char, String)> = Vec::new();
    let mut note = |place: &str, s: &str| {
        for ch in fonts.undrawable(s) {
            if !out.iter().any(|(seen, _)| *seen == ch) {
                out.push((ch, place.trim().replace('_', " ")));
            }
        }
    };
    let Ok(serde_json::Value::Object(top)) = serde_json::to_value(m) else {
        return out;
    };
    for (key, value) in &top {
        match (key.as_str(), value) {
            ("devices" | "findings" | "waivers", serde_json::Value::Array(items)) => {
                let noun = &key[..key.len() - 1];
                for item in items {
                    let id = item["id"].as_str().unwrap_or("?");
                    walk(item, &format!("{noun} {id}"), &mut note);
                }
            }
            _ => walk(value, key, &mut note),
        }
    }
    out
}
