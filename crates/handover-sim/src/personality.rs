//! Vendor personalities as data: identity strings, MAC prefixes, factory defaults, which authentication a
//! vendor's firmware speaks, lockout policy, password rules and known quirks. The request handlers read
//! these fields; they never branch on a vendor name. This is not a catalog for the product: the values are
//! plausible stand-ins drawn from public documentation and /work/shared/reference (factory defaults).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The vendor families the simulator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Vendor {
    /// Axis-like: authenticates every call, even GetSystemDateAndTime.
    Axis,
    /// Hikvision-like: HTTP Digest only, blocks the client address after 5 failures, activation when new.
    Hikvision,
    /// Hanwha-like: locks the account for 30 s after 5 failures.
    Hanwha,
    /// Dahua-like: activation when new, both auth schemes.
    Dahua,
    /// Bosch-like: SetUser only works on users that existed before (created in the web UI).
    Bosch,
    /// A plain ONVIF device following the spec's defaults.
    Generic,
}

impl Vendor {
    /// Every vendor, in a stable order.
    pub const ALL: [Vendor; 6] = [
        Vendor::Axis,
        Vendor::Hikvision,
        Vendor::Hanwha,
        Vendor::Dahua,
        Vendor::Bosch,
        Vendor::Generic,
    ];

    /// The personality (data) of this vendor.
    pub fn personality(self) -> &'static Personality {
        match self {
            Vendor::Axis => &AXIS,
            Vendor::Hikvision => &HIKVISION,
            Vendor::Hanwha => &HANWHA,
            Vendor::Dahua => &DAHUA,
            Vendor::Bosch => &BOSCH,
            Vendor::Generic => &GENERIC,
        }
    }

    /// The manifest spelling (`axis`, `hikvision`, ...).
    pub fn key(self) -> &'static str {
        self.personality().key
    }
}

/// What a device does after repeated failed logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockoutPolicy {
    /// Never locks.
    None,
    /// Locks the account (every client) for `duration` after `failures` consecutive failures.
    Account {
        /// Consecutive failures that trigger the lock.
        failures: u32,
        /// How long the account stays locked.
        duration: Duration,
    },
    /// Blocks the client's IP address for `duration` after `failures` consecutive failures from it.
    ClientAddress {
        /// Consecutive failures from one address that trigger the block.
        failures: u32,
        /// How long the address stays blocked.
        duration: Duration,
    },
}

impl LockoutPolicy {
    /// True when repeated failures lock anything.
    pub fn locks(&self) -> bool {
        !matches!(self, LockoutPolicy::None)
    }

    /// The same policy with another lock duration (tests shorten 30 minutes to a second).
    pub fn with_duration(self, d: Duration) -> Self {
        match self {
            LockoutPolicy::None => LockoutPolicy::None,
            LockoutPolicy::Account { failures, .. } => LockoutPolicy::Account {
                failures,
                duration: d,
            },
            LockoutPolicy::ClientAddress { failures, .. } => LockoutPolicy::ClientAddress {
                failures,
                duration: d,
            },
        }
    }
}

/// Password rules a device enforces on CreateUsers/SetUser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordRules {
    /// Shortest accepted password.
    pub min_len: usize,
    /// Longest accepted password (ONVIF's MaxPasswordLength capability).
    pub max_len: usize,
    /// Punctuation accepted besides ASCII letters and digits.
    pub allowed_specials: &'static str,
    /// How many of {lower, upper, digit, special} must appear.
    pub min_classes: usize,
}

impl PasswordRules {
    /// Checks a new password; the error names the ONVIF fault subcode to send.
    pub fn check(&self, password: &str) -> Result<(), PasswordRejection> {
        if password.chars().count() > self.max_len {
            return Err(PasswordRejection::TooLong);
        }
        if password.chars().count() < self.min_len {
            return Err(PasswordRejection::TooWeak);
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || self.allowed_specials.contains(c);
        if !password.chars().all(allowed) {
            return Err(PasswordRejection::TooWeak);
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        if classes.iter().filter(|b| **b).count() < self.min_classes {
            return Err(PasswordRejection::TooWeak);
        }
        Ok(())
    }
}

/// Why a password was refused (maps to ter:PasswordTooLong / ter:PasswordTooWeak).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordRejection {
    /// Longer than `max_len`.
    TooLong,
    /// Too short, a forbidden character, or too few character classes.
    TooWeak,
}

/// One model a vendor sells, with the firmware the simulator treats as current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelInfo {
    /// Model string as GetDeviceInformation reports it.
    pub model: &'static str,
    /// Role scope (camera, nvr, access-control, intercom).
    pub role: &'static str,
    /// The newest firmware; any other version in a manifest is "outdated".
    pub current_firmware: &'static str,
}

