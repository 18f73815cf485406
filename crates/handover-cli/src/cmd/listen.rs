//! `handover listen`: hears devices announce themselves (WS-Discovery Hello and Bye) until Ctrl-C, recording
//! each Hello into the project by discovery's merge rules and noting each Bye in the audit log — what the
//! desktop app does while a project is open. One line per announcement (JSON lines with `--json`).

use std::process::ExitCode;

use handover_engine::listen::{Heard, HelloChange, ListenOn, Listener};

use crate::args::{Cli, ListenArgs};

pub fn run(cli: &Cli, a: &ListenArgs) -> anyhow::Result<ExitCode> {
    let session = super::open(cli)?;
    let rt = super::runtime()?;
    let cancel = super::ctrl_c_cancels(&rt);
    let on = match a.address {
        Some(addr) => ListenOn::Unicast(addr),
        None => ListenOn::Interfaces(a.interfaces.clone()),
    };
    let listener = rt.block_on(async { Listener::bind(&on) })?;
    errln!(
        "Listening for WS-Discovery Hello/Bye on {} (Ctrl-C to stop).",
        listener.interfaces().join(", ")
    );
    let json = cli.json;
    let refused = rt.block_on(session.listen(listener, &cancel, |heard| match heard {
        Ok(Heard::Limited { first: false, .. }) => {}
        Ok(h) if json => match serde_json::to_string(&h) {
            Ok(line) => outln!("{line}"),
            Err(e) => errln!("{e}"),
        },
        Ok(Heard::Hello {
            device,
            address,
            change,
            moved_from,
        }) => {
            let what = match (change, moved_from) {
                (HelloChange::New, _) => "new device".to_owned(),
                (HelloChange::Moved, Some(from)) => format!("moved from {from}"),
                (HelloChange::Claimed, _) => {
                    "claims to be a device in custody: not moved; `handover discover` will prove or refute it"
                        .to_owned()
                }
                _ => "known device".to_owned(),
            };
            outln!("{device} {address}: Hello, {what}");
        }
        Ok(Heard::Bye {
            device, address, ..
        }) => match device {
            Some(d) => outln!("{d} {address}: Bye"),
            None => outln!("{address}: Bye (a device the project does not know)"),
        },
        Ok(Heard::Limited { address, .. }) => outln!(
            "{address}: sends more announcements than a device does; ignoring the rest from it for now (one audit entry sums them up)"
        ),
        Err(e) => errln!("could not record an announcement: {e}"),
    }));
    if refused > 0 {
        errln!("{refused} malformed or hostile datagrams were ignored.");
    }
    Ok(ExitCode::SUCCESS)
}
