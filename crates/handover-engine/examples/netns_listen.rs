//! The laptop side of the engine's Hello/Bye test (tests/listen.rs runs it with `ip netns exec`): opens a
//! project, joins the WS-Discovery group on every usable interface of the namespace (or those named with
//! `--interface`), records each Hello and Bye into the project through `Session::listen`, prints one JSON
//! line per announcement, and stops when its standard input closes. Prints `listening on ...` on stderr
//! once bound. Usage: `netns_listen PROJECT [--interface NAME]...`. Never run it in the root namespace:
//! joining the group sends an IGMP report out of the real interfaces.

use std::io::Read as _;
use std::path::PathBuf;

use handover_engine::listen::{ListenOn, Listener};
use handover_engine::{Env, Session};
use tokio_util::sync::CancellationToken;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let project = PathBuf::from(
        args.first()
            .expect("usage: netns_listen PROJECT [--interface NAME]..."),
    );
    let interfaces: Vec<String> = args
        .windows(2)
        .filter(|w| w[0] == "--interface")
        .map(|w| w[1].clone())
        .collect();
    let session = Session::open(&project, None, Env::os()).expect("open the project");
    let listener = Listener::bind(&ListenOn::Interfaces(interfaces)).expect("bind the listener");
    eprintln!("listening on {}", listener.interfaces().join(", "));
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    std::thread::spawn(move || {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        stop.cancel();
    });
    let refused = session
        .listen(listener, &cancel, |heard| match heard {
            Ok(h) => println!("{}", serde_json::to_string(&h).expect("JSON")),
            Err(e) => println!("{}", serde_json::json!({ "error": e.to_string() })),
        })
        .await;
    eprintln!("stopped; {refused} datagrams refused");
}
