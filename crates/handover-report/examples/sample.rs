//! Writes a sample report and its twins for a look at the layout or a demo:
//! `cargo run -p handover-report --example sample -- OUT.pdf [DEVICES] [letter] [sign] [intl]`.
//! With `intl`, the site, customer and first devices are named in Latin with diacritics, Greek,
//! Cyrillic and one script the fonts lack (Thai), to look at the glyphs and the cover's note.
//! Uses the synthetic model from `handover_report::sample` and a fixed clock. With `sign`,
//! also creates an integrator CA (written to OUT.ca.pem) and signs the PDF with it; the
//! inventory twins go to OUT.json and OUT.csv, the findings to OUT.findings.csv.

use handover_report::twin::{findings_csv, inventory_csv, inventory_json};
use handover_report::{
    PageSize, RenderOptions, SigningIdentity, render, sample::sample_model, sign,
};
use rand::SeedableRng;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.first().cloned().unwrap_or_else(|| "sample.pdf".into());
    let n: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(40);
    let page_size = if args.iter().any(|a| a == "letter") {
        PageSize::Letter
    } else {
        PageSize::A4
    };
    let clock = time::macros::datetime!(2026-11-20 16:30 UTC);
    let mut model = sample_model(n, clock);
    if args.iter().any(|a| a == "intl") {
        model.site.name = "Zürich Flughafen · São Paulo Metrô".into();
        model.site.customer = "Łódź Transport — Αθήνα Μετρό — Москва".into();
        let names = [
            "Zürich Tor Nord",
            "São Paulo portão",
            "Łódź brama",
            "Αθήνα είσοδος",
            "Москва вход",
            "กล้อง 1",
        ];
        for (d, name) in model.devices.iter_mut().zip(names) {
            d.name = name.into();
        }
    }
    let mut pdf = render(
        &model,
        &RenderOptions {
            page_size,
            document_id: "sample-doc-1".into(),
        },
    )?;
    if args.iter().any(|a| a == "sign") {
        let mut rng = rand::rngs::StdRng::seed_from_u64(42);
        let (ca, id) = SigningIdentity::create_integrator_ca(
            "Brightline Security",
            "Brightline Security Systems",
            clock,
            &mut rng,
        )?;
        std::fs::write(format!("{out}.ca.pem"), &ca.ca_cert_pem)?;
        pdf = sign(&pdf, &id, clock)?;
    }
    std::fs::write(&out, &pdf)?;
    std::fs::write(format!("{out}.json"), inventory_json(&model)?)?;
    std::fs::write(format!("{out}.csv"), inventory_csv(&model)?)?;
    std::fs::write(format!("{out}.findings.csv"), findings_csv(&model)?)?;
    println!("{out}: {} bytes ({n} devices)", pdf.len());
    Ok(())
}
