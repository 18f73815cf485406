//! The command line's shape: global options and the subcommand tree.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use handover_engine::model::{DeviceId, FindingId};

/// Handover: discover, secure and hand over physical-security devices.
#[derive(Debug, Parser)]
#[command(name = "handover", version, about, long_about = None)]
pub struct Cli {
    /// The project file.
    #[arg(
        long,
        short = 'p',
        global = true,
        env = "HANDOVER_PROJECT",
        default_value = "site.handover"
    )]
    pub project: PathBuf,
    /// Print one JSON document instead of text (read commands).
    #[arg(long, global = true)]
    pub json: bool,
    /// Who is acting, for the audit log (default: the project's technician).
    #[arg(long = "as", global = true, env = "HANDOVER_TECHNICIAN")]
    pub actor: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new project file for a site.
    Init(InitArgs),
    /// IT's network plan.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// A readable summary of the project.
    Status,
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// List the devices the project knows (or act on one: forget-certificate, web).
    Devices {
        /// What to do with a device (none: list them all).
        #[command(subcommand)]
        action: Option<DevicesCommand>,
    },
    /// Check devices against the plan and catalogs (firmware, placement, services, time, accounts).
    Check(CheckArgs),
    /// List findings.
    Findings {
        /// Include fixed and waived findings.
        #[arg(long)]
        all: bool,
        /// Only the findings of these devices (e.g. D3).
        #[arg(long = "device")]
        devices: Vec<DeviceId>,
        /// Only findings at least this severe.
        #[arg(long, value_enum)]
        severity: Option<MinSeverity>,
        /// Only findings in these states (default: open; --all: every state).
        #[arg(long, value_enum, conflicts_with = "all")]
        state: Vec<FindingState>,
    },
    /// Fix findings on the device where ONVIF allows (NTP from the plan, WS-Discovery off, plain HTTP off once
    /// HTTPS is proven), each read back to prove it; lists the changes and asks once.
    Fix {
        /// The findings, e.g. F7 (or --all for every open finding Handover can fix).
        findings: Vec<FindingId>,
        /// Every open finding that has a fix.
        #[arg(long)]
        all: bool,
        /// Do not ask for confirmation (needed when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Accept findings with a reason (shown in the report as waived, with who and when).
    Waive {
        /// The findings, e.g. F7 F9 (all are checked first: one unknown id waives none).
        #[arg(required = true, num_args = 1..)]
        findings: Vec<FindingId>,
        /// Why it is acceptable.
        #[arg(long)]
        reason: String,
        /// Who on the customer's side accepts the risk, e.g. "M. Lindqvist (IT security)".
        #[arg(long)]
        approver: Option<String>,
        /// Until when the waiver holds, YYYY-MM-DD.
        #[arg(long)]
        expires: Option<String>,
    },
    /// The catalogs in use (factory defaults, firmware baseline).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Render and sign the handover report (PDF, with JSON and CSV twins beside it).
    Report(ReportArgs),
    /// The integrator's signing identity (kept in the OS keyring).
    #[command(subcommand, name = "sign-identity")]
    SignIdentity(SignIdentityCommand),
    /// Verify a signed handover report offline (no project needed); --json adds the inventory it carries.
    Verify(VerifyArgs),
    /// Find devices (WS-Discovery on each interface, unicast sweeps of the plan's subnets) and identify them.
    Discover(DiscoverArgs),
    /// Listen for devices announcing themselves (WS-Discovery Hello and Bye) until Ctrl-C, recording them.
    Listen(ListenArgs),
    /// Add a device by address (IP, host:port or device service URL) and identify it.
    Add {
        /// The address.
        address: String,
    },
    /// Identify devices again (with the passwords Handover holds, when the keyring can be reached).
    Identify {
        /// The devices, e.g. D3 D7 (none: every device).
        devices: Vec<DeviceId>,
    },
    /// Credential custody: find defaults, rotate, recover, supply, export for IT.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// The accounts on a device: list, remove ones Handover does not hold, create a least-privilege VMS account.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Managed switches to ask over SNMP where each device really is (layer 2).
    #[command(subcommand)]
    Switch(SwitchCommand),
    /// Firmware upgrades from the project's firmware folder: images, plan, upgrade in waves, recover.
    #[command(subcommand)]
    Firmware(FirmwareCommand),
}

