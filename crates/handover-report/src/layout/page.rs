//! The page composer: a cursor that flows content down A4 or Letter pages and emits
//! printpdf operations (text, filled rectangles, lines). Coordinates given to it are
//! measured from the top-left corner in points; it converts to PDF's bottom-left origin.
//! It knows nothing about the report's sections; `render.rs` drives it, and `table.rs`
//! draws tables with it. Footers ("n / N") are stamped in [`Composer::finish`], once the
//! page count is known.

use printpdf::{
    Color, FontId, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem, TextMatrix,
};

use super::text::{Fonts, Weight, visual};

/// Page format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum PageSize {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl PageSize {
    /// (width, height) in points.
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.28, 841.89),
            PageSize::Letter => (612.0, 792.0),
        }
    }
}

/// The report's palette: muted, print-friendly.
pub mod palette {
    /// An RGB colour in 0..=1.
    pub type Rgb3 = (f32, f32, f32);
    /// Body text.
    pub const INK: Rgb3 = (0.13, 0.15, 0.18);
    /// Secondary text.
    pub const MUTED: Rgb3 = (0.42, 0.45, 0.50);
    /// Brand accent (slate blue).
    pub const ACCENT: Rgb3 = (0.16, 0.29, 0.45);
    /// Light accent for header rows.
    pub const ACCENT_LIGHT: Rgb3 = (0.89, 0.92, 0.95);
    /// Zebra stripe.
    pub const STRIPE: Rgb3 = (0.965, 0.97, 0.975);
    /// Rules.
    pub const RULE: Rgb3 = (0.80, 0.82, 0.85);
    /// Good (muted green).
    pub const GOOD: Rgb3 = (0.20, 0.52, 0.33);
    /// Bad (muted red).
    pub const BAD: Rgb3 = (0.70, 0.20, 0.18);
    /// Warning (muted amber).
    pub const WARN: Rgb3 = (0.72, 0.50, 0.10);
    /// White.
    pub const WHITE: Rgb3 = (1.0, 1.0, 1.0);
}

/// Resource names of the two embedded fonts (fixed, so output is deterministic).
pub const FONT_REGULAR: &str = "F1";
/// See [`FONT_REGULAR`].
pub const FONT_BOLD: &str = "F2";

/// Flows content down pages.
pub struct Composer {
    fonts: &'static Fonts,
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Left/right margin.
    pub margin_x: f32,
    /// Top margin (content starts here).
    pub margin_top: f32,
    /// Bottom margin (content stops here; the footer lives below).
    pub margin_bottom: f32,
    pages: Vec<Vec<Op>>,
    /// Cursor: distance of the next content from the top edge.
    pub y: f32,
    running_header: Option<String>,
    used: [std::collections::BTreeSet<char>; 2],
}

fn rgb(c: palette::Rgb3) -> Color {
    Color::Rgb(Rgb::new(c.0, c.1, c.2, None))
}

impl Composer {
    /// A composer with one empty page.
    pub fn new(fonts: &'static Fonts, size: PageSize) -> Self {
        let (width, height) = size.points();
        let mut c = Composer {
            fonts,
            width,
            height,
            margin_x: 42.0,
            margin_top: 48.0,
            margin_bottom: 50.0,
            pages: Vec::new(),
            y: 0.0,
            running_header: None,
            used: Default::default(),
        };
        c.new_page();
        c
    }

