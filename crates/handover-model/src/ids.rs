//! Identifiers: a project's UUID, and the short numeric ids of devices and findings inside one project file.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A project's identity, stable for the life of the project file and used to name its keyring entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProjectId(pub Uuid);

impl ProjectId {
    /// A new random project id.
    pub fn new_random() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        ///
        /// In JSON it is written as people see it (`"D12"`), and read in either form (`"D12"` or `12`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(untagged)]
                enum Either {
                    Number(i64),
                    Text(String),
                }
                match Either::deserialize(d)? {
                    Either::Number(n) => Ok(Self(n)),
                    Either::Text(t) => t.parse().map_err(|_| {
                        serde::de::Error::custom(format!(
                            concat!("{:?} is not an id such as ", $prefix, "12"),
                            t
                        ))
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            /// Accepts `12` as well as the displayed form with its prefix.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                let digits = s
                    .strip_prefix($prefix)
                    .or_else(|| s.strip_prefix(&$prefix.to_ascii_lowercase()))
                    .unwrap_or(s);
                digits.parse().map(Self).map_err(|_| IdError {
                    given: s.to_owned(),
                    example: concat!($prefix, "12"),
                })
            }
        }
    };
}

/// Text that is not an id of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not an id such as {example}")]
pub struct IdError {
    /// What was given.
    pub given: String,
    /// What one looks like.
    pub example: &'static str,
}

row_id!(
    /// A device inside one project file, shown as `D12`.
    DeviceId,
    "D"
);
row_id!(
    /// A finding inside one project file, shown as `F7`.
    FindingId,
    "F"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_display_with_prefix_and_parse_both_forms() {
        assert_eq!(DeviceId(12).to_string(), "D12");
        assert_eq!("D12".parse::<DeviceId>().unwrap(), DeviceId(12));
        assert_eq!("d12".parse::<DeviceId>().unwrap(), DeviceId(12));
        assert_eq!("12".parse::<DeviceId>().unwrap(), DeviceId(12));
        assert_eq!("F3".parse::<FindingId>().unwrap(), FindingId(3));
        assert!("X3".parse::<FindingId>().is_err());
    }

    #[test]
    fn ids_are_written_to_json_as_shown_and_read_in_either_form() {
        assert_eq!(serde_json::to_string(&DeviceId(3)).unwrap(), r#""D3""#);
        assert_eq!(serde_json::to_string(&FindingId(7)).unwrap(), r#""F7""#);
        assert_eq!(
            serde_json::from_str::<DeviceId>(r#""D3""#).unwrap(),
            DeviceId(3)
        );
        assert_eq!(serde_json::from_str::<DeviceId>("3").unwrap(), DeviceId(3));
        assert!(serde_json::from_str::<FindingId>(r#""D3""#).is_err());
    }
}
