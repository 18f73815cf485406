//! Reading the technician's firmware folder: every regular file's SHA-256 (streamed, never the whole image in
//! memory) and what its header states. Recognition and judgement are `handover_policy`'s.

use std::io::Read as _;
use std::path::Path;

use handover_policy::firmware_image::{HEAD_LEN, recognise};
use handover_policy::firmware_plan::ImageFile;
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Hashes one image file and reads its header.
pub fn scan_image(path: &Path) -> Result<ImageFile> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(HEAD_LEN);
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        if head.len() < HEAD_LEN {
            let take = n.min(HEAD_LEN - head.len());
            head.extend_from_slice(&buf[..take]);
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok(ImageFile {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256: hex::encode(hasher.finalize()),
        size,
        header: recognise(&head),
    })
}

/// Every image in `folder` (regular files, not hidden, not empty), sorted by name.
pub fn scan_folder(folder: &Path) -> Result<Vec<ImageFile>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(io(folder))? {
        let entry = entry.map_err(io(folder))?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden || !entry.file_type().map_err(io(&path))?.is_file() {
            continue;
        }
        let img = scan_image(&path)?;
        if img.size > 0 {
            out.push(img);
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
}
