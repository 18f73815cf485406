//! The bridge between oxvif and our shared HTTP client: an `oxvif::transport::Transport` per session
//! that posts through [`crate::http::Http`] (body cap, deadline, one request per device), answers HTTP
//! Digest challenges (oxvif's own Digest needs its reqwest transport, which cannot share a client or cap
//! bodies), refuses DOCTYPEs, parses faults with every subcode, and keeps the typed error of the last
//! failure because oxvif's `TransportError` cannot carry ours. Authentication attempts are counted: a
//! refused Digest answer is never retried (except once for a stale nonce, which proves the password).

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use hyper::Uri;
use oxvif::transport::{Transport, TransportError};

use crate::creds::Credentials;
use crate::digest::{self, Challenge};
use crate::error::{Error, Result};
use crate::http::{Http, authority, parse_http_date};
use crate::onvif::fault;

#[derive(Default)]
struct State {
    digest: Option<(Challenge, u32)>,
    last_error: Option<Error>,
    last_date: Option<i64>,
    last_used_digest: bool,
    digest_offered: bool,
}

/// One session's transport: anonymous (no credentials) or with credentials.
pub(crate) struct SessionTransport {
    http: Arc<Http>,
    /// Fuzzing only: every exchange gets this answer instead of going to the network.
    #[cfg(feature = "fuzzing")]
    canned: Option<crate::http::Response>,
    creds: Option<Credentials>,
    allow_digest: bool,
    state: Mutex<State>,
}

impl SessionTransport {
    pub fn new(http: Arc<Http>, creds: Option<Credentials>, allow_digest: bool) -> Self {
        SessionTransport {
            http,
            #[cfg(feature = "fuzzing")]
            canned: None,
            creds,
            allow_digest,
            state: Mutex::new(State::default()),
        }
    }

    /// Fuzzing only: answers every exchange with `answer` (no network).
    #[cfg(feature = "fuzzing")]
    pub fn canned(mut self, answer: crate::http::Response) -> Self {
        self.canned = Some(answer);
        self
    }

