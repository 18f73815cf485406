//! The Hello/Bye listener while a project is open (issue #4): started when a project is opened or created,
//! stopped when it is closed or another one is opened (and with the process). It joins the WS-Discovery group
//! on the laptop's usable interfaces (`handover_engine::listen`), records every Hello and Bye into the open
//! project on a thread of its own (taking the session lock only per announcement, never across a wait), and
//! pushes a `device-heard` event so the Devices and Discover screens show new devices as they announce
//! themselves; its state goes out as `listener-status` events and through [`listener_status`].
//!
//! `HANDOVER_LISTEN` chooses where: unset, every usable interface; a comma-separated list of interface names;
//! a socket address such as `127.0.0.1:3702` (only unicast announcements to it: no group is joined, so not
//! even an IGMP report leaves the machine — what the end-to-end walk uses); or `off`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tauri::{AppHandle, Emitter, State};
use tokio_util::sync::CancellationToken;

use handover_engine::devices::Announcement;
use handover_engine::listen::{Heard, HelloChange, ListenOn, Listener};

use crate::dto::{self, DeviceHeard, ListenerState, ListenerStatus};
use crate::error::AppError;
use crate::state::{AppState, Slot, with_slot};

/// The event each recorded announcement is pushed under.
pub const DEVICE_HEARD: &str = "device-heard";
/// The event the listener's status changes are pushed under.
pub const LISTENER_STATUS: &str = "listener-status";

/// The listener's bookkeeping: which run is current (a stopped run's late reports are ignored), how to stop
/// it, and its status.
pub struct Listening {
    generation: u64,
    cancel: Option<CancellationToken>,
    status: ListenerStatus,
}

impl Default for Listening {
    fn default() -> Self {
        Listening {
            generation: 0,
            cancel: None,
            status: ListenerStatus::not_listening(ListenerState::Stopped, "No project open."),
        }
    }
}

type Shared = Arc<Mutex<Listening>>;

fn lock(l: &Shared) -> std::sync::MutexGuard<'_, Listening> {
    l.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where to listen, from `HANDOVER_LISTEN` (see the module text); `None` when turned off.
pub fn listen_on(var: Option<&str>) -> Option<ListenOn> {
    let v = var.unwrap_or("").trim();
    if ["off", "no", "0", "false"].contains(&v.to_ascii_lowercase().as_str()) {
        return None;
    }
    if let Ok(addr) = v.parse::<SocketAddr>() {
        return Some(ListenOn::Unicast(addr));
    }
    Some(ListenOn::Interfaces(
        v.split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect(),
    ))
}

/// Sets the status of run `generation` (ignored when a newer run started) and tells the front end.
fn set_status(app: &AppHandle, shared: &Shared, generation: u64, status: ListenerStatus) {
    let mut l = lock(shared);
    if l.generation != generation {
        return;
    }
    l.status = status.clone();
    drop(l);
    let _ = app.emit(LISTENER_STATUS, status);
}

/// Stops the listener of the project that is being closed.
pub fn stop(app: &AppHandle, state: &AppState) {
    let shared = state.listening();
    let generation = {
        let mut l = lock(&shared);
        if let Some(c) = l.cancel.take() {
            c.cancel();
        }
        l.generation += 1;
        l.generation
    };
    set_status(
        app,
        &shared,
        generation,
        ListenerStatus::not_listening(ListenerState::Stopped, "No project open."),
    );
}

/// Starts listening for the project now open (stopping the previous run first).
pub fn start(app: &AppHandle, state: &AppState) {
    stop(app, state);
    let slot = state.slot();
    let Ok(path) = with_slot(&slot, |s| Ok(s.path().to_path_buf())) else {
        return;
    };
    let shared = state.listening();
    let Some(on) = listen_on(std::env::var("HANDOVER_LISTEN").ok().as_deref()) else {
        let generation = lock(&shared).generation;
        set_status(
            app,
            &shared,
            generation,
            ListenerStatus::not_listening(
                ListenerState::Off,
                "Not listening for devices announcing themselves (turned off with HANDOVER_LISTEN=off).",
            ),
        );
        return;
    };
    let cancel = CancellationToken::new();
    let generation = {
        let mut l = lock(&shared);
        l.cancel = Some(cancel.clone());
        l.generation
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let listener = match Listener::bind(&on) {
            Ok(l) => l,
            Err(e) => {
                let detail = format!(
                    "Not listening for devices announcing themselves: {e}. Discover still finds them."
                );
                set_status(
                    &app,
                    &shared,
                    generation,
                    ListenerStatus::not_listening(ListenerState::Failed, detail),
                );
                return;
            }
        };
        let names = listener.interfaces().to_vec();
        let detail = match &on {
            ListenOn::Unicast(_) => format!(
                "Listening for WS-Discovery Hello/Bye sent to {} (no multicast group joined).",
                names.join(", ")
            ),
            ListenOn::Interfaces(_) => format!(
                "Listening for WS-Discovery Hello/Bye on {}.",
                names.join(", ")
            ),
        };
        set_status(
            &app,
            &shared,
            generation,
            ListenerStatus {
                state: ListenerState::Listening,
                on: names,
                detail,
                heard: 0,
            },
        );
        let (tx, rx) = std::sync::mpsc::channel::<Announcement>();
        let recorder = Recorder {
            app: app.clone(),
            shared: shared.clone(),
            generation,
            path,
        };
        std::thread::spawn(move || {
            for a in rx {
                recorder.record(&slot, &a);
            }
            recorder.flush(&slot);
        });
        listener
            .run(&cancel, move |a| {
                let _ = tx.send(a);
            })
            .await;
    });
}

