//! What the report's tests share: a fixed clock, a sample model of N devices,
//! a deterministic signing identity, and runners for the poppler / NSS command-line tools
//! (`pdfsig`, `pdftotext`, `pdftoppm`, `certutil`, `openssl`; Debian packages poppler-utils,
//! libnss3-tools and openssl, listed in scripts/packages.txt). A missing tool fails the test with a
//! message naming the package: these tests are meant to run wherever the suite runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use handover_report::{
    CaBundle, RenderOptions, ReportModel, SigningIdentity, render, sample::sample_model,
};
use rand::SeedableRng;
use time::OffsetDateTime;

/// The fixed clock every test renders and signs with.
pub fn clock() -> OffsetDateTime {
    time::macros::datetime!(2026-11-20 16:30 UTC)
}

/// A model with `n` devices (hostile names among the first eight).
pub fn model(n: usize) -> ReportModel {
    sample_model(n, clock())
}

/// Render options with a fixed document id.
pub fn options() -> RenderOptions {
    RenderOptions {
        document_id: "test-doc-0001".into(),
        ..RenderOptions::default()
    }
}

/// Renders `n` devices.
pub fn render_n(n: usize) -> Vec<u8> {
    render(&model(n), &options()).expect("render")
}

/// A created integrator CA and signing identity from a seeded RNG.
pub fn identity(seed: u64) -> (CaBundle, SigningIdentity) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    SigningIdentity::create_integrator_ca(
        "Brightline Security",
        "Brightline Security Systems",
        clock(),
        &mut rng,
    )
    .expect("create identity")
}

fn tool(name: &str, package: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{name}` is not installed: apt-get install {package} (listed in scripts/packages.txt)"
    );
    Command::new(name)
}

fn run(mut cmd: Command) -> String {
    let out = cmd.output().expect("run tool");
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    s
}

/// Runs `openssl ARGS` in `dir` and fails the test with its stderr unless it succeeds.
pub fn openssl(args: &[&str], dir: &Path) {
    let out = tool("openssl", "openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A two-level PKI made by `openssl` in `dir`, as an integrator might run it: `ca.key`/`ca.pem`
/// (`O=Acme Integrators, CN=Acme Root CA`), and a leaf `leaf.key`/`leaf.csr`/`leaf.pem`
/// (`O=Acme Integrators, CN=Acme Signing`, digitalSignature and nonRepudiation) issued by it.
/// `newkey` is openssl's key choice, e.g. `["rsa:2048"]`.
pub fn openssl_pki(dir: &Path, newkey: &[&str]) {
    let req = |words: &str, subject: &str| {
        let mut args = vec!["req", "-newkey"];
        args.extend(newkey);
        args.push("-nodes");
        args.extend(words.split_whitespace());
        args.extend(["-subj", subject]);
        openssl(&args, dir);
    };
    req(
        "-x509 -keyout ca.key -out ca.pem -days 3650 \
         -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
        "/O=Acme Integrators/CN=Acme Root CA",
    );
    req(
        "-keyout leaf.key -out leaf.csr",
        "/O=Acme Integrators/CN=Acme Signing",
    );
    let ext = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n";
    std::fs::write(dir.join("leaf.ext"), ext).expect("write leaf.ext");
    openssl_issue(dir, "leaf.ext", "leaf.pem");
}

/// Issues `leaf.csr` under `ca.pem` with the extensions in `ext_file`, into `out`.
pub fn openssl_issue(dir: &Path, ext_file: &str, out: &str) {
    let line = format!(
        "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out {out} -days 3650 \
         -extfile {ext_file}"
    );
    openssl(&line.split_whitespace().collect::<Vec<_>>(), dir);
}

/// Writes bytes to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write file");
    p
}

/// `pdfsig` output (stdout + stderr). With `nss_dir`, uses that NSS database.
pub fn pdfsig(pdf: &Path, nss_dir: Option<&Path>) -> String {
    let mut cmd = tool("pdfsig", "poppler-utils");
    if let Some(d) = nss_dir {
        cmd.arg("-nssdir").arg(format!("sql:{}", d.display()));
    }
    cmd.arg(pdf);
    run(cmd)
}

/// A fresh NSS database in `dir` trusting `ca_pem` as a CA.
pub fn nss_db_trusting(dir: &Path, ca_pem: &str) -> PathBuf {
    let db = dir.join("nssdb");
    std::fs::create_dir_all(&db).expect("mkdir nssdb");
    let ca = write(dir, "ca.pem", ca_pem.as_bytes());
    let mut init = tool("certutil", "libnss3-tools");
    init.arg("-N")
        .arg("-d")
        .arg(format!("sql:{}", db.display()))
        .arg("--empty-password");
    let out = init.output().expect("certutil -N");
    assert!(
        out.status.success(),
        "certutil -N: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut add = tool("certutil", "libnss3-tools");
    add.arg("-A")
        .arg("-d")
        .arg(format!("sql:{}", db.display()))
        .args(["-n", "handover-ca", "-t", "CT,C,C", "-i"])
        .arg(&ca);
    let out = add.output().expect("certutil -A");
    assert!(
        out.status.success(),
        "certutil -A: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// `pdftotext -layout`-free plain text of the whole document.
pub fn pdftotext(pdf: &Path) -> String {
    let mut cmd = tool("pdftotext", "poppler-utils");
    cmd.arg(pdf).arg("-");
    let out = cmd.output().expect("pdftotext");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Renders every page with `pdftoppm -r 30` to PPM and returns, per page, the share of
/// pixels that are not near-white.
pub fn ink_per_page(pdf: &Path, dir: &Path) -> Vec<f64> {
    let prefix = dir.join("page");
    let mut cmd = tool("pdftoppm", "poppler-utils");
    cmd.args(["-r", "30"]).arg(pdf).arg(&prefix);
    let out = cmd.output().expect("pdftoppm");
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ppm"))
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|p| ink_share(&std::fs::read(p).expect("read ppm")))
        .collect()
}

/// Share of non-white pixels in a binary PPM (P6, maxval 255).
fn ink_share(ppm: &[u8]) -> f64 {
    // Header: "P6" whitespace width whitespace height whitespace maxval single-whitespace.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&ppm[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P6", "not a binary PPM");
    let pixels = &ppm[i + 1..];
    let total = pixels.len() / 3;
    let inked = pixels
        .chunks_exact(3)
        .filter(|p| p.iter().any(|&c| c < 200))
        .count();
    inked as f64 / total.max(1) as f64
}
