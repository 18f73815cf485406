//! Device names and locations: typed by the technician (`rename`) or imported from a CSV of labels. What a
//! device is called everywhere follows one rule, [`handover_model::Device::name`].
//!
//! The labels CSV has a header row. Each row names one device by the first non-empty of `device` (D3), `mac`,
//! `serial` or `address`, and gives a `name` and/or a `location`; an empty cell leaves that part as it is. Other
//! columns are ignored, so a spreadsheet kept for other purposes can be imported as it is. A row that is wrong
//! (a bad MAC, a name with control characters or too long, an address shared by several devices, one device
//! labelled twice) refuses the whole file with its line number; rows naming devices not found yet are skipped
//! and listed, so the same file can be imported again after the next discovery.

use std::collections::BTreeMap;
use std::path::Path;

use handover_model::{Device, DeviceId, DeviceLabel, MacAddr, clean_label};

use crate::error::{Error, Result};
use crate::session::Session;

/// What an import of a labels CSV did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LabelImport {
    /// Rows that matched a device.
    pub matched: usize,
    /// Devices whose name or location changed.
    pub changed: Vec<DeviceId>,
    /// Rows that named no known device: line number and the key given.
    pub unmatched: Vec<(usize, String)>,
}

/// A change to a device's label: `None` leaves that part as it is, `Some("")` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relabel {
    /// The new name.
    pub name: Option<String>,
    /// The new location.
    pub location: Option<String>,
}

impl Relabel {
    fn apply(&self, to: &DeviceLabel) -> std::result::Result<DeviceLabel, String> {
        let part = |new: &Option<String>, old: &Option<String>| match new {
            None => Ok(old.clone()),
            Some(t) => clean_label(t).map_err(|e| e.to_string()),
        };
        Ok(DeviceLabel {
            name: part(&self.name, &to.name)?,
            location: part(&self.location, &to.location)?,
        })
    }
}

impl Session {
    /// Names a device and/or says where it is (audited as `device.labelled`). Returns the device as stored.
    pub fn relabel_device(&self, id: DeviceId, change: &Relabel) -> Result<Device> {
        let device = self.project().device(id)?;
        let label = change
            .apply(&device.label)
            .map_err(|e| Error::Invalid(format!("{id}: {e}")))?;
        let actor = self.actor().clone();
        self.project_mut()
            .label_devices(&[(id, label)], "typed", &actor)?;
        Ok(self.project().device(id)?)
    }

    /// Imports a labels CSV (see the module's rules). A file with a bad row changes nothing.
    pub fn import_labels_csv(&self, path: &Path) -> Result<LabelImport> {
        let bytes = crate::files::read_capped(path, crate::files::LABELS, "a labels file")?;
        let devices = self.project().devices()?;
        let plan = parse(&bytes, &devices)
            .map_err(|e| Error::Invalid(format!("{}: {e}; nothing was changed", path.display())))?;
        let source = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let actor = self.actor().clone();
        let batch: Vec<(DeviceId, DeviceLabel)> = plan.labels.into_iter().collect();
        let changed = self.project_mut().label_devices(&batch, &source, &actor)?;
        Ok(LabelImport {
            matched: batch.len(),
            changed,
            unmatched: plan.unmatched,
        })
    }
}

struct Parsed {
    labels: BTreeMap<DeviceId, DeviceLabel>,
    unmatched: Vec<(usize, String)>,
}

/// Reads the file against the devices known; every problem is an error naming its line.
fn parse(bytes: &[u8], devices: &[Device]) -> std::result::Result<Parsed, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|e| format!("not UTF-8 text (byte {})", e.valid_up_to()))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("the header row cannot be read: {e}"))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let keys: Vec<(&str, usize)> = ["device", "mac", "serial", "address"]
        .into_iter()
        .filter_map(|k| col(k).map(|i| (k, i)))
        .collect();
    let (name_col, location_col) = (col("name"), col("location"));
    if keys.is_empty() {
        return Err(
            "the header names no device column: give one of device, mac, serial, address".into(),
        );
    }
    if name_col.is_none() && location_col.is_none() {
        return Err("the header has neither a name nor a location column".into());
    }
    let mut out = Parsed {
        labels: BTreeMap::new(),
        unmatched: Vec::new(),
    };
    let mut seen: BTreeMap<DeviceId, usize> = BTreeMap::new();
    for row in reader.records() {
        // The line as an editor shows it (the csv crate's own count skips blank lines).
        let line_at = |byte: u64| {
            let bytes = text.as_bytes();
            let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
            // A record's position may be taken before the blank lines that precede it.
            while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
                end += 1;
            }
            bytes[..end].iter().filter(|b| **b == b'\n').count() + 1
        };
        let row = row.map_err(|e| {
            format!(
                "line {}: {e}",
                e.position().map_or(0, |p| line_at(p.byte()))
            )
        })?;
        let line = row.position().map_or(0, |p| line_at(p.byte()));
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).unwrap_or("");
        let Some((key, value)) = keys
            .iter()
            .map(|(k, i)| (*k, cell(Some(*i))))
            .find(|(_, v)| !v.is_empty())
        else {
            if row.iter().all(str::is_empty) {
                continue;
            }
            return Err(format!(
                "line {line}: no device, mac, serial or address given"
            ));
        };
        let found = find(devices, key, value).map_err(|e| format!("line {line}: {e}"))?;
        let Some(device) = found else {
            out.unmatched.push((line, format!("{key} {value}")));
            continue;
        };
        if let Some(first) = seen.insert(device.id, line) {
            return Err(format!(
                "line {line}: {} was already labelled on line {first}",
                device.id
            ));
        }
        let change = Relabel {
            name: Some(cell(name_col))
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            location: Some(cell(location_col))
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        };
        let label = change
            .apply(&device.label)
            .map_err(|e| format!("line {line}: {e}"))?;
        out.labels.insert(device.id, label);
    }
    Ok(out)
}

/// The device a row names, if known; an error when the key is malformed or fits several devices.
fn find<'a>(
    devices: &'a [Device],
    key: &str,
    value: &str,
) -> std::result::Result<Option<&'a Device>, String> {
    let hits: Vec<&Device> = match key {
        "device" => {
            let id: DeviceId = value
                .parse()
                .map_err(|_| format!("{value:?} is not a device id such as D3"))?;
            devices.iter().filter(|d| d.id == id).collect()
        }
        "mac" => {
            let mac: MacAddr = value
                .parse()
                .map_err(|e: handover_model::MacParseError| e.to_string())?;
            devices
                .iter()
                .filter(|d| d.identity.mac == Some(mac))
                .collect()
        }
        "serial" => devices
            .iter()
            .filter(|d| d.identity.serial.as_deref() == Some(value))
            .collect(),
        _ => {
            let ip: std::net::IpAddr = value
                .parse()
                .map_err(|_| format!("{value:?} is not an IP address"))?;
            devices.iter().filter(|d| d.address == ip).collect()
        }
    };
    match hits.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(format!(
            "{key} {value} fits {} devices ({}); name the device by its id or MAC instead",
            many.len(),
            many.iter()
                .map(|d| d.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
