//! [`render`]: report model → unsigned PDF bytes. Lays out the sections (see
//! `sections.rs`), hands the pages to printpdf with the two bundled fonts under fixed
//! resource names, then finishes the document with lopdf: fixed trailer `/ID` derived from
//! the document id, creation date from the model's clock, and the inventory JSON attached as
//! an embedded file (`/Names /EmbeddedFiles` and `/AF`). Pure: the same model and options
//! give the same bytes. Does not sign (see `sign::pades`).

use std::collections::BTreeSet;

use lopdf_pp::{Dictionary, Object, Stream, StringFormat};
use printpdf::{FontId, Mm, PdfDocument, PdfPage, PdfSaveOptions, Pt};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

use crate::layout::page::{Composer, FONT_BOLD, FONT_REGULAR, PageSize};
use crate::layout::text::{BOLD_TTF, Face, Fonts, REGULAR_TTF};
use crate::model::ReportModel;
use crate::twin;

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RenderOptions {
    /// Paper format.
    pub page_size: PageSize,
    /// The document's id (e.g. a UUID the engine chose); it seeds the PDF trailer `/ID` and is
    /// printed on the cover. Fixed id + fixed model clock ⇒ identical bytes.
    pub document_id: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            page_size: PageSize::A4,
            document_id: String::from("handover"),
        }
    }
}

/// Renders the report to unsigned PDF bytes.
pub fn render(model: &ReportModel, opts: &RenderOptions) -> Result<Vec<u8>> {
    let fonts = Fonts::get()?;
    let mut c = Composer::new(fonts, opts.page_size);
    crate::sections::compose(&mut c, model, opts);
    let footer = format!(
        "Handover report \u{00B7} {} \u{00B7} {}",
        fonts.regular.sanitize(&model.project_id),
        fonts.regular.sanitize(&model.site.name)
    );
    let (pages_ops, used) = c.finish(&footer);
    let regular = subset_font(REGULAR_TTF, fonts.regular, &used[0])?;
    let bold = subset_font(BOLD_TTF, fonts.bold, &used[1])?;

    let (w, h) = opts.page_size.points();
    let (wmm, hmm): (Mm, Mm) = (Pt(w).into(), Pt(h).into());
    let mut doc = PdfDocument::new("Security handover report");
    let created =
        printpdf::date::DateTime::from_unix_timestamp(model.generated_at.unix_timestamp())
            .map_err(|_| Error::UnsupportedPdf("generated_at is out of the PDF date range"))?;
    doc.metadata.info.creation_date = created;
    doc.metadata.info.modification_date = created;
    doc.metadata.info.metadata_date = created;
    doc.metadata.info.creator = String::from("Handover");
    doc.metadata.info.producer = String::from("Handover (printpdf, lopdf)");
    doc.metadata.info.subject = format!("Handover report for {}", model.site.name);
    doc.metadata.info.author = model.site.integrator.clone();
    doc.metadata.info.identifier = opts.document_id.clone();
    doc.resources.fonts.map.insert(
        FontId(FONT_REGULAR.to_owned()),
        printpdf::PdfFont::new(regular),
    );
    doc.resources
        .fonts
        .map
        .insert(FontId(FONT_BOLD.to_owned()), printpdf::PdfFont::new(bold));
    doc.pages = pages_ops
        .into_iter()
        .map(|ops| PdfPage::new(wmm, hmm, ops))
        .collect();

    let save = PdfSaveOptions {
        optimize: true,
        // The fonts are subset above already; printpdf's second subsetting dropped every non-ASCII glyph
        // (em dash, middle dot, accents rendered as empty boxes while pdftotext still read them).
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&save, &mut warnings);
    drop(doc);

    unshape_to_unicode(&mut lo);
    let json = twin::inventory_json(model)?;
    attach_json(&mut lo, &json, model);

    let id: [u8; 32] = Sha256::digest(opts.document_id.as_bytes()).into();
    let first = id[..16].to_vec();
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(first.clone(), StringFormat::Hexadecimal),
            Object::String(first, StringFormat::Hexadecimal),
        ]),
    );
    lo.version = String::from("1.7");
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(Error::PdfWrite)?;
    Ok(out)
}