/// How a factory-new device of this vendor expects its first password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstSetup {
    /// Ships with the factory default user and password.
    DefaultPassword,
    /// Must be activated by the vendor's own protocol first (ONVIF refuses everything until then).
    Activation {
        /// HTTP path of the simulated activation endpoint (`PUT`, body carries the password).
        path: &'static str,
    },
    /// Has no users: ONVIF access is open until CreateUsers creates the first administrator.
    NoUsers,
}

/// The data that makes one vendor behave like itself.
#[derive(Debug)]
pub struct Personality {
    /// Manifest key.
    pub key: &'static str,
    /// Manufacturer string (GetDeviceInformation).
    pub manufacturer: &'static str,
    /// MAC address prefix (IEEE OUI) of this vendor.
    pub oui: [u8; 3],
    /// Factory default user name (from the reference default-credentials list).
    pub default_user: &'static str,
    /// Factory default password (from the reference list), when the vendor still ships one.
    pub default_password: &'static str,
    /// What a factory-new device expects.
    pub first_setup: FirstSetup,
    /// Accepts WS-Security UsernameToken.
    pub wsse: bool,
    /// Accepts UsernameToken with a plain-text password (PasswordText).
    pub wsse_password_text: bool,
    /// Accepts HTTP Digest (RFC 2617/7616) and answers 401 with a challenge.
    pub http_digest: bool,
    /// Operations answered without authentication.
    pub unauthenticated_ops: &'static [&'static str],
    /// Lockout after failed logins.
    pub lockout: LockoutPolicy,
    /// How far WS-Security `Created` may be from the device clock.
    pub created_window: Duration,
    /// Password rules for CreateUsers/SetUser.
    pub password_rules: PasswordRules,
    /// SetUser only works on users that existed before (made in the web UI), not ONVIF-created ones.
    pub set_user_only_preexisting: bool,
    /// Offers StartFirmwareUpgrade (an upload URI); without it only the older UpgradeSystemFirmware (the image
    /// as an MTOM attachment).
    pub firmware_upload_uri: bool,
    /// HTTP Digest realm.
    pub realm: &'static str,
    /// Known models.
    pub models: &'static [ModelInfo],
}

impl Personality {
    /// Looks a model up.
    pub fn model(&self, model: &str) -> Option<&'static ModelInfo> {
        self.models.iter().find(|m| m.model == model)
    }

    /// The first model for a role, used when a manifest names none.
    pub fn model_for_role(&self, role: &str) -> &'static ModelInfo {
        self.models
            .iter()
            .find(|m| m.role == role)
            .unwrap_or(&self.models[0])
    }
}

/// ONVIF Core: these three are answered before authentication.
const SPEC_PREAUTH: &[&str] = &["GetSystemDateAndTime", "GetServices", "GetCapabilities"];
const PRINTABLE_SPECIALS: &str = "!#$%&'()*+,-./:;<=>?@[]^_`{|}~";

static AXIS: Personality = Personality {
    key: "axis",
    manufacturer: "AXIS",
    oui: [0xAC, 0xCC, 0x8E],
    default_user: "root",
    default_password: "pass",
    first_setup: FirstSetup::DefaultPassword,
    wsse: true,
    wsse_password_text: false,
    http_digest: true,
    unauthenticated_ops: &[],
    lockout: LockoutPolicy::None,
    created_window: Duration::from_secs(5 * 60),
    password_rules: PasswordRules {
        min_len: 1,
        max_len: 64,
        allowed_specials: PRINTABLE_SPECIALS,
        min_classes: 1,
    },
    set_user_only_preexisting: false,
    firmware_upload_uri: true,
    realm: "AXIS_ACCC8E000000",
    models: &[
        ModelInfo {
            model: "P3265-LVE",
            role: "camera",
            current_firmware: "12.5.56",
        },
        ModelInfo {
            model: "Q1656-LE",
            role: "camera",
            current_firmware: "12.5.56",
        },
        ModelInfo {
            model: "A1601",
            role: "access-control",
            current_firmware: "12.5.56",
        },
        ModelInfo {
            model: "I8116-E",
            role: "intercom",
            current_firmware: "12.5.56",
        },
    ],
};

