//! The plan CSV format: parsing IT's plan from a spreadsheet export, with errors that name the line and column.
//!
//! Columns (header required, names case-insensitive): `vlan_id,name,subnet,gateway,roles`, then optionally
//! `dns`, `ntp` and `addressing` in any order. Lists inside a cell (roles, DNS and NTP servers) are separated by
//! `;`. See the README's "Plan CSV" section for the user-facing description.

use std::collections::BTreeSet;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::plan::{Addressing, Plan, PlanError, Role, Vlan};

const REQUIRED: [&str; 5] = ["vlan_id", "name", "subnet", "gateway", "roles"];
const OPTIONAL: [&str; 3] = ["dns", "ntp", "addressing"];
/// Largest plan file accepted: a site plan is a few kilobytes; anything near this is not a plan.
pub const MAX_PLAN_BYTES: usize = 1024 * 1024;
/// Longest cell accepted, in characters (a VLAN name, a list of DNS or NTP servers).
pub const MAX_CELL_CHARS: usize = 512;
/// Longest single NTP server name (a DNS name is at most 253 characters).
const MAX_NAME_CHARS: usize = 253;

/// What is wrong with a plan CSV, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {kind}", column.as_ref().map(|c| format!(", column {} ({c})", column_index.map_or(0, |i| i + 1))).unwrap_or_default())]
pub struct PlanCsvError {
    /// 1-based line number in the file.
    pub line: u64,
    /// The column's name, when the problem is in one cell.
    pub column: Option<String>,
    /// 0-based index of that column.
    pub column_index: Option<usize>,
    /// What is wrong.
    pub kind: PlanCsvErrorKind,
}

