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

pub(crate) fn app(selection: Selection) -> tauri::App<MockRuntime> {
    build_app(
        "2020-02-26T10:20:00-05:00",
        selection,
        Some(kiosk_core::demo::demo().schedule),
        control(Some(pin_hash())),
    )
}

/// The real command set over a kiosk whose clock stands at `at`.
pub(crate) fn build_app(
    at: &str,
    selection: Selection,
    schedule: Option<kiosk_core::model::Schedule>,
    control: summit_kiosk::control::Control,
) -> tauri::App<MockRuntime> {
    let at: Timestamp = at.parse().unwrap();
    let kiosk = Kiosk::new(
        Store::open_in_memory().unwrap(),
        Arc::new(FixedClock(at)),
        selection,
    )
    .unwrap();
    if let Some(schedule) = schedule {
        kiosk.replace_schedule(schedule, "test").unwrap();
    }
    summit_kiosk::app_builder(mock_builder(), kiosk, control)
        .build(summit_kiosk::context())
        .expect("the app builds on the mock runtime")
}

pub(crate) const PIN: &str = "4711-correct";

/// Hashed once per test binary: argon2id is slow on purpose.
pub(crate) fn pin_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| kiosk_core::pin::hash_pin(PIN).unwrap())
        .clone()
}

pub(crate) fn control(hash: Option<String>) -> summit_kiosk::control::Control {
    summit_kiosk::control::Control::new(
        hash,
        300,
        "test-host",
        std::env::temp_dir().join("summit-kiosk-ipc-test-uploads"),
    )
}

pub(crate) fn window(app: &tauri::App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    tauri::WebviewWindowBuilder::new(app, label, Default::default())
        .build()
        .unwrap()
}

