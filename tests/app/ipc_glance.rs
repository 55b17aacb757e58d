//! What attendees see at a glance, set from the control panel through the
//! real IPC on the mock runtime: room status, the emergency takeover, a
//! session's badges, each on the display's snapshot at once and refused
//! with its own code when wrong.

use kiosk_core::snapshot::Selection;
use serde_json::{json, Value};

use crate::ipc::{app, invoke, window};
use crate::ipc_control::unlocked;

fn snapshot(app: &tauri::App<tauri::test::MockRuntime>) -> Value {
    use tauri::Manager;
    let display = app
        .get_webview_window("display")
        .unwrap_or_else(|| window(app, "display"));
    invoke(&display, "get_snapshot", json!({})).unwrap()
}

#[test]
fn the_panel_sets_a_room_full_and_takes_over_the_screens() {
    let app = app(Selection::Room {
        room: "Main hall".into(),
    });
    let panel = unlocked(&app);
    let done = invoke(
        &panel,
        "set_room_status",
        json!({"status": {"room": "main", "occupancy": "full", "overflow": "breakout-a"}}),
    )
    .unwrap();
    assert_eq!(done["what"], "main: Full");
    let snap = snapshot(&app);
    assert_eq!(
        snap["rooms"][0]["status"]["text"], "Full",
        "{}",
        snap["rooms"][0]
    );
    assert_eq!(
        snap["rooms"][0]["status"]["overflow"],
        "Overflow: Breakout A"
    );
    let view = invoke(&panel, "control_state", json!({"day": null})).unwrap();
    let card = &view["view"]["rooms"][0];
    assert_eq!(card["status"]["text"], "Full", "{card}");
    assert!(
        card["status"]["until"]
            .as_str()
            .unwrap()
            .starts_with("until 10:"),
        "{card}"
    );

    let err = invoke(
        &panel,
        "set_room_status",
        json!({"status": {"room": "main", "occupancy": "full", "overflow": "main"}}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_room_status", "{err}");
    let err = invoke(
        &panel,
        "post_emergency",
        json!({"emergency": {"headline": " "}}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_emergency", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("the headline is empty"),
        "{err}"
    );

    let templates = &view["view"]["glance"]["templates"];
    assert_eq!(
        templates[0]["name"], "Evacuation",
        "the defaults when the config has none"
    );
    let done = invoke(
        &panel,
        "post_emergency",
        json!({"emergency": {"headline": templates[0]["headline"], "text": templates[0]["text"],
               "pictogram": "evacuate", "rooms": ["main"]}}),
    )
    .unwrap();
    assert!(
        done["what"].as_str().unwrap().contains("is on the screens"),
        "{done}"
    );
    let snap = snapshot(&app);
    assert_eq!(
        snap["emergency"]["headline"], "Please leave the building now",
        "{snap}"
    );
    assert_eq!(snap["emergency"]["pictogram"]["label"], "Emergency exit");
    assert_eq!(snap["wall"], "off");
    let view = invoke(&panel, "control_state", json!({"day": null})).unwrap();
    let row = &view["view"]["glance"]["emergencies"][0];
    assert_eq!(
        (row["on_screen"].clone(), row["rooms"].clone()),
        (json!(true), json!("Main hall"))
    );
    invoke(&panel, "clear_emergency", json!({"id": row["id"]})).unwrap();
    assert_eq!(snapshot(&app)["emergency"], Value::Null);
    let audit =
        invoke(&panel, "control_state", json!({"day": null})).unwrap()["view"]["audit"].clone();
    let whats: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["what"].as_str().unwrap())
        .collect();
    assert!(
        whats[0].starts_with("Cleared the emergency message"),
        "{whats:?}"
    );
    assert!(
        whats[1].starts_with("Emergency message “Please leave the building now” on Main hall"),
        "{whats:?}"
    );
    assert!(
        whats[2].starts_with("Main hall: Full (overflow: Breakout A)"),
        "{whats:?}"
    );
}

#[test]
fn the_panel_edits_a_sessions_badges() {
    let app = app(Selection::Room {
        room: "Main hall".into(),
    });
    let panel = unlocked(&app);
    let view = invoke(&panel, "control_state", json!({"day": null})).unwrap();
    let row = view["view"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["phase"] == "now")
        .unwrap()
        .clone();
    assert_eq!(row["access"]["languages"], json!(["en"]), "{row}");
    let edit = |access: Value| {
        invoke(
            &panel,
            "apply_edit",
            json!({"edit": {"kind": "edit_session", "session": row["id"], "access": access}}),
        )
    };
    let err = edit(json!({"languages": ["Elbisch"], "recording": "recorded", "captions": true}))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_session", "{err}");
    edit(json!({"languages": ["Deutsch", "en"], "recording": "streamed", "captions": true, "sign_language": "DGS"}))
        .unwrap();
    let badges: Vec<String> = snapshot(&app)["rooms"][0]["current"]["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        badges,
        [
            "DE · EN",
            "Streamed live",
            "Live captions",
            "Sign language: DGS"
        ]
    );
}
