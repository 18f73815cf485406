//! The local status endpoint (HTTP JSON on 127.0.0.1) through which other processes observe and steer
//! a running site: `GET /status` (every device: identity, addresses, counters, users with the SHA-256 of
//! their current password, faults), `GET /devices/<name>`, and `POST /devices/<name>/faults` (a JSON
//! FaultSpec), `/reboot`, `/clear-lockouts`. Never serves passwords themselves.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::device::DeviceHandle;
use crate::error::{Error, Result};
use crate::faults::FaultSpec;

/// The JSON view of one device.
pub fn device_json(d: &DeviceHandle) -> Value {
    let (port, vlan) = d.switch_port();
    let users: Vec<Value> = d
        .users()
        .iter()
        .map(|u| json!({"username": u, "password_sha256": d.password_hash(u)}))
        .collect();
    json!({
        "name": d.name(),
        "vendor": d.vendor(),
        "role": d.role(),
        "model": d.model(),
        "firmware": d.firmware(),
        "firmware_upgrades": d.firmware_upgrades(),
        "mac": d.mac(),
        "ip": d.ip(),
        "xaddr": d.xaddr(),
        "http": d.http_addr(),
        "discovery": d.discovery_addr(),
        "endpoint_reference": d.endpoint_reference(),
        "switch_port": port,
        "port_vlan": vlan,
        "users": users,
        "activated": d.is_activated(),
        "rebooting": d.is_rebooting(),
        "discoverable": d.is_discoverable(),
        "clock_skew_secs": d.clock_skew().whole_seconds(),
        "counters": d.counters(),
        "faults": d.faults(),
    })
}

fn json_response(status: StatusCode, v: &Value) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

async fn handle(
    site: Arc<(String, Vec<DeviceHandle>)>,
    req: Request<Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let method = req.method().clone();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let not_found = || json_response(StatusCode::NOT_FOUND, &json!({"error": "not found"}));
    let find = |name: &str| site.1.iter().find(|d| d.name() == name).cloned();
    let r = match (method, parts.as_slice()) {
        (Method::GET, ["status"]) => {
            let devices: Vec<Value> = site.1.iter().map(device_json).collect();
            json_response(StatusCode::OK, &json!({"site": site.0, "devices": devices}))
        }
        (Method::GET, ["devices", name]) => match find(name) {
            Some(d) => json_response(StatusCode::OK, &device_json(&d)),
            None => not_found(),
        },
        (Method::POST, ["devices", name, action]) => {
            let Some(d) = find(name) else {
                return Ok(not_found());
            };
            let body = Limited::new(req.into_body(), 64 * 1024)
                .collect()
                .await
                .map(|c| c.to_bytes());
            match *action {
                "faults" => match body.ok().map(|b| serde_json::from_slice::<FaultSpec>(&b)) {
                    Some(Ok(f)) => {
                        d.set_faults(f);
                        json_response(StatusCode::OK, &device_json(&d))
                    }
                    Some(Err(e)) => {
                        json_response(StatusCode::BAD_REQUEST, &json!({"error": e.to_string()}))
                    }
                    None => {
                        json_response(StatusCode::BAD_REQUEST, &json!({"error": "body too large"}))
                    }
                },
                "reboot" => {
                    d.reboot();
                    json_response(StatusCode::OK, &device_json(&d))
                }
                "clear-lockouts" => {
                    d.clear_lockouts();
                    json_response(StatusCode::OK, &device_json(&d))
                }
                _ => not_found(),
            }
        }
        _ => not_found(),
    };
    Ok(r)
}

/// Binds the status endpoint and serves it until the task is aborted.
pub(crate) async fn spawn(
    addr: SocketAddr,
    devices: Vec<DeviceHandle>,
    site_name: String,
) -> Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    let bound = listener.local_addr()?;
    let site = Arc::new((site_name, devices));
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let site = site.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(site.clone(), req));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Ok((bound, task))
}