    /// One POST: over the shared client (or, when fuzzing, the canned answer).
    async fn post(
        &self,
        uri: &Uri,
        action: &str,
        authorization: Option<&str>,
        body: Bytes,
    ) -> Result<crate::http::Response> {
        #[cfg(feature = "fuzzing")]
        if let Some(answer) = &self.canned {
            return Ok(answer.clone());
        }
        self.http.post_soap(uri, action, authorization, body).await
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets the previous call's error (call before each operation).
    pub fn begin(&self) {
        self.state().last_error = None;
    }
    /// The typed error of the last failed exchange.
    pub fn take_error(&self) -> Option<Error> {
        self.state().last_error.take()
    }
    /// The device's HTTP Date header of the last answer, as unix seconds.
    pub fn last_date(&self) -> Option<i64> {
        self.state().last_date
    }
    /// True when the last successful exchange was authenticated with HTTP Digest.
    pub fn last_used_digest(&self) -> bool {
        self.state().last_used_digest
    }
    /// True once the device has sent a Digest challenge.
    pub fn digest_offered(&self) -> bool {
        self.state().digest_offered
    }

    async fn exchange(&self, url: &str, action: &str, body: String) -> Result<String> {
        let uri: Uri =
            url.parse()
                .map_err(|e: hyper::http::uri::InvalidUri| Error::InvalidAddress {
                    input: url.to_string(),
                    source: Some(e.into()),
                })?;
        let addr = authority(&uri);
        let _gate = self.http.gate(&addr).await;
        let body = Bytes::from(body);
        let mut retried_stale = false;
        loop {
            let auth = match (&self.creds, self.allow_digest) {
                (Some(c), true) => {
                    let mut st = self.state();
                    st.digest.as_mut().map(|(ch, nc)| {
                        *nc += 1;
                        let cnonce = hex::encode(rand::random::<[u8; 8]>());
                        digest::authorization(
                            ch,
                            &c.username,
                            c.password.expose(),
                            "POST",
                            uri.path(),
                            *nc,
                            &cnonce,
                        )
                    })
                }
                _ => None,
            };
            let resp = self
                .post(&uri, action, auth.as_deref(), body.clone())
                .await?;
            {
                let mut st = self.state();
                if let Some(d) = resp.date.as_deref().and_then(parse_http_date) {
                    st.last_date = Some(d);
                }
            }
            match resp.status {
                401 => {
                    let ch = digest::best_challenge(resp.challenges.iter().map(String::as_str));
                    if ch.is_some() {
                        self.state().digest_offered = true;
                    }
                    // A lockout said in the 401's body (vendors that answer a locked account with a bare 401
                    // and a fault) is a lockout, whatever the challenge.
                    if let Some(f) = fault_in(&resp.body)
                        && f.meaning() == fault::FaultMeaning::LockedOut
                    {
                        self.state().digest = None;
                        return Err(Error::LockedOut { addr, fault: f });
                    }
                    let Some(creds_ch) = ch else {
                        // No Digest on offer (a Basic-only challenge, or none): the device refused what was
                        // sent (WS-UsernameToken) or wants credentials.
                        return Err(if self.creds.is_some() {
                            Error::AuthRejected { addr, fault: None }
                        } else {
                            Error::AuthRequired {
                                addr,
                                digest: false,
                            }
                        });
                    };
                    if self.creds.is_none() {
                        return Err(Error::AuthRequired { addr, digest: true });
                    }
                    if !self.allow_digest {
                        return Err(Error::AuthRejected { addr, fault: None });
                    }
                    if auth.is_some() {
                        // A Digest answer was refused: only a stale nonce (the password was right) earns
                        // one more try; anything else would be another guess against the lockout counter.
                        if !creds_ch.stale || retried_stale {
                            self.state().digest = None;
                            return Err(Error::AuthRejected { addr, fault: None });
                        }
                        retried_stale = true;
                    }
                    self.state().digest = Some((creds_ch, 0));
                }
                200 | 400 | 500 => {
                    let malformed = |e: fault::XmlGuardError| Error::Malformed {
                        addr: addr.clone(),
                        source: e.into(),
                    };
                    if resp.status == 200 {
                        if contains_doctype(&resp.body) {
                            return Err(malformed(fault::XmlGuardError::Doctype));
                        }
                        // Some firmware sends its faults with 200 OK: read them by meaning here too.
                        if let Some(f) = fault_in(&resp.body) {
                            return Err(classify_fault(addr, f, self.creds.is_some()));
                        }
                    } else if let Some(f) = fault::scan(&resp.body).map_err(malformed)? {
                        return Err(classify_fault(addr, f, self.creds.is_some()));
                    } else {
                        return Err(Error::HttpStatus {
                            addr,
                            status: resp.status,
                        });
                    }
                    self.state().last_used_digest = auth.is_some();
                    return String::from_utf8(resp.body.to_vec()).map_err(|e| Error::Malformed {
                        addr,
                        source: e.into(),
                    });
                }
                // Other statuses (403, 404, 501, ...) are read by the fault they carry, if any.
                status => {
                    if contains_doctype(&resp.body) {
                        return Err(Error::Malformed {
                            addr,
                            source: fault::XmlGuardError::Doctype.into(),
                        });
                    }
                    return Err(match fault_in(&resp.body) {
                        Some(f) => classify_fault(addr, f, self.creds.is_some()),
                        None => Error::HttpStatus { addr, status },
                    });
                }
            }
        }
    }
}

/// Maps a fault to our error by its meaning (see [`fault::SoapFault::meaning`]): lockouts and refusals
/// (ONVIF's, WS-Security's, vendors') are told apart from other faults.
pub(crate) fn classify_fault(addr: String, f: fault::SoapFault, had_creds: bool) -> Error {
    match f.meaning() {
        fault::FaultMeaning::LockedOut => Error::LockedOut { addr, fault: f },
        fault::FaultMeaning::Refused if !had_creds => Error::AuthRequired {
            addr,
            digest: false,
        },
        fault::FaultMeaning::Refused => Error::AuthRejected {
            addr,
            fault: Some(f),
        },
        fault::FaultMeaning::NotSupported | fault::FaultMeaning::Other => {
            Error::Fault { addr, fault: f }
        }
    }
}

/// A fault in an answer whose status says nothing of its own (a 200 or 401 carrying one); `None` for a body
/// that holds none or is not XML (left to the status).
fn fault_in(body: &[u8]) -> Option<fault::SoapFault> {
    const NEEDLE: &[u8] = b"Fault";
    if !body.windows(NEEDLE.len()).any(|w| w == NEEDLE) {
        return None;
    }
    fault::scan(body).ok().flatten()
}

fn contains_doctype(body: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"<!doctype";
    body.windows(NEEDLE.len())
        .any(|w| w.eq_ignore_ascii_case(NEEDLE))
}

#[async_trait]
impl Transport for SessionTransport {
    async fn soap_post(
        &self,
        url: &str,
        action: &str,
        body: String,
    ) -> Result<String, TransportError> {
        match self.exchange(url, action, body).await {
            Ok(s) => Ok(s),
            Err(e) => {
                let status = match &e {
                    Error::HttpStatus { status, .. } => *status,
                    _ => 0,
                };
                self.state().last_error = Some(e);
                Err(TransportError::HttpStatus {
                    status,
                    body: String::new(),
                })
            }
        }
    }
}
