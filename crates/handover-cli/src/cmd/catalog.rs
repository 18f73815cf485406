//! `handover catalog show|import`: the catalogs in use, and offline updates signed by the Handover catalog key.

use std::process::ExitCode;

use handover_engine::catalogs;
use handover_engine::policy::TrustedKey;

use crate::args::{CatalogCommand, Cli};

pub fn run(cli: &Cli, c: &CatalogCommand) -> anyhow::Result<ExitCode> {
    let data = catalogs::data_dir();
    match c {
        CatalogCommand::Show => {
            let (in_use, warnings) = catalogs::load_with(&data, &TrustedKey::shipped());
            for w in &warnings {
                errln!("warning: {}", crate::output::inert(&w.to_string()));
            }
            let infos = in_use.infos();
            if cli.json {
                crate::output::json(&infos)?;
            } else {
                let rows: Vec<Vec<String>> = infos
                    .iter()
                    .map(|i| {
                        vec![
                            i.header.kind.clone(),
                            i.header.version.clone(),
                            i.header.published.clone(),
                            i.source.clone(),
                            i.sha256.clone(),
                        ]
                    })
                    .collect();
                crate::output::table(
                    &["CATALOG", "VERSION", "PUBLISHED", "SOURCE", "SHA-256"],
                    &rows,
                );
            }
        }
        CatalogCommand::Import { file } => {
            let info = catalogs::import(&data, file, &TrustedKey::shipped())?;
            if cli.json {
                crate::output::json(&info)?;
            } else {
                outln!(
                    "Imported {} {} (SHA-256 {}); it is used from now on.",
                    info.header.kind,
                    info.header.version,
                    info.sha256
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