static HIKVISION: Personality = Personality {
    key: "hikvision",
    manufacturer: "HIKVISION",
    oui: [0x44, 0x19, 0xB6],
    default_user: "admin",
    default_password: "12345",
    first_setup: FirstSetup::Activation {
        path: "/ISAPI/System/activate",
    },
    wsse: false,
    wsse_password_text: false,
    http_digest: true,
    unauthenticated_ops: SPEC_PREAUTH,
    lockout: LockoutPolicy::ClientAddress {
        failures: 5,
        duration: Duration::from_secs(30 * 60),
    },
    created_window: Duration::from_secs(5 * 60),
    password_rules: PasswordRules {
        min_len: 8,
        max_len: 16,
        allowed_specials: PRINTABLE_SPECIALS,
        min_classes: 2,
    },
    set_user_only_preexisting: false,
    firmware_upload_uri: true,
    realm: "IP Camera(C1234)",
    models: &[
        ModelInfo {
            model: "DS-2CD2143G2-I",
            role: "camera",
            current_firmware: "V5.7.23 build 240618",
        },
        ModelInfo {
            model: "DS-7608NI-K2",
            role: "nvr",
            current_firmware: "V4.74.105 build 240307",
        },
        ModelInfo {
            model: "DS-K1T671M",
            role: "access-control",
            current_firmware: "V3.2.30 build 230817",
        },
        ModelInfo {
            model: "DS-KV6113-WPE1",
            role: "intercom",
            current_firmware: "V2.2.65 build 240110",
        },
    ],
};

static HANWHA: Personality = Personality {
    key: "hanwha",
    manufacturer: "Hanwha Vision",
    oui: [0x00, 0x09, 0x18],
    default_user: "admin",
    default_password: "4321",
    first_setup: FirstSetup::NoUsers,
    wsse: true,
    wsse_password_text: false,
    http_digest: true,
    unauthenticated_ops: SPEC_PREAUTH,
    lockout: LockoutPolicy::Account {
        failures: 5,
        duration: Duration::from_secs(30),
    },
    created_window: Duration::from_secs(5 * 60),
    password_rules: PasswordRules {
        min_len: 8,
        max_len: 15,
        allowed_specials: "~`!@#$%^*()_-+=|{}[].?/",
        min_classes: 2,
    },
    set_user_only_preexisting: false,
    firmware_upload_uri: true,
    realm: "iPOLiS",
    models: &[
        ModelInfo {
            model: "XNV-8080R",
            role: "camera",
            current_firmware: "2.21.02_20240528_R297",
        },
        ModelInfo {
            model: "QNV-6012R",
            role: "camera",
            current_firmware: "2.10.04_20231027_R139",
        },
        ModelInfo {
            model: "XRN-810S",
            role: "nvr",
            current_firmware: "4.02.05",
        },
    ],
};

static DAHUA: Personality = Personality {
    key: "dahua",
    manufacturer: "Dahua",
    oui: [0x3C, 0xEF, 0x8C],
    default_user: "admin",
    default_password: "admin",
    first_setup: FirstSetup::Activation {
        path: "/cgi-bin/initDevice",
    },
    wsse: true,
    wsse_password_text: true,
    http_digest: true,
    unauthenticated_ops: SPEC_PREAUTH,
    lockout: LockoutPolicy::None,
    created_window: Duration::from_secs(10 * 60),
    password_rules: PasswordRules {
        min_len: 8,
        max_len: 32,
        allowed_specials: "!#$%()*+,-./<=>?@[]^_`{|}~",
        min_classes: 2,
    },
    set_user_only_preexisting: false,
    firmware_upload_uri: true,
    realm: "Login to 3CEF8C000000",
    models: &[
        ModelInfo {
            model: "IPC-HFW2431S-S-S2",
            role: "camera",
            current_firmware: "V2.820.0000000.5.R",
        },
        ModelInfo {
            model: "ASI7213Y-V3",
            role: "access-control",
            current_firmware: "V1.000.10DH000.0.R",
        },
        ModelInfo {
            model: "VTO2202F-P",
            role: "intercom",
            current_firmware: "V4.600.0000000.4.R",
        },
    ],
};