    /// The fonts.
    pub fn fonts(&self) -> &'static Fonts {
        self.fonts
    }

    /// Usable width between the margins.
    pub fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin_x
    }

    /// Space left on the current page below the cursor.
    pub fn space_left(&self) -> f32 {
        self.height - self.margin_bottom - self.y
    }

    /// Text drawn at the top of every page started after this call (e.g. the site name).
    pub fn set_running_header(&mut self, text: Option<String>) {
        self.running_header = text;
    }

    /// Starts a new page and puts the cursor at the top margin.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::with_capacity(256));
        self.y = self.margin_top;
        if let Some(h) = self.running_header.clone() {
            let size = 7.5;
            let y = self.margin_top - 22.0;
            let face = self.fonts.face(Weight::Regular);
            let h = face.ellipsize(&h, size, self.content_width());
            self.text(self.margin_x, y, Weight::Regular, size, palette::MUTED, &h);
            self.hline(
                self.margin_x,
                self.width - self.margin_x,
                y + 4.0,
                0.5,
                palette::RULE,
            );
        }
    }

    /// Starts a new page unless `needed` points fit below the cursor. Returns true when a
    /// page was started.
    pub fn ensure(&mut self, needed: f32) -> bool {
        if self.space_left() < needed {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // `new` pushes a page, and pages are never removed.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Draws one line of already sanitized text with its baseline `baseline` points below the
    /// top edge. Right-to-left runs are reordered for display here.
    pub fn text(
        &mut self,
        x: f32,
        baseline: f32,
        weight: Weight,
        size: f32,
        color: palette::Rgb3,
        s: &str,
    ) {
        if s.is_empty() {
            return;
        }
        let y = self.height - baseline;
        let shown = visual(s);
        let face = self.fonts.face(weight);
        let mut x = x;
        for (by, run) in face.runs(&shown) {
            // A run the face lacks is drawn by its fallback face (bold falls back to regular).
            let w = by.unwrap_or(weight);
            let font = match w {
                Weight::Regular => FONT_REGULAR,
                Weight::Bold => FONT_BOLD,
            };
            self.used[w as usize].extend(run.chars());
            let ops = self.ops();
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(FontId(font.to_owned())),
                size: Pt(size),
            });
            ops.push(Op::SetFillColor { col: rgb(color) });
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(y)),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(run.to_owned())],
            });
            ops.push(Op::EndTextSection);
            x += self.fonts.face(w).width(run, size);
        }
    }

    /// Text right-aligned so that it ends at `right`.
    pub fn text_right(
        &mut self,
        right: f32,
        baseline: f32,
        weight: Weight,
        size: f32,
        color: palette::Rgb3,
        s: &str,
    ) {
        let w = self.fonts.face(weight).width(s, size);
        self.text(right - w, baseline, weight, size, color, s);
    }

    /// A filled rectangle; `top` is measured from the top edge.
    pub fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32, color: palette::Rgb3) {
        let y = self.height - top - h;
        let ops = self.ops();
        ops.push(Op::SetFillColor { col: rgb(color) });
        let mut rectangle = Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h));
        rectangle.mode = Some(PaintMode::Fill);
        ops.push(Op::DrawRectangle { rectangle });
    }

    /// A horizontal rule at `top` from `x1` to `x2`.
    pub fn hline(&mut self, x1: f32, x2: f32, top: f32, thickness: f32, color: palette::Rgb3) {
        self.line(x1, top, x2, top, thickness, color);
    }

    /// A straight line between two points (top-left coordinates).
    pub fn line(
        &mut self,
        x1: f32,
        t1: f32,
        x2: f32,
        t2: f32,
        thickness: f32,
        color: palette::Rgb3,
    ) {
        let (y1, y2) = (self.height - t1, self.height - t2);
        let ops = self.ops();
        ops.push(Op::SetOutlineColor { col: rgb(color) });
        ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        ops.push(Op::DrawLine {
            line: printpdf::Line {
                points: vec![
                    printpdf::LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(y1),
                        },
                        bezier: false,
                    },
                    printpdf::LinePoint {
                        p: Point {
                            x: Pt(x2),
                            y: Pt(y2),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// Stamps footers ("left text … n / N") and returns the pages' operations and the
    /// characters drawn with each weight (regular, bold), for font subsetting.
    pub fn finish(
        mut self,
        footer_left: &str,
    ) -> (Vec<Vec<Op>>, [std::collections::BTreeSet<char>; 2]) {
        let total = self.pages.len();
        let size = 7.5;
        let base = self.height - self.margin_bottom + 28.0;
        let face = self.fonts.face(Weight::Regular);
        let left = face.ellipsize(footer_left, size, self.content_width() * 0.7);
        for i in 0..total {
            // Draw into page i by temporarily making it the last one.
            let page = std::mem::take(&mut self.pages[i]);
            self.pages.push(page);
            self.hline(
                self.margin_x,
                self.width - self.margin_x,
                base - 10.0,
                0.5,
                palette::RULE,
            );
            self.text(
                self.margin_x,
                base,
                Weight::Regular,
                size,
                palette::MUTED,
                &left,
            );
            let label = format!("{} / {}", i + 1, total);
            self.text_right(
                self.width - self.margin_x,
                base,
                Weight::Regular,
                size,
                palette::MUTED,
                &label,
            );
            let page = self.pages.pop().unwrap_or_default();
            self.pages[i] = page;
        }
        (self.pages, self.used)
    }
}
