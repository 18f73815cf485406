//! Writes a sample report for a look at the layout:
//! `cargo run -p handover-report --example sample -- OUT.pdf [DEVICES] [letter]`.
//! Uses the synthetic model from `handover_report::sample` and a fixed clock.

use handover_report::{PageSize, RenderOptions, render, sample::sample_model};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "sample.pdf".into());
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(40);
    let page_size = if args.next().as_deref() == Some("letter") {
        PageSize::Letter
    } else {
        PageSize::A4
    };
    let clock = time::macros::datetime!(2026-11-20 16:30 UTC);
    let model = sample_model(n, clock);
    let pdf = render(
        &model,
        &RenderOptions {
            page_size,
            document_id: "sample-doc-1".into(),
        },
    )?;
    std::fs::write(&out, &pdf)?;
    println!("{out}: {} bytes", pdf.len());
    Ok(())
}