/// Records announcements into the project the listener was started for, one at a time, in arrival order.
struct Recorder {
    app: AppHandle,
    shared: Shared,
    generation: u64,
    path: PathBuf,
}

impl Recorder {
    fn record(&self, slot: &Slot, a: &Announcement) {
        let heard = with_slot(slot, |s| {
            // The project may have been closed or replaced since this was heard.
            if s.path() != self.path {
                return Err(AppError::NoProject);
            }
            let h = s.record_announcement(a)?;
            Ok(describe(s, &h))
        });
        match heard {
            // Refused by the rate limits: counted into one audit entry, not shown one by one.
            Ok(None) => {}
            Ok(Some(ev)) => {
                let status = {
                    let mut l = lock(&self.shared);
                    if l.generation != self.generation {
                        return;
                    }
                    l.status.heard += 1;
                    l.status.clone()
                };
                let _ = self.app.emit(DEVICE_HEARD, ev);
                let _ = self.app.emit(LISTENER_STATUS, status);
            }
            Err(e) if e.is_no_project() => {}
            Err(e) => eprintln!("handover-desktop: an announcement could not be recorded: {e}"),
        }
    }

    /// Writes the summaries of refused announcements when listening stops.
    fn flush(&self, slot: &Slot) {
        let done = with_slot(slot, |s| {
            if s.path() != self.path {
                return Err(AppError::NoProject);
            }
            Ok(s.flush_announcements()?)
        });
        if let Err(e) = done
            && !e.is_no_project()
        {
            eprintln!("handover-desktop: refused announcements could not be summarised: {e}");
        }
    }
}

/// The event for what was recorded (none for an announcement the rate limits refused).
fn describe(s: &handover_engine::Session, h: &Heard) -> Option<DeviceHeard> {
    let label = |id: handover_engine::model::DeviceId| {
        s.device(id).map_or_else(|_| id.to_string(), |d| d.name())
    };
    let at = dto::rfc3339(time::OffsetDateTime::now_utc());
    Some(match h {
        Heard::Hello {
            device,
            address,
            change,
            ..
        } => DeviceHeard {
            kind: "hello".into(),
            device: Some(device.0),
            label: label(*device),
            address: address.to_string(),
            change: match change {
                HelloChange::New => "new",
                HelloChange::Seen => "seen",
                HelloChange::Moved => "moved",
                HelloChange::Claimed => "claimed",
            }
            .into(),
            at,
        },
        Heard::Bye {
            device, address, ..
        } => DeviceHeard {
            kind: "bye".into(),
            device: device.map(|d| d.0),
            label: device.map_or_else(|| address.to_string(), label),
            address: address.to_string(),
            change: "left".into(),
            at,
        },
        Heard::Limited { .. } => return None,
    })
}

/// The listener's status now.
#[tauri::command]
pub fn listener_status(state: State<'_, AppState>) -> ListenerStatus {
    lock(&state.listening()).status.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_to_listen_comes_from_handover_listen() {
        let all = Some(ListenOn::Interfaces(vec![]));
        assert_eq!(listen_on(None), all);
        assert_eq!(listen_on(Some(" ")), all);
        for off in ["off", "OFF", "no", "0", "false"] {
            assert_eq!(listen_on(Some(off)), None, "{off}");
        }
        assert_eq!(
            listen_on(Some("127.0.0.1:3702")),
            Some(ListenOn::Unicast("127.0.0.1:3702".parse().unwrap()))
        );
        assert_eq!(
            listen_on(Some("eth0, wlan0,")),
            Some(ListenOn::Interfaces(vec!["eth0".into(), "wlan0".into()]))
        );
    }
}
