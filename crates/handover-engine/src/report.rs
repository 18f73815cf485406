//! The report workflow: render the project's report, sign it with the integrator's identity (from the session's
//! keyring), and write the signed PDF with its JSON and CSV twins (inventory, findings, and the devices for
//! NetBox's import). Each file is written atomically (temp file, then rename).

use std::path::{Path, PathBuf};

use handover_report::{PageSize, RenderOptions};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::session::Session;

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct ReportOutcome {
    /// The signed PDF.
    pub pdf: PathBuf,
    /// The inventory and findings as JSON.
    pub json: PathBuf,
    /// The inventory as CSV.
    pub csv: PathBuf,
    /// The findings as CSV (`<name>-findings.csv`).
    pub findings_csv: PathBuf,
    /// The devices for NetBox's device import (`<name>-netbox.csv`).
    pub netbox_csv: PathBuf,
    /// SHA-256 of the signed PDF.
    pub sha256: String,
    /// Pages' size.
    pub paper: String,
    /// Devices in it.
    pub devices: usize,
    /// Who signed.
    pub signer: String,
    /// The CA certificate IT is asked to trust (None for an imported identity whose chain carries no CA).
    pub ca: Option<PathBuf>,
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).map_err(|source| Error::Io {
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

impl Session {
    /// Renders, signs with the integrator's identity in the session's keyring and writes the report to `pdf`
    /// (twins beside it: `.json`, `.csv`). Refuses ([`Error::AuditBroken`], naming the first bad entry) when
    /// the audit log does not verify, says what to do when there is no identity yet, and refuses a name that
    /// does not end in `.pdf`.
    pub fn write_report(&self, pdf: &Path, paper: PageSize) -> Result<ReportOutcome> {
        // The twins are named from the PDF's name: another extension would have one overwrite the report.
        if !pdf
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            return Err(Error::Invalid(format!(
                "the report must be a .pdf file (its JSON and CSV twins are named after it): {}; add .pdf to the name",
                pdf.display()
            )));
        }
        let now = self.project().now();
        let signing = crate::signing::Signing::with(self.keyring()?, self.data_dir(), now);
        let identity = &signing.require()?;
        // History first: a report anchors the audit log's head, so a broken log is never signed over.
        let read = self.project().audit_verify()?.problem;
        if let Some(problem) = read {
            return Err(Error::AuditBroken(problem));
        }
        let mut model = self.report_model(now)?;
        // The CA IT is asked to trust, with its fingerprint on the cover to confirm by phone.
        model.signer = identity.signer()?;
        let opts = RenderOptions {
            page_size: paper,
            document_id: self.project().id().to_string(),
        };
        let rendered = handover_report::render(&model, &opts)?;
        let signed = handover_report::sign(&rendered, identity, now)?;
        let json = pdf.with_extension("json");
        let csv = pdf.with_extension("csv");
        let stem = pdf
            .file_stem()
            .map_or_else(|| "report".to_owned(), |s| s.to_string_lossy().into_owned());
        let findings_csv = pdf.with_file_name(format!("{stem}-findings.csv"));
        let netbox_csv = pdf.with_file_name(format!("{stem}-netbox.csv"));
        write_atomic(&json, &handover_report::twin::inventory_json(&model)?)?;
        write_atomic(&csv, &handover_report::twin::inventory_csv(&model)?)?;
        write_atomic(&findings_csv, &handover_report::twin::findings_csv(&model)?)?;
        write_atomic(&netbox_csv, &handover_report::twin::netbox_csv(&model)?)?;
        write_atomic(pdf, &signed)?;
        let sha256 = hex::encode(Sha256::digest(&signed));
        let shown = signing.view(identity)?;
        let signer = shown.certificate.subject;
        let actor = self.actor().clone();
        self.project_mut().record(
            &actor,
            "report.sign",
            "project",
            serde_json::json!({
                "file": pdf.file_name().map(|n| n.to_string_lossy().into_owned()),
                "sha256": sha256, "devices": model.devices.len(), "signer": signer,
                "audit_head_in_report": model.method.audit_log_head,
            }),
        )?;
        Ok(ReportOutcome {
            pdf: pdf.to_owned(),
            json,
            csv,
            findings_csv,
            netbox_csv,
            sha256,
            paper: format!("{paper:?}"),
            devices: model.devices.len(),
            signer,
            ca: shown.ca_path,
        })
    }
}

/// The verification alone of [`read_report`].
pub fn verify_report(
    pdf: &Path,
    trust: &[PathBuf],
    now: time::OffsetDateTime,
) -> Result<handover_report::Verification> {
    read_report(pdf, trust, now).map(|r| r.verification)
}

/// Reads a signed report offline (`handover verify`, the app's Review screen): verifies it against the CA
/// certificates in `trust` (PEM files; a file without a certificate is refused as invalid input) and reads the
/// inventory its JSON twin carries; no project needed.
pub fn read_report(
    pdf: &Path,
    trust: &[PathBuf],
    now: time::OffsetDateTime,
) -> Result<handover_report::Reading> {
    let bytes = crate::files::read_capped(pdf, crate::files::REPORT, "a handover report")?;
    let mut anchors = Vec::new();
    for t in trust {
        let pem =
            crate::files::read_capped(t, crate::files::CERTIFICATES, "a CA certificate file")?;
        let certs = handover_report::TrustedCert::from_pem(&pem).map_err(|e| {
            Error::Invalid(format!(
                "{}: not a PEM certificate file ({e}), so it cannot be trusted as a CA",
                t.display()
            ))
        })?;
        if certs.is_empty() {
            // Never fall back to "no CA given" when one was named: say what is wrong with it.
            return Err(Error::Invalid(format!(
                "{}: no CERTIFICATE in this file, so it cannot be trusted as a CA",
                t.display()
            )));
        }
        anchors.extend(certs);
    }
    Ok(handover_report::read_inventory(&bytes, &anchors, now))
}

/// Which CSV twin to export from a received report (the desktop app's Review screen): the same writers, and
/// so the same columns, as the twins `write_report` puts beside the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CsvKind {
    /// The device inventory (`<name>.csv`).
    Devices,
    /// The devices for NetBox's device import (`<name>-netbox.csv`).
    Netbox,
    /// The findings (`<name>-findings.csv`).
    Findings,
}