/// `handover firmware ...`.
#[derive(Debug, Subcommand)]
pub enum FirmwareCommand {
    /// Point the project at the folder holding the firmware files downloaded from the vendors' portals.
    Folder {
        /// The folder.
        dir: PathBuf,
    },
    /// The images in the folder: SHA-256, size, what the file states, and whether the signed catalog approves it.
    Images,
    /// Accept an image the signed catalog does not list, for this project (audited with the reason, shown in
    /// the report).
    Accept {
        /// The image file (a name in the firmware folder, or a path).
        file: PathBuf,
        /// Why it is trusted, e.g. "sent by the vendor's support for case 1234".
        #[arg(long)]
        reason: String,
    },
    /// Per device: current version, target, image, size and what blocks it. Nothing is sent.
    Plan(FirmwarePlanArgs),
    /// Upgrade what the plan says (asks first): one canary per model, then waves; a device not upgraded stops
    /// the run. Each device is proven after its reboot; the firmware check runs again on the upgraded ones.
    Upgrade {
        /// Which devices and image.
        #[command(flatten)]
        plan: FirmwarePlanArgs,
        /// Devices upgraded at once in a wave.
        #[arg(long, default_value_t = 8)]
        in_flight: usize,
        /// The site's uplink for the images, in Mbit/s, shared by all uploads (0: no limit).
        #[arg(long, default_value_t = 100)]
        uplink_mbps: u64,
        /// Seconds to wait for a device to come back (default: twice the down time it states, plus 5 s).
        #[arg(long)]
        reboot_wait: Option<u64>,
        /// Do not ask: the plan shown is confirmed.
        #[arg(long)]
        yes: bool,
    },
    /// Settle upgrades a crash or a device that did not come back left open, by asking each device its version.
    Recover,
}

/// Which devices and which image a firmware plan covers.
#[derive(Debug, Args)]
pub struct FirmwarePlanArgs {
    /// Only these devices (e.g. D3); all when omitted.
    #[arg(long = "device")]
    pub devices: Vec<DeviceId>,
    /// Use this image (file name or SHA-256) for the chosen devices instead of the newest one.
    #[arg(long)]
    pub image: Option<String>,
}

/// `handover devices ...`.
#[derive(Debug, Subcommand)]
pub enum DevicesCommand {
    /// Name a device and/or say where it is; the name is used everywhere (tables, findings, the app, the report,
    /// KeePass titles). An empty name or location ("") gives the device back the one it announces.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true).args(["name", "location"])))]
    Rename {
        /// The device, e.g. D3.
        device: DeviceId,
        /// Its new name, e.g. "Gate 3 east".
        name: Option<String>,
        /// Where it is, e.g. "Car park level 2".
        #[arg(long)]
        location: Option<String>,
    },
    /// Import names and locations from a CSV with a header row: a device column (device, mac, serial or
    /// address) and name and/or location columns. A bad row changes nothing; devices not found yet are listed.
    Labels {
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Forget the TLS certificate pinned for a device, after confirming on site that it was replaced or reset
    /// to factory settings; the next HTTPS answer pins its new certificate.
    ForgetCertificate {
        /// The device.
        #[arg(long)]
        device: DeviceId,
    },
    /// Print the address of a device's own web page: HTTPS where the device offers it.
    Web {
        /// The device.
        #[arg(long)]
        device: DeviceId,
    },
    /// Hosts that answered on the plan's subnets in the latest discovery but could not be identified, with why
    /// and what to do next.
    Unidentified,
}

/// `handover accounts ...`.
#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// List the accounts on a device.
    List {
        /// The device.
        #[arg(long)]
        device: DeviceId,
    },
    /// Remove an account Handover does not hold (e.g. an installer's leftover administrator).
    Remove {
        /// The device.
        #[arg(long)]
        device: DeviceId,
        /// The account.
        #[arg(long)]
        user: String,
    },
    /// Create an Operator-level account for the VMS with its own password (kept in the keyring, in the export).
    CreateVms {
        /// The device.
        #[arg(long)]
        device: DeviceId,
        /// The account's name.
        #[arg(long, default_value = "vms")]
        user: String,
    },
}

