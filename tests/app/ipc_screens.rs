//! The Screens tab on the mock runtime: the fleet a leader keeps is in the
//! panel's view; "Identify" and "Reload" need the unlock, are audited, go
//! to another screen with its next reply and are carried out at once on
//! this kiosk's own screen.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use jiff::Timestamp;
use kiosk_core::clock::FixedClock;
use kiosk_core::fleet::{FleetLimits, Heartbeat, Inbox, Received, Via};
use kiosk_core::snapshot::Selection;
use kiosk_core::store::Store;
use serde_json::json;
use summit_kiosk::kiosk::ScreenIdentity;
use summit_kiosk::Kiosk;
use tauri::Manager;

use crate::ipc::{control, invoke, pin_hash, window};

const AT: &str = "2020-02-26T10:20:00-05:00";

fn beat(id: &str, seq: u64) -> Heartbeat {
    let mut h = Heartbeat::new(id, &format!("Screen {id}"));
    h.seq = seq;
    h.started_ms = 1;
    h.last_render_age_ms = Some(300);
    h
}

/// A leader kiosk (its own screen "leader") whose fleet lists "far".
fn leader() -> (tauri::App<tauri::test::MockRuntime>, Arc<Inbox>) {
    let at: Timestamp = AT.parse().unwrap();
    let clock = Arc::new(FixedClock(at));
    let inbox = Inbox::new(clock.clone(), FleetLimits::default(), None, None);
    let kiosk = Kiosk::new(
        Store::open_in_memory().unwrap(),
        clock,
        Selection::Room {
            room: "Main hall".into(),
        },
    )
    .unwrap()
    .with_screen(ScreenIdentity {
        id: "leader".into(),
        name: "Main hall left".into(),
    })
    .with_inbox(inbox.clone());
    kiosk
        .replace_schedule(kiosk_core::demo::demo().schedule, "test")
        .unwrap();
    inbox.receive_local(Received {
        heartbeat: beat("leader", 1),
        thumbnail: None,
    });
    let far = Via::Http(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 9)));
    inbox
        .receive(&beat("far", 1).to_bytes(), far, Some("far"), at)
        .unwrap();
    let app = summit_kiosk::app_builder(
        tauri::test::mock_builder(),
        kiosk,
        control(Some(pin_hash())),
    )
    .build(summit_kiosk::context())
    .unwrap();
    (app, inbox)
}

#[test]
fn the_screens_tab_lists_the_fleet_and_its_commands_are_audited() {
    let (app, inbox) = leader();
    let panel = window(&app, "control");
    let refused = invoke(
        &panel,
        "command_screen",
        json!({"screen": "far", "action": "identify"}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "locked");
    invoke(&panel, "unlock", json!({"pin": crate::ipc::PIN})).expect("the right PIN");
    let state = invoke(&panel, "control_state", json!({"day": null})).unwrap();
    let screens = &state["view"]["screens"];
    assert_eq!(screens["total"], 2, "{screens}");
    let names: Vec<&str> = screens["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Screen far", "Screen leader"]);
    assert_eq!(screens["rows"][1]["this_kiosk"], true);
    assert_eq!(screens["rows"][1]["clock"], "the leader's clock");
    assert_eq!(state["view"]["counts"]["screens"], screens["not_green"]);

    // Another screen: queued for its next reply, and audited.
    let done = invoke(
        &panel,
        "command_screen",
        json!({"screen": "far", "action": "reload"}),
    )
    .unwrap();
    assert_eq!(
        done["what"],
        "Asked screen “Screen far” (far) to reload its display"
    );
    let at: Timestamp = AT.parse().unwrap();
    let far = Via::Http(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 9)));
    let reply = inbox
        .receive(&beat("far", 2).to_bytes(), far, Some("far"), at)
        .unwrap()
        .unwrap();
    assert_eq!(reply.commands.len(), 1);
    // This kiosk's own screen: at once.
    let kiosk = app.state::<Kiosk>();
    assert_eq!(kiosk.snapshot().identify, None);
    invoke(
        &panel,
        "command_screen",
        json!({"screen": "leader", "action": "identify"}),
    )
    .unwrap();
    assert_eq!(kiosk.snapshot().identify.as_deref(), Some("Main hall left"));
    let state = invoke(&panel, "control_state", json!({"day": null})).unwrap();
    let audit: Vec<&str> = state["view"]["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["what"].as_str().unwrap())
        .collect();
    assert_eq!(
        audit[..2],
        [
            "Asked screen “Main hall left” (leader) to show its name",
            "Asked screen “Screen far” (far) to reload its display"
        ]
    );
    // Nothing to undo: a command changed nothing stored.
    assert!(state["view"]["undo"].is_null(), "{}", state["view"]["undo"]);
    let e = invoke(
        &panel,
        "command_screen",
        json!({"screen": "nobody", "action": "identify"}),
    )
    .unwrap_err();
    assert_eq!(e["code"], "unknown_screen");
    let e = invoke(
        &panel,
        "command_screen",
        json!({"screen": "far", "action": "reboot"}),
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown variant"), "{e}");
}
