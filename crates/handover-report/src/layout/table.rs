//! Tables that flow across pages: fixed column widths (fractions of the content width),
//! cells of one or more lines that wrap inside their column and end in an ellipsis when
//! they would exceed the row's line limit, zebra stripes, and the header row repeated on
//! every page the table continues on (with an optional "(continued)" caption). Text never
//! leaves its cell. Knows nothing about what the rows mean.

use super::page::{Composer, palette};
use super::text::Weight;

/// Horizontal alignment inside a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left.
    Left,
    /// Right (numbers).
    Right,
}

/// A column.
#[derive(Debug, Clone)]
pub struct Column {
    /// Header text.
    pub title: &'static str,
    /// Share of the content width (all columns' shares are normalised to 1).
    pub share: f32,
    /// Alignment.
    pub align: Align,
}

/// Colour of a cell line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Normal ink.
    Normal,
    /// Secondary information.
    Muted,
    /// A pass.
    Good,
    /// A failure.
    Bad,
    /// A caution.
    Warn,
}

/// One line (paragraph) inside a cell; it may wrap onto several drawn lines.
#[derive(Debug, Clone)]
pub struct Span {
    /// The text (untrusted: sanitized before drawing).
    pub text: String,
    /// Its colour.
    pub tone: Tone,
    /// Bold?
    pub bold: bool,
}

impl Span {
    /// Normal text.
    pub fn plain(text: impl Into<String>) -> Self {
        Span {
            text: text.into(),
            tone: Tone::Normal,
            bold: false,
        }
    }
    /// Text in a tone.
    pub fn toned(text: impl Into<String>, tone: Tone) -> Self {
        Span {
            text: text.into(),
            tone,
            bold: false,
        }
    }
    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Self {
        Span {
            text: text.into(),
            tone: Tone::Normal,
            bold: true,
        }
    }
}

/// A cell: paragraphs drawn one under the other.
pub type Cell = Vec<Span>;

/// Table style and columns.
#[derive(Debug, Clone)]
pub struct Table {
    /// Columns.
    pub columns: Vec<Column>,
    /// Body font size.
    pub font_size: f32,
    /// Most drawn lines in one cell; more text is cut with an ellipsis.
    pub max_lines: usize,
}

const PAD_X: f32 = 3.5;
const PAD_Y: f32 = 3.0;

fn tone_color(t: Tone) -> palette::Rgb3 {
    match t {
        Tone::Normal => palette::INK,
        Tone::Muted => palette::MUTED,
        Tone::Good => palette::GOOD,
        Tone::Bad => palette::BAD,
        Tone::Warn => palette::WARN,
    }
}

struct Laid {
    lines: Vec<(String, Tone, bool)>,
}

impl Table {
    fn line_height(&self) -> f32 {
        self.font_size * 1.25
    }

    fn widths(&self, total: f32) -> Vec<f32> {
        let sum: f32 = self
            .columns
            .iter()
            .map(|c| c.share)
            .sum::<f32>()
            .max(f32::EPSILON);
        self.columns.iter().map(|c| c.share / sum * total).collect()
    }

    fn header_height(&self) -> f32 {
        self.line_height() + 2.0 * PAD_Y + 1.0
    }

    fn draw_header(&self, c: &mut Composer, widths: &[f32], caption: Option<&str>) {
        if let Some(cap) = caption {
            let size = self.font_size + 1.5;
            let cap = c
                .fonts()
                .face(Weight::Bold)
                .ellipsize(cap, size, c.content_width());
            c.text(
                c.margin_x,
                c.y + size,
                Weight::Bold,
                size,
                palette::ACCENT,
                &cap,
            );
            c.y += size + 6.0;
        }
        let h = self.header_height();
        let x0 = c.margin_x;
        c.fill_rect(x0, c.y, c.content_width(), h, palette::ACCENT_LIGHT);
        let mut x = x0;
        let base = c.y + PAD_Y + self.font_size;
        for (col, w) in self.columns.iter().zip(widths) {
            let face = c.fonts().face(Weight::Bold);
            let t = face.ellipsize(col.title, self.font_size, w - 2.0 * PAD_X);
            match col.align {
                Align::Left => c.text(
                    x + PAD_X,
                    base,
                    Weight::Bold,
                    self.font_size,
                    palette::ACCENT,
                    &t,
                ),
                Align::Right => c.text_right(
                    x + w - PAD_X,
                    base,
                    Weight::Bold,
                    self.font_size,
                    palette::ACCENT,
                    &t,
                ),
            }
            x += w;
        }
        c.y += h;
        c.hline(x0, x0 + c.content_width(), c.y, 0.6, palette::ACCENT);
    }