pub(crate) fn invoke(
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

#[test]
fn wrong_pins_keep_it_locked_with_a_growing_wait() {
    let app = app(Selection::Lobby);
    let panel = window(&app, "control");
    let control = app.state::<summit_kiosk::control::Control>();
    let wait = || {
        control
            .retry_after()
            .map(|t| t.duration_since(jiff::Timestamp::now()).as_secs_f64())
            .unwrap_or(0.0)
    };
    // Five wrong PINs, each after the wait the last one earned: the wait
    // grows (two free tries, then 1 s, 2 s, 4 s).
    let mut waits = Vec::new();
    for i in 0..5 {
        std::thread::sleep(std::time::Duration::from_secs_f64(wait().max(0.0) + 0.05));
        let err = invoke(
            &panel,
            "unlock",
            serde_json::json!({"pin": format!("wrong-{i}")}),
        )
        .unwrap_err();
        assert_eq!(err["code"], "wrong_pin", "{err}");
        // The wait runs from before the (slow, argon2) check: what is left
        // of it afterwards is a little under the whole seconds it was.
        waits.push(wait().ceil());
    }
    assert_eq!(waits, [0.0, 0.0, 1.0, 2.0, 4.0]);
    // Five more at once: refused during the wait, unchecked; ten in all and
    // still locked.
    for i in 5..10 {
        let err = invoke(
            &panel,
            "unlock",
            serde_json::json!({"pin": format!("wrong-{i}")}),
        )
        .unwrap_err();
        assert_eq!(err["code"], "retry_later", "{err}");
        assert!(
            err["message"].as_str().unwrap().contains("Try again in"),
            "{err}"
        );
    }
    assert!(!control.is_unlocked());
    // The right PIN during the wait is refused without being checked.
    let err = invoke(&panel, "unlock", serde_json::json!({"pin": PIN})).unwrap_err();
    assert_eq!(err["code"], "retry_later", "{err}");
    assert!(!control.is_unlocked());
}

#[test]
fn no_pin_configured_means_no_unlock() {
    let app = build_app(
        "2020-02-26T10:20:00-05:00",
        Selection::Lobby,
        None,
        control(None),
    );
    let panel = window(&app, "control");
    let err = invoke(&panel, "unlock", serde_json::json!({"pin": PIN})).unwrap_err();
    assert_eq!(err["code"], "no_pin", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("set-pin"),
        "{err}"
    );
}

/// `upload_photo` as the panel sends it: the bytes as the body, the name in a header.
pub(crate) fn raw(
    panel: &WebviewWindow<MockRuntime>,
    bytes: Vec<u8>,
    name: &str,
) -> Result<serde_json::Value, serde_json::Value> {
    let mut headers = tauri::http::HeaderMap::new();
    headers.insert("x-file-name", name.parse().unwrap());
    get_ipc_response(
        panel,
        InvokeRequest {
            cmd: "upload_photo".into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Raw(bytes),
            headers,
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<serde_json::Value>().unwrap())
}

#[test]
fn an_uploaded_photo_lands_in_the_upload_folder_for_the_ingest() {
    let app = app(Selection::Lobby);
    let panel = window(&app, "control");
    let uploads = std::env::temp_dir().join("summit-kiosk-ipc-test-uploads");
    let _ = std::fs::remove_dir_all(&uploads);
    let raw = |bytes: Vec<u8>, name: &str| raw(&panel, bytes, name);
    let photo = std::fs::read(crate::support::root().join("assets/demo/photos/kite.jpg")).unwrap();
    // Locked: refused, nothing written.
    let err = raw(photo.clone(), "Kite%20%C3%A0%20la%20plage.jpg").unwrap_err();
    assert_eq!(err["code"], "locked", "{err}");
    assert!(!uploads.exists());
    invoke(&panel, "unlock", serde_json::json!({"pin": PIN})).unwrap();
    let ok = raw(photo.clone(), "Kite%20%C3%A0%20la%20plage.jpg").unwrap();
    assert!(ok["what"].as_str().unwrap().contains("uploaded"), "{ok}");
    let files: Vec<_> = std::fs::read_dir(&uploads)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].ends_with(".jpg") && !files[0].starts_with('.'),
        "{files:?}"
    );
    assert_eq!(std::fs::read(uploads.join(&files[0])).unwrap(), photo);
    // A hostile name cannot leave the folder.
    raw(photo, "..%2F..%2Fetc%2Fevil.jpg").unwrap();
    assert!(!std::path::Path::new("/etc/evil.jpg").exists());
    assert_eq!(std::fs::read_dir(&uploads).unwrap().count(), 2);
    // Over the byte cap: refused with the limit named.
    let err = raw(
        vec![0u8; (kiosk_core::photos::MAX_PHOTO_BYTES + 1) as usize],
        "big.jpg",
    )
    .unwrap_err();
    assert_eq!(err["code"], "photo_too_large", "{err}");
    let _ = std::fs::remove_dir_all(&uploads);
}

/// The render heartbeat is granted to the display and changes nothing it
/// could see or the store holds; no other window may send it.
#[test]
fn the_display_reports_renders_and_that_changes_nothing() {
    let app = app(Selection::Lobby);
    let display = window(&app, "display");
    let before = invoke(&display, "get_snapshot", serde_json::json!({})).unwrap();
    let revision = app.state::<Kiosk>().snapshot().revision;
    for _ in 0..3 {
        let answer = invoke(&display, "report_render", serde_json::json!({})).expect("allowed");
        assert_eq!(answer, serde_json::Value::Null);
    }
    assert_eq!(
        invoke(&display, "get_snapshot", serde_json::json!({})).unwrap(),
        before
    );
    assert_eq!(app.state::<Kiosk>().snapshot().revision, revision);
    for label in ["control", "intruder"] {
        let err = invoke(&window(&app, label), "report_render", serde_json::json!({}))
            .expect_err("only the display renders the schedule");
        assert!(err.to_string().contains("not allowed"), "{label}: {err}");
    }
}

