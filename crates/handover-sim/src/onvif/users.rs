//! Account operations: GetUsers, CreateUsers, SetUser, DeleteUsers, with the faults the ONVIF Core
//! specification defines (UsernameClash, UsernameMissing, PasswordTooLong, PasswordTooWeak,
//! TooManyUsers, ...) and the vendor's password rules and SetUser quirk. Requests are all-or-nothing:
//! every user is checked before any change is made.

use std::collections::HashSet;

use super::{Outcome, fault_invalid};
use crate::device::{Device, User, UserLevel};
use crate::personality::PasswordRejection;
use crate::soap::{Element, SoapFault, escape};

/// Most accounts a device holds.
pub(crate) const MAX_USERS: usize = 16;
/// Longest user name.
pub(crate) const MAX_USERNAME: usize = 32;

fn prohibited(subsub: &'static str, reason: impl Into<String>) -> Outcome {
    Outcome::Fault(SoapFault::sender(
        "ter:OperationProhibited",
        Some(subsub),
        reason,
    ))
}

fn password_fault(dev: &Device, password: &str) -> Option<Outcome> {
    let rules = dev.cfg.personality.password_rules;
    match rules.check(password) {
        Ok(()) => None,
        Err(PasswordRejection::TooLong) => Some(prohibited(
            "ter:PasswordTooLong",
            format!("the password is longer than {} characters", rules.max_len),
        )),
        Err(PasswordRejection::TooWeak) => Some(prohibited(
            "ter:PasswordTooWeak",
            "the password does not meet the device's password rules",
        )),
    }
}

pub(super) fn get_users(dev: &Device) -> Outcome {
    let users: String = dev
        .state()
        .users
        .iter()
        .map(|u| {
            format!(
                "<tds:User><tt:Username>{}</tt:Username><tt:UserLevel>{}</tt:UserLevel></tds:User>",
                escape(&u.username),
                u.level.as_str()
            )
        })
        .collect();
    Outcome::Body(format!(
        "<tds:GetUsersResponse>{users}</tds:GetUsersResponse>"
    ))
}

struct Requested {
    username: String,
    password: Option<String>,
    level: Option<UserLevel>,
}

fn read_users(op: &Element) -> Result<Vec<Requested>, Outcome> {
    let mut out = Vec::new();
    for u in op.children_named("User") {
        let username = u.text_at(&["Username"]).unwrap_or_default().to_string();
        let level = match u.text_at(&["UserLevel"]) {
            None => None,
            Some("Anonymous") => {
                return Err(prohibited(
                    "ter:AnonymousNotAllowed",
                    "anonymous users are not allowed",
                ));
            }
            Some(l) => Some(
                UserLevel::parse(l)
                    .ok_or_else(|| fault_invalid(None, format!("unknown UserLevel {l}")))?,
            ),
        };
        out.push(Requested {
            username,
            password: u.text_at(&["Password"]).map(str::to_string),
            level,
        });
    }
    if out.is_empty() {
        return Err(fault_invalid(None, "no User element"));
    }
    Ok(out)
}

pub(super) fn create_users(dev: &Device, op: &Element) -> Outcome {
    if let Some(o) = unsupported(dev) {
        return o;
    }
    let requested = match read_users(op) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let mut st = dev.state();
    let mut seen = HashSet::new();
    for r in &requested {
        if r.username.is_empty() {
            return prohibited("ter:UsernameTooShort", "the user name is empty");
        }
        if r.username.chars().count() > MAX_USERNAME {
            return prohibited("ter:UsernameTooLong", "the user name is too long");
        }
        if st.users.iter().any(|u| u.username == r.username) || !seen.insert(r.username.as_str()) {
            return prohibited(
                "ter:UsernameClash",
                format!("user {} already exists", r.username),
            );
        }
        let Some(pw) = &r.password else {
            return fault_invalid(None, "Password is required");
        };
        if let Some(f) = password_fault(dev, pw) {
            return f;
        }
    }
    if st.users.len() + requested.len() > MAX_USERS {
        return Outcome::Fault(SoapFault::receiver(
            "ter:Action",
            Some("ter:TooManyUsers"),
            "too many users",
        ));
    }
    for r in requested {
        st.users.push(User {
            username: r.username,
            password: r.password.unwrap_or_default(),
            level: r.level.unwrap_or(UserLevel::User),
            preexisting: false,
        });
    }
    Outcome::Body("<tds:CreateUsersResponse/>".into())
}