/// A subset of the font with just the glyphs for `chars` (plus `.notdef`), parsed for
/// printpdf. printpdf 0.12 subsets only with its heavy `text_layout` feature, so this is
/// done here with the same allsorts it uses; it keeps the PDF small (tens of KB per face
/// instead of ~400 KB).
fn subset_font(ttf: &[u8], face: &Face, chars: &BTreeSet<char>) -> Result<printpdf::ParsedFont> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile, subset};
    let mut gids: Vec<u16> = chars
        .iter()
        .filter_map(|&c| face.parsed.lookup_glyph_index(c as u32))
        .filter(|&g| g != 0)
        .collect();
    gids.push(0);
    gids.sort_unstable();
    gids.dedup();
    let font_file = ReadScope::new(ttf)
        .read::<FontData<'_>>()
        .map_err(|e| Error::FontSubset(e.into()))?;
    let provider = font_file
        .table_provider(0)
        .map_err(|e| Error::FontSubset(e.into()))?;
    let bytes = subset(
        &provider,
        &gids,
        &SubsetProfile::Pdf,
        // Unicode, never "smallest": allsorts' Unrestricted picks a Mac Roman cmap whenever every character
        // fits, and printpdf reads whatever subtable it finds as Unicode, so every non-ASCII character
        // (·, —, …, ü) looked up a Mac Roman code as a code point and was drawn as glyph 0 (.notdef).
        CmapTarget::Unicode,
    )
    .map_err(Error::FontSubset)?;
    let mut warnings = Vec::new();
    printpdf::ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or(Error::Font("subset of DejaVu Sans"))
}

/// Rewrites the fonts' ToUnicode maps so glyphs drawn from Arabic presentation forms
/// extract as the plain letters they stand for (printpdf maps each glyph to the character
/// it was drawn from). Runs before compression, when the CMaps are plain text.
fn unshape_to_unicode(doc: &mut lopdf_pp::Document) {
    let ids: Vec<lopdf_pp::ObjectId> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"ToUnicode").ok()?.as_reference().ok())
        .collect();
    for id in ids {
        let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(&stream.content) else {
            continue;
        };
        let mut changed = false;
        let rewritten: Vec<String> = text
            .lines()
            .map(|line| match rewrite_bfchar(line) {
                Some(l) => {
                    changed = true;
                    l
                }
                None => line.to_owned(),
            })
            .collect();
        if changed {
            let mut out = rewritten.join("\n");
            out.push('\n');
            stream.set_content(out.into_bytes());
        }
    }
}

/// `<CID> <FExx>` → `<CID> <letters>` for an Arabic presentation form target.
fn rewrite_bfchar(line: &str) -> Option<String> {
    let (cid, target) = line.split_once(' ')?;
    let hex = target.strip_prefix('<')?.strip_suffix('>')?;
    if hex.len() != 4 || !cid.starts_with('<') {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    let base = crate::layout::arabic::base_text(c)?;
    let utf16: String = base.encode_utf16().map(|u| format!("{u:04X}")).collect();
    Some(format!("{cid} <{utf16}>"))
}

/// Adds the inventory JSON as an embedded file, referenced from the catalog's name tree
/// and its associated-files array.
fn attach_json(doc: &mut lopdf_pp::Document, json: &[u8], model: &ReportModel) {
    let md5 = md5_of(json);
    let mut params = Dictionary::new();
    params.set("Size", Object::Integer(json.len() as i64));
    params.set("CheckSum", Object::String(md5, StringFormat::Hexadecimal));
    params.set(
        "ModDate",
        Object::string_literal(pdf_date(model.generated_at)),
    );
    let mut sd = Dictionary::new();
    sd.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    sd.set("Subtype", Object::Name(b"application/json".to_vec()));
    sd.set("Params", Object::Dictionary(params));
    let stream_id = doc.add_object(Object::Stream(Stream::new(sd, json.to_vec())));
    let mut ef = Dictionary::new();
    ef.set("F", Object::Reference(stream_id));
    ef.set("UF", Object::Reference(stream_id));
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", Object::string_literal(twin::EMBEDDED_JSON_NAME));
    spec.set("UF", Object::string_literal(twin::EMBEDDED_JSON_NAME));
    spec.set(
        "Desc",
        Object::string_literal("Inventory and findings (machine-readable twin of this report)"),
    );
    spec.set("AFRelationship", Object::Name(b"Data".to_vec()));
    spec.set("EF", Object::Dictionary(ef));
    let spec_id = doc.add_object(Object::Dictionary(spec));

    let mut names = Dictionary::new();
    names.set(
        "Names",
        Object::Array(vec![
            Object::string_literal(twin::EMBEDDED_JSON_NAME),
            Object::Reference(spec_id),
        ]),
    );
    let names_id = doc.add_object(Object::Dictionary(names));
    let mut name_dict = Dictionary::new();
    name_dict.set("EmbeddedFiles", Object::Reference(names_id));

    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Names", Object::Dictionary(name_dict));
        catalog.set("AF", Object::Array(vec![Object::Reference(spec_id)]));
    }
}

/// A PDF date string `D:YYYYMMDDHHmmSSZ` (UTC).
pub(crate) fn pdf_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn md5_of(data: &[u8]) -> Vec<u8> {
    use md5::Digest as _;
    md5::Md5::digest(data).to_vec()
}