/// `handover switch ...`.
#[derive(Debug, Subcommand)]
pub enum SwitchCommand {
    /// Add a switch. Its community (v2c) or passwords (v3) are read from the terminal or stdin, never arguments.
    Add {
        /// A name for it.
        name: String,
        /// SNMP address, host:port (port 161 on real switches).
        #[arg(long)]
        address: String,
        /// Use SNMPv3 authPriv (SHA-256/AES-128) with this user; without it, v2c.
        #[arg(long)]
        v3_user: Option<String>,
    },
    /// Read every switch's forwarding table and record where each device's MAC was learned.
    Query,
    /// List the switches.
    List,
}

/// `handover discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Multicast WS-Discovery only on these interfaces (default: every usable one).
    #[arg(long = "interface")]
    pub interfaces: Vec<String>,
    /// Also sweep these ranges by unicast (CIDR, or one address).
    #[arg(long = "sweep")]
    pub sweep: Vec<ipnet::Ipv4Net>,
    /// Send no multicast probes (unicast sweeps only).
    #[arg(long)]
    pub no_multicast: bool,
    /// Do not sweep the plan's subnets.
    #[arg(long)]
    pub no_plan_sweep: bool,
    /// WS-Discovery UDP port to probe (3702 on real sites).
    #[arg(long, default_value_t = 3702, hide = true)]
    pub wsd_port: u16,
}

/// `handover listen`.
#[derive(Debug, clap::Args)]
pub struct ListenArgs {
    /// Join the WS-Discovery group only on these interfaces (default: every usable one).
    #[arg(long = "interface", conflicts_with = "address")]
    pub interfaces: Vec<String>,
    /// Instead, hear only announcements sent to this address (e.g. 127.0.0.1:3702); no group is joined.
    #[arg(long)]
    pub address: Option<std::net::SocketAddr>,
}

/// `handover credentials ...`.
#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Try catalog defaults (below each vendor's lockout threshold) on devices whose password is not held.
    FindDefaults {
        /// Only these devices.
        #[arg(long = "device")]
        devices: Vec<DeviceId>,
    },
    /// Rotate each held password to a unique strong one, proven on the device and kept in the keyring.
    Rotate {
        /// Only these devices (rotates them again even if rotated before).
        #[arg(long = "device")]
        devices: Vec<DeviceId>,
        /// Devices that offer no working HTTPS get their new password over plain HTTP (in clear on the wire;
        /// audited). Without it they are left untouched, and devices with HTTPS always get it over HTTPS.
        #[arg(long)]
        allow_plain_http: bool,
    },
    /// Settle rotations a crash or a rebooting device interrupted.
    Recover,
    /// Supply a device's password (read from the terminal, or one line on stdin; never an argument).
    Set {
        /// The device.
        #[arg(long)]
        device: DeviceId,
        /// The account.
        #[arg(long, default_value = "admin")]
        user: String,
    },
    /// Export every held account to an encrypted KeePass (KDBX4) file for IT.
    Export {
        /// The file to write.
        #[arg(long)]
        kdbx: PathBuf,
    },
    /// List the accounts Handover holds (never the passwords).
    List,
    /// Show the password Handover holds for a device (to type into its web page); audited.
    Show {
        /// The device.
        #[arg(long)]
        device: DeviceId,
        /// The account (default: the device's administrator account).
        #[arg(long)]
        user: Option<String>,
        /// Do not ask for confirmation (needed when standard input is not a terminal).
        #[arg(long)]
        yes: bool,
    },
}

/// A finding's state, for `handover findings --state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FindingState {
    /// Still to be dealt with.
    Open,
    /// Fixed (on the device, or found fixed by a later check).
    Fixed,
    /// Accepted with a reason.
    Waived,
}

impl FindingState {
    /// The engine's status this names.
    pub fn status(self) -> handover_engine::model::FindingStatus {
        use handover_engine::model::FindingStatus as S;
        match self {
            Self::Open => S::Open,
            Self::Fixed => S::Fixed,
            Self::Waived => S::Waived,
        }
    }
}

/// A severity floor for `handover findings --severity`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MinSeverity {
    /// Everything.
    Info,
    /// Low and worse.
    Low,
    /// Medium and worse.
    Medium,
    /// High and critical.
    High,
    /// Critical only (known to be exploited).
    Critical,
}