static BOSCH: Personality = Personality {
    key: "bosch",
    manufacturer: "Bosch",
    oui: [0x00, 0x07, 0x5F],
    default_user: "service",
    default_password: "service",
    first_setup: FirstSetup::DefaultPassword,
    wsse: true,
    wsse_password_text: false,
    http_digest: true,
    unauthenticated_ops: SPEC_PREAUTH,
    lockout: LockoutPolicy::None,
    created_window: Duration::from_secs(5 * 60),
    password_rules: PasswordRules {
        min_len: 1,
        max_len: 19,
        allowed_specials: "!#$%()*+,-./:;=?@[]^_{|}~",
        min_classes: 1,
    },
    set_user_only_preexisting: true,
    firmware_upload_uri: false,
    realm: "Bosch Video",
    models: &[
        ModelInfo {
            model: "FLEXIDOME IP 5100i",
            role: "camera",
            current_firmware: "9.10.0018",
        },
        ModelInfo {
            model: "DINION IP 3000i",
            role: "camera",
            current_firmware: "9.10.0018",
        },
    ],
};

static GENERIC: Personality = Personality {
    key: "generic",
    manufacturer: "Generic",
    oui: [0x02, 0x4F, 0x4E],
    default_user: "admin",
    default_password: "admin",
    first_setup: FirstSetup::NoUsers,
    wsse: true,
    wsse_password_text: true,
    http_digest: true,
    unauthenticated_ops: SPEC_PREAUTH,
    lockout: LockoutPolicy::None,
    created_window: Duration::from_secs(5 * 60),
    password_rules: PasswordRules {
        min_len: 1,
        max_len: 64,
        allowed_specials: PRINTABLE_SPECIALS,
        min_classes: 1,
    },
    set_user_only_preexisting: false,
    firmware_upload_uri: true,
    realm: "ONVIF",
    models: &[
        ModelInfo {
            model: "IPC-G100",
            role: "camera",
            current_firmware: "1.4.2",
        },
        ModelInfo {
            model: "ACU-G10",
            role: "access-control",
            current_firmware: "1.4.2",
        },
        ModelInfo {
            model: "DPI-G20",
            role: "intercom",
            current_firmware: "1.4.2",
        },
        ModelInfo {
            model: "NVR-G8",
            role: "nvr",
            current_firmware: "1.4.2",
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rules: PasswordRules, pw: &str, want: Result<(), PasswordRejection>) {
        assert_eq!(rules.check(pw), want, "password {pw:?}");
    }

    #[test]
    fn password_rules_follow_vendor_data() {
        let hik = Vendor::Hikvision.personality().password_rules;
        check(hik, "Abcdefg1", Ok(()));
        check(hik, "abcdefgh", Err(PasswordRejection::TooWeak));
        check(hik, "Abcdefg1Abcdefg12", Err(PasswordRejection::TooLong));
        let bosch = Vendor::Bosch.personality().password_rules;
        check(
            bosch,
            "a-very-long-password-20",
            Err(PasswordRejection::TooLong),
        );
        check(bosch, "has space", Err(PasswordRejection::TooWeak));
    }

    #[test]
    fn every_vendor_has_models_and_distinct_oui() {
        let mut ouis: Vec<_> = Vendor::ALL.iter().map(|v| v.personality().oui).collect();
        ouis.sort();
        ouis.dedup();
        assert_eq!(ouis.len(), Vendor::ALL.len());
        for v in Vendor::ALL {
            assert!(!v.personality().models.is_empty(), "{v:?}");
        }
    }
}
