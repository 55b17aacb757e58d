//! The control panel through the real IPC on the mock runtime: what each
//! window may call (derived from the one command list build.rs uses), the
//! lock, every error code at the boundary, and the conference-day cases.

use kiosk_core::snapshot::Selection;
use serde_json::{json, Value};
use summit_kiosk::Kiosk;
use tauri::test::MockRuntime;
use tauri::Manager;

use crate::ipc::{app, build_app, control, invoke, pin_hash, window, PIN};

mod list {
    include!("../../src-tauri/commands.rs");
}
use list::COMMANDS;

/// A plausible body for each command.
pub(crate) fn body(cmd: &str) -> Value {
    match cmd {
        "control_state" => json!({"day": null}),
        "unlock" => json!({"pin": PIN}),
        "plan_delay" | "apply_edit" => {
            json!({"edit": {"kind": "delay", "room": "main", "minutes": 10}})
        }
        "add_announcement" => json!({"announcement": {"text": "Lunch moves to 13:00"}}),
        "remove_announcement" => json!({"id": "ann-1"}),
        "set_photo_hidden" => json!({"id": "x", "hidden": true}),
        "set_photo_approved" => json!({"id": "x", "approved": true}),
        "set_approve_mode" => json!({"on": true}),
        "sync_now" | "set_active_source" => json!({"source": "x"}),
        "set_room_status" => json!({"status": {"room": "main", "occupancy": "full"}}),
        "post_emergency" => json!({"emergency": {"headline": "Please leave the building"}}),
        "clear_emergency" => json!({"id": "emergency-1"}),
        "command_screen" => json!({"screen": "x", "action": "identify"}),
        _ => json!({}),
    }
}

/// The commands a window's capability file grants.
fn granted(window: &str) -> Vec<String> {
    let path = crate::support::root().join(format!("src-tauri/capabilities/{window}.json"));
    let cap: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect()
}

/// Everything a locked panel could have changed: the screen, the store's
/// revision and its audit log.
fn observed(app: &tauri::App<MockRuntime>) -> (Value, i64, usize) {
    let kiosk = app.state::<Kiosk>();
    let shown = kiosk.shown();
    (
        serde_json::to_value(kiosk.snapshot()).unwrap(),
        shown.records.revision,
        shown.records.audit.len(),
    )
}

#[test]
fn the_display_is_denied_every_command_it_was_not_granted() {
    let app = app(Selection::Lobby);
    let display = window(&app, "display");
    let allowed = granted("display");
    assert!(allowed.contains(&"get_snapshot".to_string()), "{allowed:?}");
    for (cmd, changes) in COMMANDS {
        let result = invoke(&display, cmd, body(cmd));
        let denied = matches!(&result, Err(e) if e.to_string().contains("not allowed"));
        if allowed.iter().any(|a| a == cmd) {
            assert!(!denied, "{cmd} is granted to the display: {result:?}");
            assert!(
                !changes,
                "the display may not be granted {cmd}, which changes things"
            );
        } else {
            assert!(denied, "{cmd}: {result:?}");
        }
    }
}

#[test]
fn a_locked_control_panel_changes_nothing() {
    let app = app(Selection::Room {
        room: "Main hall".into(),
    });
    let panel = window(&app, "control");
    let before = observed(&app);
    let mutating: Vec<&str> = COMMANDS
        .iter()
        .filter(|(_, changes)| *changes)
        .map(|(name, _)| *name)
        .collect();
    assert!(mutating.contains(&"upload_photo"), "{mutating:?}");
    for cmd in mutating.iter().chain(&["plan_delay"]) {
        let err = invoke(&panel, cmd, body(cmd)).expect_err(cmd);
        assert_eq!(err["code"], "locked", "{cmd}: {err}");
    }
    // Reading the state while locked says only that it is locked.
    let state = invoke(&panel, "control_state", body("control_state")).unwrap();
    assert_eq!(state["lock"]["locked"], true, "{state}");
    assert_eq!(state["view"], Value::Null, "{state}");
    assert_eq!(observed(&app), before);
}

pub(crate) fn unlocked(app: &tauri::App<MockRuntime>) -> tauri::WebviewWindow<MockRuntime> {
    let panel = window(app, "control");
    invoke(&panel, "unlock", json!({"pin": PIN})).expect("the right PIN");
    panel
}

