//! Refusals, lockouts and "not supported" in the HTTP forms devices nobody here wrote send them, served by a
//! bare HTTP server on loopback that gives one fixed answer to every request (after the clock read): a fault
//! with 200 OK, a 403 carrying a WS-Security fault, a 401 whose body says the account is locked, a SOAP 1.1
//! "ActionNotSupported" with 500, a bare 401 with a Basic challenge. The login check must read each by what it
//! means, and never as "unreachable".

use std::net::SocketAddr;

use handover_devices::{ClientOptions, Credentials, DeviceClient, LoginCheck, LoginOutcome};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CLOCK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><env:Body><tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:UTCDateTime><tt:Time><tt:Hour>12</tt:Hour><tt:Minute>0</tt:Minute><tt:Second>0</tt:Second></tt:Time><tt:Date><tt:Year>2026</tt:Year><tt:Month>1</tt:Month><tt:Day>1</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse></env:Body></env:Envelope>"#;

fn fault12(code: &str, sub: &str, reason: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:ter="http://www.onvif.org/ver10/error"><SOAP-ENV:Body><SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>{code}</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>{sub}</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">{reason}</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    )
}

fn fault11(code: &str, reason: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Body><s:Fault><faultcode>{code}</faultcode><faultstring>{reason}</faultstring></s:Fault></s:Body></s:Envelope>"#
    )
}

/// Serves `answer` (status line, extra headers, body) to every request but GetSystemDateAndTime.
async fn device(status: &'static str, headers: &'static str, body: String) -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut req = Vec::new();
                let mut buf = [0u8; 8192];
                loop {
                    let Ok(n) = s.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    req.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&req).into_owned();
                    let Some(head_end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let len = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if req.len() < head_end + 4 + len {
                        continue;
                    }
                    let (st, hd, b) = if text.contains("GetSystemDateAndTime") {
                        ("200 OK", "", CLOCK.to_owned())
                    } else {
                        (status, headers, body.clone())
                    };
                    let resp = format!(
                        "HTTP/1.1 {st}\r\nContent-Type: application/soap+xml; charset=utf-8\r\n{hd}Content-Length: {}\r\n\r\n{b}",
                        b.len()
                    );
                    if s.write_all(resp.as_bytes()).await.is_err() {
                        return;
                    }
                    req.clear();
                }
            });
        }
    });
    addr
}

async fn check(addr: SocketAddr) -> LoginCheck {
    let client = DeviceClient::new(ClientOptions::default());
    client
        .session(
            &format!("http://{addr}/onvif/device_service"),
            Some(Credentials::new("admin", "wrong-1234")),
        )
        .unwrap()
        .check_login()
        .await
}

#[tokio::test]
async fn every_form_is_read_by_meaning() {
    let cases: Vec<(&str, &'static str, &'static str, String, LoginOutcome)> = vec![
        (
            "fault with 200 OK",
            "200 OK",
            "",
            fault12(
                "SOAP-ENV:Sender",
                "ter:NotAuthorized",
                "Sender not Authorized",
            ),
            LoginOutcome::NotAuthorized,
        ),
        (
            "403 with wsse:FailedAuthentication",
            "403 Forbidden",
            "",
            fault12(
                "SOAP-ENV:Sender",
                "wsse:FailedAuthentication",
                "The security token could not be authenticated or authorized",
            ),
            LoginOutcome::NotAuthorized,
        ),
        (
            "400 with wsse:InvalidSecurityToken",
            "400 Bad Request",
            "",
            fault12(
                "SOAP-ENV:Sender",
                "wsse:InvalidSecurityToken",
                "An invalid security token was provided",
            ),
            LoginOutcome::NotAuthorized,
        ),
        (
            "SOAP 1.1 wsse:FailedAuthentication with 500",
            "500 Internal Server Error",
            "",
            fault11("wsse:FailedAuthentication", "Authentication failed"),
            LoginOutcome::NotAuthorized,
        ),
        (
            "401 whose body says locked, with a Digest challenge",
            "401 Unauthorized",
            "WWW-Authenticate: Digest realm=\"cam\", nonce=\"abc\", qop=\"auth\"\r\n",
            fault12(
                "SOAP-ENV:Sender",
                "ter:NotAuthorized",
                "User is locked for 30 minutes after 5 failed logins",
            ),
            LoginOutcome::LockedOut,
        ),
        (
            "bare 401 with a Basic challenge",
            "401 Unauthorized",
            "WWW-Authenticate: Basic realm=\"cam\"\r\n",
            String::new(),
            LoginOutcome::NotAuthorized,
        ),
        (
            "SOAP 1.1 wsa:ActionNotSupported with 500",
            "500 Internal Server Error",
            "",
            fault11("wsa:ActionNotSupported", "The action is not supported"),
            LoginOutcome::Failed,
        ),
    ];
    for (what, status, headers, body, want) in cases {
        let addr = device(status, headers, body).await;
        let r = check(addr).await;
        assert_eq!(r.outcome(), want, "{what}: {r:?}");
        if let LoginCheck::Failed(e) = &r {
            assert!(e.is_not_supported() && !e.is_unreachable(), "{what}: {e:?}");
        }
    }
}
