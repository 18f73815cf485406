//! Authentication as devices do it: which operations need credentials, WS-UsernameToken checked against
//! the device's own (possibly skewed) clock with nonce replay detection, HTTP Digest with MD5 or SHA-256,
//! and the vendor's lockout policy (account lock or client-address block). Returns a decision; the HTTP
//! layer turns it into a 401 challenge or a ter:NotAuthorized fault.

pub mod digest;
pub mod wsse;

use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::device::{Device, LockState, UserLevel};
use crate::personality::LockoutPolicy;
use crate::soap::SoapFault;
pub use wsse::UsernameToken;

/// Most nonces remembered per device (oldest forgotten first).
const MAX_NONCES: usize = 4096;

/// What the device decides about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Go ahead; `level` is None when no credentials were needed.
    Allowed {
        username: Option<String>,
        level: Option<UserLevel>,
    },
    /// HTTP 401 with Digest challenges.
    Challenge { stale: bool },
    /// A SOAP fault (ter:NotAuthorized).
    Refused(SoapFault),
}

/// The parts of a request that matter for authentication.
pub(crate) struct AuthRequest<'a> {
    pub op: &'a str,
    pub token: Option<UsernameToken>,
    pub authorization: Option<&'a str>,
    pub method: &'a str,
    pub client: IpAddr,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Issues a Digest nonce for this device.
pub(crate) fn new_nonce(dev: &Device) -> String {
    digest::make_nonce(&dev.cfg.nonce_secret, unix_now(), rand::random())
}

enum Failure {
    WrongPassword { username: String },
    Stale,
    Replay,
}

/// Decides whether a request may run.
pub(crate) fn authenticate(dev: &Device, req: &AuthRequest<'_>) -> Decision {
    let p = dev.cfg.personality;
    let digest_auth = if p.http_digest {
        req.authorization.and_then(digest::parse_authorization)
    } else {
        None
    };
    // A blocked client address is refused before anything else, right password or not.
    if let LockoutPolicy::ClientAddress { .. } = dev.cfg.lockout
        && locked(dev.state().address_locks.get(&req.client))
    {
        dev.counters
            .refused_while_locked
            .fetch_add(1, Ordering::Relaxed);
        return refuse(
            dev,
            req,
            "client address blocked after repeated failed logins",
            false,
        );
    }
    let open_ops: &[&str] = if dev.state().faults.credentials_for_everything {
        &[]
    } else {
        p.unauthenticated_ops
    };
    if !dev.state().activated {
        if open_ops.contains(&req.op) {
            return Decision::Allowed {
                username: None,
                level: None,
            };
        }
        return Decision::Refused(SoapFault::not_authorized("device is not activated"));
    }
    if open_ops.contains(&req.op) || dev.state().users.is_empty() {
        return Decision::Allowed {
            username: None,
            level: None,
        };
    }
    let wsse = if p.wsse { req.token.as_ref() } else { None };
    let outcome = if let Some(c) = &digest_auth {
        check_digest(dev, c, req.method)
    } else if let Some(tok) = wsse {
        check_wsse(dev, tok)
    } else {
        return if p.http_digest {
            Decision::Challenge { stale: false }
        } else {
            Decision::Refused(SoapFault::not_authorized("authentication required"))
        };
    };
    match outcome {
        Ok((username, level)) => {
            if let LockoutPolicy::Account { .. } = dev.cfg.lockout
                && locked(dev.state().account_locks.get(&username))
            {
                dev.counters
                    .refused_while_locked
                    .fetch_add(1, Ordering::Relaxed);
                return refuse(
                    dev,
                    req,
                    "account locked after repeated failed logins",
                    false,
                );
            }
            let mut st = dev.state();
            st.account_locks.remove(&username);
            st.address_locks.remove(&req.client);
            Decision::Allowed {
                username: Some(username),
                level: Some(level),
            }
        }
        Err(failure) => {
            dev.counters.failed_logins.fetch_add(1, Ordering::Relaxed);
            let stale = matches!(failure, Failure::Stale);
            match failure {
                Failure::WrongPassword { username } => record_failure(dev, &username, req.client),
                Failure::Stale => {
                    dev.counters.stale_created.fetch_add(1, Ordering::Relaxed);
                }
                Failure::Replay => {
                    dev.counters.replayed_nonces.fetch_add(1, Ordering::Relaxed);
                }
            }
            refuse(
                dev,
                req,
                "the security token could not be authenticated or authorized",
                stale,
            )
        }
    }
}

fn refuse(dev: &Device, req: &AuthRequest<'_>, reason: &str, stale: bool) -> Decision {
    if dev.cfg.personality.http_digest && (req.authorization.is_some() || !dev.cfg.personality.wsse)
    {
        Decision::Challenge { stale }
    } else {
        Decision::Refused(SoapFault::not_authorized(reason))
    }
}