/// The answer of firmware that cannot change accounts over ONVIF (the `set_user_unsupported` switch).
fn unsupported(dev: &Device) -> Option<Outcome> {
    dev.state().faults.set_user_unsupported.then(|| {
        Outcome::Fault(SoapFault::receiver(
            "ter:ActionNotSupported",
            None,
            "Action not supported",
        ))
    })
}

pub(super) fn set_user(dev: &Device, op: &Element) -> Outcome {
    if let Some(o) = unsupported(dev) {
        return o;
    }
    let requested = match read_users(op) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let only_preexisting = dev.cfg.personality.set_user_only_preexisting;
    let mut st = dev.state();
    for r in &requested {
        let Some(existing) = st.users.iter().find(|u| u.username == r.username) else {
            return fault_invalid(
                Some("ter:UsernameMissing"),
                format!("no user {}", r.username),
            );
        };
        if only_preexisting && !existing.preexisting {
            return prohibited(
                "ter:FixedUser",
                "this user can only be changed in the web interface",
            );
        }
        if let Some(pw) = &r.password
            && let Some(f) = password_fault(dev, pw)
        {
            return f;
        }
    }
    if st.faults.set_user_refused {
        st.faults.set_user_refused = false;
        return Outcome::Fault(SoapFault::receiver(
            "ter:Action",
            None,
            "the configuration is locked by another session",
        ));
    }
    if st.faults.set_user_applies_late_ms > 0 {
        let late = std::time::Duration::from_millis(st.faults.set_user_applies_late_ms);
        st.faults.set_user_applies_late_ms = 0;
        if let Some(r) = requested.first()
            && let Some(pw) = &r.password
        {
            st.late_change = Some((
                r.username.clone(),
                pw.clone(),
                std::time::Instant::now() + late,
            ));
        }
        return Outcome::Body("<tds:SetUserResponse/>".into());
    }
    for r in requested {
        if let Some(u) = st.users.iter_mut().find(|u| u.username == r.username) {
            if let Some(pw) = r.password {
                u.password = pw;
            }
            if let Some(level) = r.level {
                u.level = level;
            }
        }
    }
    if st.faults.reboot_during_set_user {
        st.faults.reboot_during_set_user = false;
        return Outcome::SilentReboot;
    }
    if st.faults.set_user_applies_then_faults {
        st.faults.set_user_applies_then_faults = false;
        return Outcome::Fault(SoapFault::receiver(
            "ter:Action",
            None,
            "internal error while saving the configuration",
        ));
    }
    if st.faults.set_user_applies_then_401 {
        st.faults.set_user_applies_then_401 = false;
        return Outcome::Unauthorized;
    }
    Outcome::Body("<tds:SetUserResponse/>".into())
}

pub(super) fn delete_users(dev: &Device, op: &Element) -> Outcome {
    let names: Vec<&str> = op
        .children_named("Username")
        .map(|e| e.text.as_str())
        .collect();
    if names.is_empty() {
        return fault_invalid(Some("ter:UsernameMissing"), "no Username element");
    }
    let mut st = dev.state();
    for n in &names {
        if !st.users.iter().any(|u| &u.username == n) {
            return fault_invalid(Some("ter:UsernameMissing"), format!("no user {n}"));
        }
    }
    st.users.retain(|u| !names.contains(&u.username.as_str()));
    Outcome::Body("<tds:DeleteUsersResponse/>".into())
}