impl MinSeverity {
    /// The model's severity.
    pub fn severity(self) -> handover_engine::model::Severity {
        use handover_engine::model::Severity;
        match self {
            MinSeverity::Info => Severity::Info,
            MinSeverity::Low => Severity::Low,
            MinSeverity::Medium => Severity::Medium,
            MinSeverity::High => Severity::High,
            MinSeverity::Critical => Severity::Critical,
        }
    }
}

/// Paper sizes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Paper {
    /// ISO A4.
    A4,
    /// US Letter.
    Letter,
}

/// `handover report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The PDF to write (default: handover-report.pdf beside the project).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Paper size.
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
}

/// `handover sign-identity ...`.
#[derive(Debug, Subcommand)]
pub enum SignIdentityCommand {
    /// Create an integrator CA and a signing certificate; the CA certificate is written for IT to trust.
    Create {
        /// The signer's name (certificate CN), e.g. the technician or the company.
        #[arg(long)]
        name: String,
        /// The organisation (certificate O).
        #[arg(long)]
        org: String,
        /// Replace an existing identity.
        #[arg(long)]
        replace: bool,
    },
    /// Import a PKCS#12 (.p12/.pfx) file from your own PKI; its password is read from the terminal or stdin.
    Import {
        /// The PKCS#12 file.
        file: PathBuf,
    },
    /// Show the identity in use.
    Show,
}

/// `handover verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed report.
    pub report: PathBuf,
    /// A CA certificate (PEM) to trust; repeat for several.
    #[arg(long)]
    pub trust: Vec<PathBuf>,
    /// Also write the rows the report carries to this CSV file, in the report's own columns (whatever the
    /// verdict, which is still printed and still sets the exit status).
    #[arg(long, value_name = "FILE.csv")]
    pub export_csv: Option<PathBuf>,
    /// Which rows --export-csv writes.
    #[arg(long, value_enum, default_value_t = ExportKind::Devices, requires = "export_csv")]
    pub csv_kind: ExportKind,
}

/// Which CSV `verify --export-csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    /// The device inventory (the columns of the report's `.csv` twin).
    Devices,
    /// NetBox's device import (the report's `-netbox.csv` twin).
    Netbox,
    /// The findings (the report's `-findings.csv` twin).
    Findings,
}

/// `handover check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only these devices (e.g. D3); all when omitted.
    #[arg(long = "device")]
    pub devices: Vec<DeviceId>,
    /// Largest acceptable clock difference in seconds.
    #[arg(long, default_value_t = handover_engine::DEFAULT_MAX_CLOCK_SKEW_SECS)]
    pub max_skew: i64,
}

/// `handover catalog ...`.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Show the catalogs in use with their versions and SHA-256.
    Show,
    /// Import a newer signed catalog (FILE.sig must be beside it); a tampered or unsigned one is refused.
    Import {
        /// The catalog file.
        file: PathBuf,
    },
}

/// `handover init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The site's name.
    #[arg(long)]
    pub name: String,
    /// The customer organisation.
    #[arg(long, default_value = "")]
    pub customer: String,
    /// The site's address.
    #[arg(long, default_value = "")]
    pub address: String,
    /// The integrator company.
    #[arg(long, default_value = "")]
    pub integrator: String,
    /// The technician doing the handover.
    #[arg(long, env = "HANDOVER_TECHNICIAN")]
    pub technician: String,
    /// IT's plan as CSV (see the README for the format).
    #[arg(long)]
    pub plan: Option<PathBuf>,
}

/// `handover plan ...`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Replace the plan with one from a CSV file; a bad file changes nothing.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
    /// Show the plan (as CSV, or JSON with --json).
    Show,
}

/// `handover audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit log's hash chain and name the first broken entry.
    Verify,
    /// List audit entries: the newest ones (oldest first), or those after an entry number.
    Log {
        /// Start after this entry number and read forward (oldest first).
        #[arg(long, conflicts_with = "oldest")]
        after: Option<i64>,
        /// At most this many entries.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..))]
        limit: i64,
        /// Read from the first entry forward, oldest first (default: the newest entries, newest first).
        #[arg(long)]
        oldest: bool,
        /// Show every detail whole (default: cut to fit the terminal's width).
        #[arg(long)]
        full: bool,
    },
}