/// Writes one CSV twin of the report at `pdf` to `out` (which must end in `.csv`), with only the rows whose
/// ids are in `keep` (device ids, or finding ids for [`CsvKind::Findings`]; all rows when `None`), and
/// returns how many rows were written. The rows come from the inventory the report carries, whatever the
/// signature's verdict (the Review screen shows the verdict beside the export); no project is needed. The
/// file is written atomically.
pub fn export_report_csv(
    pdf: &Path,
    kind: CsvKind,
    keep: Option<&[String]>,
    out: &Path,
) -> Result<usize> {
    if out.extension().and_then(|e| e.to_str()) != Some("csv") {
        return Err(Error::Invalid(format!(
            "{}: the export must be a .csv file; add .csv to the name",
            out.display()
        )));
    }
    let bytes = crate::files::read_capped(pdf, crate::files::REPORT, "a handover report")?;
    let reading = handover_report::read_inventory(&bytes, &[], time::OffsetDateTime::now_utc());
    let inventory = reading.inventory.map_err(|problem| {
        Error::Invalid(format!(
            "{}: {problem}; there are no rows to export",
            pdf.display()
        ))
    })?;
    let mut source = inventory.csv_source();
    source.keep = keep;
    let csv = match kind {
        CsvKind::Devices => handover_report::twin::devices_csv(&source),
        CsvKind::Netbox => handover_report::twin::netbox_devices_csv(&source),
        CsvKind::Findings => handover_report::twin::findings_rows_csv(&source),
    }?;
    let rows = match kind {
        CsvKind::Findings => source
            .findings
            .iter()
            .filter(|f| source.kept(&f.id))
            .count(),
        _ => source.devices.iter().filter(|d| source.kept(&d.id)).count(),
    };
    write_atomic(out, &csv)?;
    Ok(rows)
}