#[test]
fn unlocked_a_delay_moves_the_room_and_undo_restores_it() {
    let app = app(Selection::Room {
        room: "Main hall".into(),
    });
    let panel = unlocked(&app);
    let kiosk = app.state::<Kiosk>();
    let before = kiosk.snapshot();
    let edit = json!({"edit": {"kind": "delay", "room": "Main hall", "minutes": 10}});
    let plan = invoke(&panel, "plan_delay", edit.clone()).unwrap();
    assert_eq!(plan["title"], "Delay Main hall by 10 minutes", "{plan}");
    assert_eq!(plan["absorbed_by"]["title"], "Coffee break", "{plan}");
    let done = invoke(&panel, "apply_edit", edit).unwrap();
    assert!(
        done["what"].as_str().unwrap().contains("10 minutes"),
        "{done}"
    );
    let end = |s: &kiosk_core::snapshot::DisplaySnapshot| {
        s.rooms[0].current.as_ref().unwrap().session.end
    };
    assert_eq!(
        end(&kiosk.snapshot()),
        end(&before) + jiff::SignedDuration::from_mins(10)
    );
    let state = invoke(&panel, "control_state", body("control_state")).unwrap();
    let view = &state["view"];
    assert!(
        view["audit"][0]["what"]
            .as_str()
            .unwrap()
            .contains("10 minutes"),
        "{state}"
    );
    assert_eq!(view["rooms"][0]["late_minutes"], 10, "{state}");
    assert!(view["undo"]["what"]
        .as_str()
        .unwrap()
        .starts_with("Delayed Main hall"));
    invoke(&panel, "undo", json!({})).unwrap();
    assert_eq!(end(&kiosk.snapshot()), end(&before));
}

/// A congress in Berlin whose evening runs past midnight (day change 04:00).
fn congress_app(at: &str) -> tauri::App<MockRuntime> {
    let json = br#"{
      "conference": {"name": "Congress", "timezone": "Europe/Berlin"},
      "rooms": [{"id": "saal1", "name": "Saal 1"}],
      "sessions": [
        {"id": "late", "title": "Late talk", "room": "saal1", "start": "2025-12-27T23:50", "end": "2025-12-28T00:20"},
        {"id": "night", "title": "Night talk", "room": "saal1", "start": "2025-12-28T00:30", "end": "2025-12-28T01:00"},
        {"id": "morning", "title": "Morning talk", "room": "saal1", "start": "2025-12-28T11:00", "end": "2025-12-28T11:30"}
      ]
    }"#;
    let schedule = kiosk_core::schedule_json::parse("congress.json", json)
        .unwrap()
        .schedule;
    build_app(
        at,
        Selection::Lobby,
        Some(schedule),
        control(Some(pin_hash())),
    )
}

