//! Layout primitives for the report: text measuring and wrapping with the bundled font
//! ([`text`]), the page composer that flows content over A4/Letter pages ([`page`]), and
//! tables that break across pages with repeated headers ([`table`]). No report semantics.

pub mod arabic;
pub mod page;
pub mod table;
pub mod text;
