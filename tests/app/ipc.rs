//! The real command set and capabilities on the mock runtime: the display
//! window may read the snapshot and nothing else (invariant 5).

use std::sync::Arc;

use jiff::Timestamp;
use kiosk_core::clock::FixedClock;
use kiosk_core::snapshot::{DisplaySnapshot, Selection};
use kiosk_core::store::Store;
use summit_kiosk::Kiosk;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

fn app(selection: Selection) -> tauri::App<MockRuntime> {
    let at: Timestamp = "2020-02-26T10:20:00-05:00".parse().unwrap();
    let kiosk = Kiosk::new(
        Store::open_in_memory().unwrap(),
        Arc::new(FixedClock(at)),
        selection,
    )
    .unwrap();
    kiosk
        .replace_schedule(kiosk_core::demo::demo().schedule, "test")
        .unwrap();
    summit_kiosk::app_builder(mock_builder(), kiosk)
        .build(summit_kiosk::context())
        .expect("the app builds on the mock runtime")
}

fn window(app: &tauri::App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    tauri::WebviewWindowBuilder::new(app, label, Default::default())
        .build()
        .unwrap()
}

fn invoke(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<serde_json::Value>().unwrap())
}

#[test]
fn the_display_reads_the_snapshot() {
    let app = app(Selection::Room {
        room: "Main hall".into(),
    });
    let display = window(&app, "display");
    let snap = invoke(&display, "get_snapshot", serde_json::json!({})).expect("allowed");
    let snap: serde_json::Value = snap;
    assert_eq!(snap["view"], "room");
    assert_eq!(snap["rooms"][0]["state"], "in_session");
    assert_eq!(
        snap["rooms"][0]["current"]["title"],
        "Native Cloud Deployment with Dask-Cloudprovider"
    );
    assert_eq!(snap["rooms"][0]["current"]["minutes_left"], 5);
    assert_eq!(snap["rooms"][0]["current"]["ending_soon"], true);
    assert_eq!(snap["next_change_at"], "2020-02-26T15:25:00Z");
    // The same thing the core computes.
    let typed: DisplaySnapshot = app.state::<Kiosk>().snapshot();
    assert_eq!(serde_json::to_value(typed).unwrap(), snap);
}

#[test]
fn an_unknown_room_falls_back_to_the_lobby_with_a_notice() {
    let app = app(Selection::Room {
        room: "Kitchen".into(),
    });
    let snap = invoke(
        &window(&app, "display"),
        "get_snapshot",
        serde_json::json!({}),
    )
    .unwrap();
    assert_eq!(snap["view"], "lobby");
    assert_eq!(snap["rooms"].as_array().unwrap().len(), 3);
    assert!(snap["notice"].as_str().unwrap().contains("\"Kitchen\""));
}

#[test]
fn the_display_is_denied_what_it_was_not_granted() {
    let app = app(Selection::Lobby);
    let display = window(&app, "display");
    for (cmd, body) in [
        (
            "plugin:event|emit",
            serde_json::json!({"event": "snapshot-changed", "payload": {}}),
        ),
        (
            "plugin:window|close",
            serde_json::json!({"label": "display"}),
        ),
        (
            "plugin:window|set_fullscreen",
            serde_json::json!({"label": "display", "value": false}),
        ),
        (
            "plugin:webview|create_webview_window",
            serde_json::json!({"options": {"label": "x"}}),
        ),
        ("plugin:app|version", serde_json::json!({})),
    ] {
        let err = invoke(&display, cmd, body).expect_err(cmd);
        assert!(err.to_string().contains("not allowed"), "{cmd}: {err}");
    }
}

#[test]
fn another_window_gets_nothing() {
    let app = app(Selection::Lobby);
    let other = window(&app, "intruder");
    let err = invoke(&other, "get_snapshot", serde_json::json!({})).expect_err("denied");
    assert!(err.to_string().contains("not allowed"), "{err}");
}

use tauri::Manager;

/// Two sources, the first preferred: the second supplies the schedule only
/// while the first has none or fails; every applied change shows at once.
#[test]
fn a_lower_priority_source_fills_in_only_while_the_first_fails() {
    let at: Timestamp = "2020-02-26T10:20:00-05:00".parse().unwrap();
    let kiosk = Kiosk::new(
        Store::open_in_memory().unwrap(),
        Arc::new(FixedClock(at)),
        Selection::Room {
            room: "Main hall".into(),
        },
    )
    .unwrap()
    .with_sources(
        vec!["primary".into(), "backup".into()],
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    let demo = kiosk_core::demo::demo().schedule;
    let retitled = |title: &str| {
        let mut s = demo.clone();
        s.sessions
            .iter_mut()
            .find(|x| x.id == "d1-cloudprovider")
            .unwrap()
            .title = title.into();
        s
    };
    let shown = |k: &Kiosk| {
        k.snapshot().rooms[0]
            .current
            .as_ref()
            .unwrap()
            .session
            .title
            .clone()
    };

    let first = kiosk
        .apply_from(1, retitled("from backup"), "backup")
        .unwrap()
        .expect("nothing yet: applied");
    assert_eq!(first.revision, Some(1));
    assert_eq!(shown(&kiosk), "from backup");
    kiosk
        .apply_from(0, retitled("from primary"), "primary")
        .unwrap()
        .expect("the preferred source wins");
    assert_eq!(shown(&kiosk), "from primary");
    assert_eq!(
        kiosk
            .apply_from(1, retitled("backup again"), "backup")
            .unwrap(),
        None,
        "refused while the primary works"
    );
    assert_eq!(shown(&kiosk), "from primary");

    let mut primary = kiosk.sync_state("primary");
    primary.failed(at, "http://primary: HTTP 503");
    kiosk.record_sync(primary).unwrap();
    kiosk
        .apply_from(1, retitled("backup again"), "backup")
        .unwrap()
        .expect("the primary fails: the backup fills in");
    assert_eq!(shown(&kiosk), "backup again");
    // Unchanged content makes no revision.
    let same = kiosk
        .apply_from(1, retitled("backup again"), "backup")
        .unwrap()
        .unwrap();
    assert_eq!(same.revision, None);
}