/// The kinds of plan CSV problems.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanCsvErrorKind {
    /// The file is empty.
    #[error("the file is empty; the first line must be the header {}", REQUIRED.join(","))]
    Empty,
    /// The header is not what the format requires.
    #[error("expected header {expected:?}, found {found:?} (required columns: {}; optional: {})", REQUIRED.join(","), OPTIONAL.join(","))]
    BadHeader {
        /// The column name expected here.
        expected: String,
        /// What the file has.
        found: String,
    },
    /// The file is not UTF-8 text.
    #[error("not UTF-8 text (save the file as CSV UTF-8)")]
    NotUtf8,
    /// The CSV structure is broken (unbalanced quotes, wrong number of fields).
    #[error("{0}")]
    Csv(String),
    /// A cell that must have a value is empty.
    #[error("this cell must not be empty")]
    EmptyCell,
    /// A VLAN id that is not a number from 1 to 4094.
    #[error("{0:?} is not a VLAN id (a whole number from 1 to 4094)")]
    BadVlanId(String),
    /// A subnet that is not CIDR.
    #[error("{0:?} is not a subnet in CIDR form (e.g. 10.20.0.0/24)")]
    BadSubnet(String),
    /// An address that is not an IP address.
    #[error("{0:?} is not an IP address")]
    BadAddress(String),
    /// An addressing mode other than static, dhcp or any.
    #[error("{0:?} is not an addressing mode (static, dhcp or any)")]
    BadAddressing(String),
    /// A role name that is not valid.
    #[error(transparent)]
    BadRole(#[from] crate::plan::RoleError),
    /// The plan rule this row breaks.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The file is larger than any plan.
    #[error("the file has more than {max} bytes, more than any plan (is this the plan CSV?)")]
    TooLarge {
        /// How much of it was read (more than `max`; a reader may stop there).
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A cell (or one name in a list) is longer than any real value.
    #[error("this cell is {chars} characters long; at most {max} are accepted here")]
    CellTooLong {
        /// Its length.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// The file has a header but no VLAN rows.
    #[error("the plan has no VLANs")]
    NoVlans,
}

struct Cols {
    /// For each of REQUIRED then OPTIONAL, the index in the file's header.
    index: [Option<usize>; 8],
    names: Vec<String>,
}

impl Cols {
    fn get<'r>(&self, rec: &'r csv::StringRecord, name: &str) -> Option<(usize, &'r str)> {
        let slot = REQUIRED
            .iter()
            .chain(OPTIONAL.iter())
            .position(|n| *n == name)?;
        let i = self.index[slot]?;
        Some((i, rec.get(i).unwrap_or("").trim()))
    }
}

fn err(line: u64, cols: Option<(&Cols, usize)>, kind: PlanCsvErrorKind) -> PlanCsvError {
    PlanCsvError {
        line,
        column: cols.map(|(c, i)| c.names[i].clone()),
        column_index: cols.map(|(_, i)| i),
        kind,
    }
}

fn parse_header(rec: &csv::StringRecord) -> Result<Cols, PlanCsvError> {
    let names: Vec<String> = rec
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let mut index = [None; 8];
    for (i, want) in REQUIRED.iter().enumerate() {
        match names.get(i) {
            Some(n) if n == want => index[i] = Some(i),
            other => {
                return Err(PlanCsvError {
                    line: 1,
                    column: Some((*want).to_owned()),
                    column_index: Some(i),
                    kind: PlanCsvErrorKind::BadHeader {
                        expected: (*want).to_owned(),
                        found: other.cloned().unwrap_or_default(),
                    },
                });
            }
        }
    }
    for (i, n) in names.iter().enumerate().skip(REQUIRED.len()) {
        match OPTIONAL.iter().position(|o| o == n) {
            Some(slot) if index[REQUIRED.len() + slot].is_none() => {
                index[REQUIRED.len() + slot] = Some(i)
            }
            _ => {
                return Err(PlanCsvError {
                    line: 1,
                    column: Some(n.clone()),
                    column_index: Some(i),
                    kind: PlanCsvErrorKind::BadHeader {
                        expected: OPTIONAL.join(" or "),
                        found: n.clone(),
                    },
                });
            }
        }
    }
    Ok(Cols { index, names })
}

fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn parse_row(line: u64, cols: &Cols, rec: &csv::StringRecord) -> Result<Vlan, PlanCsvError> {
    let cell = |name: &str| -> Result<(usize, &str), PlanCsvError> {
        let (i, v) = cols.get(rec, name).unwrap_or((0, ""));
        if v.is_empty() {
            Err(err(line, Some((cols, i)), PlanCsvErrorKind::EmptyCell))
        } else {
            Ok((i, v))
        }
    };
    let at = |i: usize, kind: PlanCsvErrorKind| err(line, Some((cols, i)), kind);
    for (i, c) in rec.iter().enumerate() {
        let chars = c.chars().count();
        if chars > MAX_CELL_CHARS {
            return Err(at(
                i,
                PlanCsvErrorKind::CellTooLong {
                    chars,
                    max: MAX_CELL_CHARS,
                },
            ));
        }
    }

    let (i, raw) = cell("vlan_id")?;
    let id: u16 = raw
        .parse()
        .ok()
        .filter(|id| (1..=4094).contains(id))
        .ok_or_else(|| at(i, PlanCsvErrorKind::BadVlanId(raw.into())))?;
    let (_, name) = cell("name")?;
    let (si, raw) = cell("subnet")?;
    let subnet: IpNet = raw
        .parse()
        .map_err(|_| at(si, PlanCsvErrorKind::BadSubnet(raw.into())))?;
    let (gi, raw) = cell("gateway")?;
    let gateway: IpAddr = raw
        .parse()
        .map_err(|_| at(gi, PlanCsvErrorKind::BadAddress(raw.into())))?;
    let (ri, raw) = cell("roles")?;
    let roles = list(raw)
        .map(Role::parse)
        .collect::<Result<BTreeSet<_>, _>>()
        .map_err(|e| at(ri, e.into()))?;
    if roles.is_empty() {
        return Err(at(ri, PlanCsvErrorKind::EmptyCell));
    }
    let mut dns = Vec::new();
    if let Some((di, raw)) = cols.get(rec, "dns") {
        for a in list(raw) {
            dns.push(
                a.parse()
                    .map_err(|_| at(di, PlanCsvErrorKind::BadAddress(a.into())))?,
            );
        }
    }
    let mut ntp = Vec::new();
    if let Some((ni, raw)) = cols.get(rec, "ntp") {
        for n in list(raw) {
            let chars = n.chars().count();
            if chars > MAX_NAME_CHARS {
                return Err(at(
                    ni,
                    PlanCsvErrorKind::CellTooLong {
                        chars,
                        max: MAX_NAME_CHARS,
                    },
                ));
            }
            ntp.push(n.to_owned());
        }
    }
    let addressing = match cols.get(rec, "addressing") {
        None => Addressing::Any,
        Some((ai, raw)) => match raw.to_ascii_lowercase().as_str() {
            "" | "any" => Addressing::Any,
            "static" => Addressing::Static,
            "dhcp" => Addressing::Dhcp,
            _ => return Err(at(ai, PlanCsvErrorKind::BadAddressing(raw.into()))),
        },
    };
    let vlan = Vlan {
        id,
        name: name.to_owned(),
        subnet,
        gateway,
        roles,
        dns,
        ntp,
        addressing,
    };
    vlan.validate().map_err(|e| {
        let i = if matches!(e, PlanError::GatewayOutsideSubnet { .. }) {
            gi
        } else {
            si
        };
        at(i, e.into())
    })?;
    Ok(vlan)
}

impl Plan {
    /// Parses a plan CSV. On any problem returns the first one, naming its line and column; a plan is only ever
    /// returned whole and valid.
    pub fn from_csv(bytes: &[u8]) -> Result<Plan, PlanCsvError> {
        if bytes.len() > MAX_PLAN_BYTES {
            return Err(err(
                1,
                None,
                PlanCsvErrorKind::TooLarge {
                    size: bytes.len(),
                    max: MAX_PLAN_BYTES,
                },
            ));
        }
        if let Err(e) = std::str::from_utf8(bytes) {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            return Err(err(line, None, PlanCsvErrorKind::NotUtf8));
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .from_reader(bytes);
        let mut records = rdr.records();
        let header = match records.next() {
            None => return Err(err(1, None, PlanCsvErrorKind::Empty)),
            Some(r) => r.map_err(|e| csv_err(&e))?,
        };
        let cols = parse_header(&header)?;
        let mut plan = Plan::default();
        let mut lines = Vec::new();
        for rec in records {
            let rec = rec.map_err(|e| csv_err(&e))?;
            let line = rec.position().map_or(0, |p| p.line());
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let vlan = parse_row(line, &cols, &rec)?;
            for (earlier, _) in plan.vlans.iter().zip(&lines) {
                let (col, conflict) = if earlier.id == vlan.id {
                    ("vlan_id", PlanError::DuplicateVlanId { id: vlan.id })
                } else if earlier.subnet.contains(&vlan.subnet.network())
                    || vlan.subnet.contains(&earlier.subnet.network())
                {
                    (
                        "subnet",
                        PlanError::OverlappingSubnets {
                            a_vlan: earlier.id,
                            a: earlier.subnet,
                            b_vlan: vlan.id,
                            b: vlan.subnet,
                        },
                    )
                } else {
                    continue;
                };
                let i = cols.names.iter().position(|n| n == col).unwrap_or(0);
                return Err(err(line, Some((&cols, i)), conflict.into()));
            }
            lines.push(line);
            plan.vlans.push(vlan);
        }
        if plan.vlans.is_empty() {
            return Err(err(2, None, PlanCsvErrorKind::NoVlans));
        }
        Ok(plan)
    }

    /// Writes the plan back as CSV in the documented format.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(REQUIRED.iter().chain(OPTIONAL.iter()));
        for v in &self.vlans {
            let join = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<_>>().join(";");
            let _ = w.write_record([
                v.id.to_string(),
                v.name.clone(),
                v.subnet.to_string(),
                v.gateway.to_string(),
                join(&mut v.roles.iter().map(Role::to_string)),
                join(&mut v.dns.iter().map(IpAddr::to_string)),
                v.ntp.join(";"),
                v.addressing.to_string(),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

fn csv_err(e: &csv::Error) -> PlanCsvError {
    let line = e.position().map_or(0, |p| p.line());
    PlanCsvError {
        line,
        column: None,
        column_index: None,
        kind: PlanCsvErrorKind::Csv(e.to_string()),
    }
}