fn locked(l: Option<&LockState>) -> bool {
    l.and_then(|l| l.locked_until)
        .is_some_and(|t| Instant::now() < t)
}

fn record_failure(dev: &Device, username: &str, client: IpAddr) {
    let mut st = dev.state();
    let user_exists = st.users.iter().any(|u| u.username == username);
    let (entry, failures, duration) = match dev.cfg.lockout {
        LockoutPolicy::None => return,
        LockoutPolicy::Account { failures, duration } => {
            if !user_exists {
                return;
            }
            (
                st.account_locks.entry(username.to_string()).or_default(),
                failures,
                duration,
            )
        }
        LockoutPolicy::ClientAddress { failures, duration } => (
            st.address_locks.entry(client).or_default(),
            failures,
            duration,
        ),
    };
    if entry.locked_until.is_some_and(|t| Instant::now() >= t) {
        *entry = LockState::default();
    }
    entry.failures += 1;
    if entry.failures >= failures && entry.locked_until.is_none() {
        entry.locked_until = Some(Instant::now() + duration);
        dev.counters.lockouts.fetch_add(1, Ordering::Relaxed);
    }
}

fn user_level(dev: &Device, username: &str) -> Option<(String, UserLevel)> {
    dev.state()
        .users
        .iter()
        .find(|u| u.username == username)
        .map(|u| (u.username.clone(), u.level))
}

fn check_digest(
    dev: &Device,
    c: &digest::DigestCredentials,
    method: &str,
) -> Result<(String, UserLevel), Failure> {
    match digest::nonce_age(&dev.cfg.nonce_secret, &c.nonce, unix_now()) {
        Some(age) if age <= digest::NONCE_LIFETIME_SECS => {}
        _ => return Err(Failure::Stale),
    }
    let password = dev
        .state()
        .users
        .iter()
        .find(|u| u.username == c.username)
        .map(|u| u.password.clone());
    let wrong = || Failure::WrongPassword {
        username: c.username.clone(),
    };
    let password = password.ok_or_else(wrong)?;
    if c.realm != dev.cfg.personality.realm
        || digest::expected_response(c, &password, method) != c.response
    {
        return Err(wrong());
    }
    if let Some(nc) = c.nc.as_deref() {
        // RFC 7616 3.4: the nonce count must grow for each request made with the same server nonce.
        let nc = u32::from_str_radix(nc, 16).map_err(|_| Failure::Replay)?;
        let mut st = dev.state();
        let now = unix_now();
        let secret = dev.cfg.nonce_secret;
        st.digest_nc.retain(|n, _| {
            digest::nonce_age(&secret, n, now).is_some_and(|age| age <= digest::NONCE_LIFETIME_SECS)
        });
        match st.digest_nc.get(&c.nonce) {
            Some(last) if nc <= *last => return Err(Failure::Replay),
            _ => {
                st.digest_nc.insert(c.nonce.clone(), nc);
            }
        }
    }
    user_level(dev, &c.username).ok_or_else(wrong)
}

fn check_wsse(dev: &Device, tok: &UsernameToken) -> Result<(String, UserLevel), Failure> {
    let p = dev.cfg.personality;
    let wrong = || Failure::WrongPassword {
        username: tok.username.clone(),
    };
    if tok.password_type == wsse::PasswordType::Text && !p.wsse_password_text {
        return Err(wrong());
    }
    if tok.password_type == wsse::PasswordType::Digest {
        let created = tok
            .created
            .as_deref()
            .and_then(wsse::parse_created)
            .ok_or(Failure::Stale)?;
        let window = time::Duration::try_from(p.created_window).unwrap_or(time::Duration::MINUTE);
        if (created - dev.now()).abs() > window {
            return Err(Failure::Stale);
        }
    }
    let password = dev
        .state()
        .users
        .iter()
        .find(|u| u.username == tok.username)
        .map(|u| u.password.clone());
    let password = password.ok_or_else(wrong)?;
    if !tok.verifies(&password) {
        return Err(wrong());
    }
    if let Some(nonce) = &tok.nonce {
        let mut st = dev.state();
        let now = Instant::now();
        let keep = p.created_window * 2;
        st.nonces.retain(|_, seen| now.duration_since(*seen) < keep);
        if st.nonces.contains_key(nonce) {
            return Err(Failure::Replay);
        }
        if st.nonces.len() >= MAX_NONCES
            && let Some(oldest) = st
                .nonces
                .iter()
                .min_by_key(|(_, t)| **t)
                .map(|(k, _)| k.clone())
        {
            st.nonces.remove(&oldest);
        }
        st.nonces.insert(nonce.clone(), now);
    }
    user_level(dev, &tok.username).ok_or_else(wrong)
}