    /// Draws the table at the cursor, starting a new page (header repeated, caption with
    /// "(continued)") whenever the next row does not fit. `caption` is drawn above the
    /// header on the first page too. Returns the number of rows drawn.
    pub fn draw(
        &self,
        c: &mut Composer,
        caption: Option<&str>,
        rows: impl IntoIterator<Item = Vec<Cell>>,
    ) -> usize {
        let widths = self.widths(c.content_width());
        let lh = self.line_height();
        let caption_h = caption.map(|_| self.font_size + 7.5).unwrap_or(0.0);
        // Keep the caption, the header and at least one line together.
        c.ensure(caption_h + self.header_height() + lh + 2.0 * PAD_Y);
        self.draw_header(c, &widths, caption);
        let continued = caption.map(|cap| format!("{cap} (continued)"));
        let mut n = 0;
        for row in rows {
            let laid: Vec<Laid> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| self.lay_cell(c, cell, w - 2.0 * PAD_X))
                .collect();
            let lines = laid.iter().map(|l| l.lines.len()).max().unwrap_or(1).max(1);
            let h = lines as f32 * lh + 2.0 * PAD_Y;
            if c.space_left() < h {
                c.new_page();
                self.draw_header(c, &widths, continued.as_deref());
            }
            if n % 2 == 1 {
                c.fill_rect(c.margin_x, c.y, c.content_width(), h, palette::STRIPE);
            }
            let mut x = c.margin_x;
            for ((cell, w), col) in laid.iter().zip(&widths).zip(&self.columns) {
                for (i, (text, tone, bold)) in cell.lines.iter().enumerate() {
                    let base = c.y + PAD_Y + self.font_size * 0.95 + i as f32 * lh;
                    let weight = if *bold { Weight::Bold } else { Weight::Regular };
                    match col.align {
                        Align::Left => c.text(
                            x + PAD_X,
                            base,
                            weight,
                            self.font_size,
                            tone_color(*tone),
                            text,
                        ),
                        Align::Right => c.text_right(
                            x + w - PAD_X,
                            base,
                            weight,
                            self.font_size,
                            tone_color(*tone),
                            text,
                        ),
                    }
                }
                x += w;
            }
            c.y += h;
            c.hline(
                c.margin_x,
                c.margin_x + c.content_width(),
                c.y,
                0.3,
                palette::RULE,
            );
            n += 1;
        }
        c.y += 10.0;
        n
    }

    fn lay_cell(&self, c: &Composer, cell: &Cell, width: f32) -> Laid {
        let mut lines = Vec::new();
        for span in cell {
            let left = self.max_lines.saturating_sub(lines.len());
            if left == 0 {
                // Mark the cut on the last drawn line.
                if let Some((last, _, bold)) = lines.last_mut() {
                    let last: &mut String = last;
                    if !last.ends_with('\u{2026}') {
                        let weight = if *bold { Weight::Bold } else { Weight::Regular };
                        *last = c.fonts().face(weight).ellipsize(
                            &format!("{last}\u{2026}"),
                            self.font_size,
                            width,
                        );
                    }
                }
                break;
            }
            let weight = if span.bold {
                Weight::Bold
            } else {
                Weight::Regular
            };
            let face = c.fonts().face(weight);
            let clean = face.sanitize(&span.text);
            for l in face.wrap(&clean, self.font_size, width, left) {
                lines.push((l, span.tone, span.bold));
            }
        }
        Laid { lines }
    }
}