/// A source URL's token: in no part of what the control panel gets, though
/// the source failed and its error is shown, and the schedule came from it.
#[test]
fn control_state_names_sources_without_their_token() {
    use kiosk_core::fetch::FetchLimits;
    use kiosk_core::import::ImportOptions;
    use kiosk_core::sync::{check, Source, SyncState};
    let secret = "panel-must-not-see-this-token-42";
    let closed = crate::support::free_port();
    let source = Source::parse(&format!(
        "http://127.0.0.1:{closed}/feed.json?token={secret}"
    ));
    let at: Timestamp = "2020-02-26T10:20:00-05:00".parse().unwrap();
    let kiosk = Kiosk::new(
        Store::open_in_memory().unwrap(),
        Arc::new(FixedClock(at)),
        Selection::Lobby,
    )
    .unwrap()
    .with_sources(vec![source.name()], std::time::Duration::from_secs(300))
    .unwrap();
    kiosk
        .replace_schedule(kiosk_core::demo::demo().schedule, &source.name())
        .unwrap();
    // A real failed check of the source, recorded as the sync thread does.
    let limits = FetchLimits {
        connect: std::time::Duration::from_secs(2),
        ..FetchLimits::default()
    };
    let error = check(
        &source,
        &SyncState::default(),
        &ImportOptions::default(),
        &limits,
    )
    .unwrap_err()
    .to_string();
    let mut state = kiosk.sync_state(&source.name());
    state.failed(at, &error);
    kiosk.record_sync(state).unwrap();
    let app = summit_kiosk::app_builder(mock_builder(), kiosk, control(Some(pin_hash())))
        .build(summit_kiosk::context())
        .unwrap();
    let panel = window(&app, "control");
    invoke(&panel, "unlock", serde_json::json!({"pin": PIN})).unwrap();
    let state = invoke(&panel, "control_state", serde_json::json!({})).unwrap();
    let text = state.to_string();
    assert!(
        text.contains(&format!("http://127.0.0.1:{closed}/feed.json")),
        "the source is listed: {text}"
    );
    assert!(
        text.contains("connection refused") || text.contains("cannot connect"),
        "{text}"
    );
    assert!(!text.contains(secret), "{text}");
}

/// The wrong-PIN wait outlives a restart: a fresh control panel over the
/// same store file (as the kiosk makes it at start) still refuses, unchecked.
#[test]
fn the_pin_wait_survives_a_restart_of_the_panel() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let at: Timestamp = "2020-02-26T10:20:00-05:00".parse().unwrap();
    let start = || {
        let store = Store::open(&path).unwrap();
        let backoff = store.pin_backoff().unwrap();
        let kiosk = Kiosk::new(store, Arc::new(FixedClock(at)), Selection::Lobby).unwrap();
        summit_kiosk::app_builder(
            mock_builder(),
            kiosk,
            control(Some(pin_hash())).with_backoff(backoff),
        )
        .build(summit_kiosk::context())
        .unwrap()
    };
    // Three wrong PINs, a restart between each: the third earns a wait.
    for i in 0..3 {
        let app = start();
        let err = invoke(
            &window(&app, "control"),
            "unlock",
            serde_json::json!({"pin": format!("wrong-{i}")}),
        )
        .unwrap_err();
        assert_eq!(err["code"], "wrong_pin", "try {i}: {err}");
    }
    let app = start();
    let control = app.state::<summit_kiosk::control::Control>();
    assert!(control.retry_after().is_some(), "the wait was carried over");
    let err = invoke(
        &window(&app, "control"),
        "unlock",
        serde_json::json!({"pin": PIN}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "retry_later", "{err}");
    assert!(!control.is_unlocked());
    // Once the wait is over, the right PIN opens it and clears the streak.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let app = start();
    invoke(
        &window(&app, "control"),
        "unlock",
        serde_json::json!({"pin": PIN}),
    )
    .unwrap();
    assert_eq!(
        Store::open(&path).unwrap().pin_backoff().unwrap(),
        kiosk_core::pin::PinBackoff::default()
    );
}