#[test]
fn a_half_past_midnight_talk_is_on_the_previous_conference_days_tab() {
    let app = congress_app("2025-12-28T14:00:00+01:00");
    let panel = unlocked(&app);
    let state = invoke(&panel, "control_state", json!({"day": "2025-12-27"})).unwrap();
    let view = &state["view"];
    let keys: Vec<&str> = view["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["2025-12-27", "2025-12-28"], "{state}");
    let ids: Vec<&str> = view["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["late", "night"],
        "the 00:30 talk is on the 27th's tab"
    );
    // Today (14:00 on the 28th) lists only the 28th's daytime talk.
    let today = invoke(&panel, "control_state", json!({"day": null})).unwrap();
    assert_eq!(today["view"]["day"], "2025-12-28");
    assert_eq!(today["view"]["sessions"][0]["id"], "morning");
}

#[test]
fn started_at_five_past_midnight_delays_a_ten_to_midnight_talk_by_fifteen_minutes() {
    let app = congress_app("2025-12-28T00:10:00+01:00");
    let panel = unlocked(&app);
    let edit = json!({"edit": {"kind": "started_at", "session": "late", "at": "00:05"}});
    let plan = invoke(&panel, "plan_delay", edit.clone()).unwrap();
    assert_eq!(
        plan["title"], "“Late talk” started at 00:05 (+15 min)",
        "{plan}"
    );
    invoke(&panel, "apply_edit", edit).unwrap();
    let shown = app.state::<Kiosk>().shown();
    let schedule = shown.schedule().unwrap();
    let start = |id: &str| schedule.local_hm(schedule.session(id).unwrap().start);
    assert_eq!(start("late"), "00:05");
    assert_eq!(start("night"), "00:45", "the next talk follows");
    assert_eq!(start("morning"), "11:00");
    let state = invoke(&panel, "control_state", json!({"day": null})).unwrap();
    assert_eq!(state["view"]["sessions"][0]["delay_minutes"], 15, "{state}");
}

/// Every code that can cross IPC is listed once, and each is reached here.
#[test]
fn every_ipc_code_is_listed_once_and_reached_at_the_boundary() {
    let codes = summit_kiosk::error::ipc_codes();
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        codes.len(),
        "a code is listed twice: {codes:?}"
    );

    let mut reached: Vec<String> = Vec::new();
    let mut expect = |got: Result<Value, Value>, code: &str| {
        let err = got.expect_err(code);
        assert_eq!(err["code"], code, "{err}");
        assert!(!err["message"].as_str().unwrap().is_empty(), "{err}");
        reached.push(code.to_string());
    };
    let app = app(Selection::Lobby);
    let panel = window(&app, "control");
    expect(invoke(&panel, "undo", json!({})), "locked");
    for i in 0..3 {
        expect(
            invoke(&panel, "unlock", json!({"pin": format!("wrong-{i}")})),
            "wrong_pin",
        );
    }
    expect(
        invoke(&panel, "unlock", json!({"pin": "wrong-again"})),
        "retry_later",
    );
    // The lock's own wait is real time; a second app is unlocked at once.
    let app = crate::ipc::app(Selection::Lobby);
    let panel = unlocked(&app);
    let edit = |e: Value| invoke(&panel, "apply_edit", json!({ "edit": e }));
    expect(
        edit(json!({"kind": "skip", "session": "nope"})),
        "no_session",
    );
    expect(
        edit(json!({"kind": "move", "session": "d1-cloudprovider", "room": "Kitchen"})),
        "no_room",
    );
    expect(
        edit(json!({"kind": "edit_session", "session": "d1-cloudprovider", "end": "10:50"})),
        "overlap",
    );
    expect(
        edit(
            json!({"kind": "edit_session", "session": "d1-cloudprovider", "start": "10:24", "end": "10:12"}),
        ),
        "invalid_session",
    );
    expect(
        edit(json!({"kind": "started_at", "session": "d1-cloudprovider", "at": "25:00"})),
        "invalid_edit",
    );
    expect(
        invoke(
            &panel,
            "add_announcement",
            json!({"announcement": {"text": "  "}}),
        ),
        "invalid_announcement",
    );
    expect(
        invoke(
            &panel,
            "set_photo_hidden",
            json!({"id": "x", "hidden": true}),
        ),
        "not_found",
    );
    expect(
        invoke(&panel, "set_active_source", json!({"source": "x"})),
        "not_found",
    );
    expect(invoke(&panel, "upload_photo", json!({})), "bad_upload");
    expect(
        invoke(&panel, "command_screen", body("command_screen")),
        "unknown_screen",
    );
    expect(
        invoke(&panel, "rollback", json!({})),
        "nothing_to_roll_back",
    );
    let big = crate::ipc::raw(
        &panel,
        vec![0; (kiosk_core::photos::MAX_PHOTO_BYTES + 1) as usize],
        "big.jpg",
    );
    expect(big, "photo_too_large");

    // The evening after the last day: nothing left to delay.
    let late = build_app(
        "2020-02-28T23:00:00-05:00",
        Selection::Lobby,
        Some(kiosk_core::demo::demo().schedule),
        control(Some(pin_hash())),
    );
    let panel = unlocked(&late);
    expect(
        invoke(
            &panel,
            "apply_edit",
            json!({"edit": {"kind": "delay", "room": "Main hall", "minutes": 5}}),
        ),
        "nothing_to_delay",
    );
    // Uploads into a folder that is a file.
    let blocked = tempfile::NamedTempFile::new().unwrap();
    let io = build_app(
        "2020-02-26T10:20:00-05:00",
        Selection::Lobby,
        Some(kiosk_core::demo::demo().schedule),
        summit_kiosk::control::Control::new(
            Some(pin_hash()),
            300,
            "test-host",
            blocked.path().join("uploads"),
        ),
    );
    let panel = unlocked(&io);
    expect(
        crate::ipc::raw(&panel, b"\xff\xd8\xff".to_vec(), "a.jpg"),
        "io",
    );
    // No schedule yet; no PIN configured.
    let empty = build_app(
        "2020-02-26T10:20:00-05:00",
        Selection::Lobby,
        None,
        control(Some(pin_hash())),
    );
    let panel = unlocked(&empty);
    expect(
        invoke(&panel, "plan_delay", body("plan_delay")),
        "no_schedule",
    );
    let no_pin = build_app(
        "2020-02-26T10:20:00-05:00",
        Selection::Lobby,
        None,
        control(None),
    );
    expect(
        invoke(&window(&no_pin, "control"), "unlock", json!({"pin": PIN})),
        "no_pin",
    );

    reached.sort();
    reached.dedup();
    let mut listed: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    listed.sort();
    // Opening the panel fails only when the window system does: not on the mock runtime.
    listed.retain(|c| c != "window");
    assert_eq!(reached, listed);
}
