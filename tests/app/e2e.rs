//! End-to-end: the real window under Xvfb, driven through tauri-driver,
//! checked against what `summit-kiosk now --json` prints, with screenshots
//! saved in target/e2e-screenshots for a person to look at.

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use crate::support::{demo_file, fixture, png_size, screenshot_dir, Driver, Screen, BIN};

/// One automation session at a time.
pub(crate) static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub(crate) const T: &str = "2020-02-26T10:20:00-05:00";

const READ: &str = r#"
const q = (s) => document.querySelector(s);
const texts = (s) => [...document.querySelectorAll(s)].map((e) => e.textContent);
return {
  state: q('#app').dataset.state,
  view: q('#room-view').hidden ? 'lobby' : 'room',
  place: q('#place').textContent,
  hero_state: q('#hero').dataset.state || null,
  session: q('#hero').dataset.sessionId || null,
  label: q('#hero-label').textContent,
  title: q('#now-title').textContent,
  speakers: texts('#now-speakers .speaker-name'),
  next_title: q('#next .card-title').textContent,
  clock: q('#clock').textContent,
  imgs: document.querySelectorAll('img:not(.photo)').length,
  lobby_rooms: texts('#lobby-view .room-name'),
  width: window.innerWidth,
  height: window.innerHeight,
  kiosk: document.body.classList.contains('kiosk'),
};
"#;

pub(crate) async fn read(c: &Client) -> Value {
    c.execute(READ, vec![]).await.expect("read the screen")
}

/// Wait until the screen's current title is `title`; how long it took.
pub(crate) async fn wait_for_title(
    c: &Client,
    title: &str,
    limit: Duration,
    what: &str,
) -> Duration {
    let since = Instant::now();
    loop {
        let s = read(c).await;
        if s["title"] == title {
            return since.elapsed();
        }
        assert!(since.elapsed() < limit, "{what}: {s}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Wait for the first rendered snapshot; returns the screen and how long it took.
pub(crate) async fn first_render(c: &Client, since: Instant) -> (Value, Duration) {
    loop {
        let s = read(c).await;
        if s["state"] == "ready" || s["state"] == "empty" {
            return (s, since.elapsed());
        }
        assert!(
            since.elapsed() < Duration::from_secs(60),
            "no snapshot rendered: {s}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the X screen shows, as a person would see it, and a check that the
/// page fills it. (Taken from X, not through WebDriver: WebKit's WebDriver
/// waits for the page's next paint, and a quiet screen paints once a minute.)
pub(crate) async fn save_screenshot(c: &Client, screen: &Screen, name: &str, size: (u32, u32)) {
    let inner: Value = c
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await
        .unwrap();
    assert_eq!(
        inner,
        serde_json::json!([size.0, size.1]),
        "{name}: the page fills the screen"
    );
    let path = screenshot_dir().join(name);
    let status = std::process::Command::new("import")
        .args(["-display", &screen.display, "-window", "root"])
        .arg(format!("png:{}", path.display()))
        .status()
        .expect("ImageMagick's import: run `cargo xtask test`, which installs it");
    assert!(status.success(), "import failed for {name}");
    assert_eq!(png_size(&std::fs::read(&path).unwrap()), size, "{name}");
    eprintln!("screenshot: {}", path.display());
}

fn now_json(args: &[&str]) -> Value {
    let out = std::process::Command::new(BIN)
        .arg("now")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub(crate) fn data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The organizer's PIN in the end-to-end tests.
pub(crate) const PANEL_PIN: &str = "246813";

/// A config in `dir` that sets the control panel's PIN (hashed as
/// `set-pin` stores it), then `extra` lines; its path.
pub(crate) fn panel_config(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    let hash = kiosk_core::pin::hash_pin(PANEL_PIN).unwrap();
    std::fs::write(&config, format!("control_pin_hash = \"{hash}\"\n{extra}")).unwrap();
    config
}

#[tokio::test(flavor = "multi_thread")]
async fn the_room_screen_shows_what_now_prints_at_1080p() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1920, 1080);
    let driver = Driver::start(&screen);
    let data = data_dir();
    let started = Instant::now();
    let c = driver
        .launch(&[
            "--demo",
            "--kiosk",
            "--at",
            T,
            "--room",
            "Main hall",
            "--data-dir",
            data.path().to_str().unwrap(),
        ])
        .await;
    let (_, took) = first_render(&c, started).await;
    eprintln!("launch to first rendered snapshot: {} ms", took.as_millis());
    // Let the fonts settle, then compare with the CLI.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let screen_now = read(&c).await;
    let cli = now_json(&["--demo", "--at", T, "--room", "Main hall"]);
    let room = &cli["rooms"][0];
    assert_eq!(screen_now["view"], "room");
    assert_eq!(screen_now["place"], "Main hall");
    assert_eq!(screen_now["title"], room["now"]["title"], "{screen_now}");
    assert_eq!(
        screen_now["speakers"], room["now"]["speakers"],
        "{screen_now}"
    );
    assert_eq!(screen_now["next_title"], room["next"]["title"]);
    assert_eq!(screen_now["label"], "Now");
    assert_eq!(screen_now["kiosk"], true);
    assert_eq!(
        (screen_now["width"].as_u64(), screen_now["height"].as_u64()),
        (Some(1920), Some(1080)),
        "kiosk mode is fullscreen"
    );
    // The clock reads the venue's time at T (the demo's clock started there).
    assert!(
        ["10:20", "10:21"].contains(&screen_now["clock"].as_str().unwrap()),
        "{}",
        screen_now["clock"]
    );
    save_screenshot(&c, &screen, "room-1080p.png", (1920, 1080)).await;
    // The demo's photos arrive: the wall takes the side; everything still fits.
    side_wall_fits(&c).await;
    save_screenshot(&c, &screen, "room-wall-side-1080p.png", (1920, 1080)).await;
    c.close().await.unwrap();
}

/// Wait for the demo's photos to take the side of the room screen (a photo
/// shown and the fade over), then check that everything still fits.
async fn side_wall_fits(c: &Client) {
    wait_for_wall(c, Duration::from_secs(90), "the side wall", |w| {
        w["mode"] == "side" && w["changes"].as_u64() >= Some(1)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_room_fits(c).await;
}

/// Title above speakers above the progress bar above the cards, none cut by
/// its neighbour, and the photo wall beside them, not over them.
async fn assert_room_fits(c: &Client) {
    let fits = c
        .execute(
            "const r = (s) => document.querySelector(s).getBoundingClientRect();
             const t = r('#now-title'), s = r('#now-speakers'), p = r('#progress'), n = r('#next');
             const w = document.querySelector('#wall').hidden ? null : r('#wall');
             return [t.bottom <= s.top + 1, s.bottom <= p.top + 1, p.bottom <= n.top + 1,
                     !w || (w.left >= t.right - 1 && w.left >= n.right - 1)];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        fits,
        serde_json::json!([true, true, true, true]),
        "title, speakers, bar, cards, wall"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn room_and_lobby_screens_at_4k() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(3840, 2160);
    let driver = Driver::start(&screen);
    for (args, name) in [
        (vec!["--room", "Main hall"], "room-2160p.png"),
        (vec!["--lobby"], "lobby-2160p.png"),
        (vec!["--lobby", "--theme", "light"], "lobby-light-2160p.png"),
    ] {
        let data = data_dir();
        let mut all = vec![
            "--demo",
            "--kiosk",
            "--at",
            T,
            "--data-dir",
            data.path().to_str().unwrap(),
        ];
        all.extend(args);
        let c = driver.launch(&all).await;
        let (s, _) = first_render(&c, Instant::now()).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        if name.starts_with("lobby") {
            assert_eq!(s["view"], "lobby");
            assert_eq!(
                s["lobby_rooms"],
                serde_json::json!(["Main hall", "Breakout A", "Breakout B"])
            );
        } else {
            assert_eq!(s["view"], "room");
            side_wall_fits(&c).await;
            let w = read_wall(&c).await;
            assert!(
                w["src"].as_str().unwrap().ends_with("-3840.jpg"),
                "a 4K screen loads the 3840 rendition: {w}"
            );
        }
        save_screenshot(&c, &screen, name, (3840, 2160)).await;
        c.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn at_600x_the_screen_moves_to_each_talk_as_it_starts() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1280, 720);
    let driver = Driver::start(&screen);
    let data = data_dir();
    let c = driver
        .launch(&[
            "--demo",
            "--at",
            T,
            "--speed",
            "600",
            "--room",
            "Main hall",
            "--data-dir",
            data.path().to_str().unwrap(),
        ])
        .await;
    first_render(&c, Instant::now()).await;
    // The room's sessions in order, as the store holds them after re-basing.
    let schedule = kiosk_core::demo::rebased(T.parse().unwrap());
    let order: Vec<&kiosk_core::model::Session> = schedule
        .sessions
        .iter()
        .filter(|s| s.room == "main")
        .collect();
    let position = |id: &str| {
        order
            .iter()
            .position(|s| s.id == id)
            .unwrap_or_else(|| panic!("unknown session {id}"))
    };
    let mut seen: Vec<(String, String)> = Vec::new();
    let until = Instant::now() + Duration::from_secs(12);
    while Instant::now() < until {
        let s = read(&c).await;
        if let (Some(id), Some(clock)) = (s["session"].as_str(), s["clock"].as_str()) {
            if s["label"] != "Next" && seen.last().is_none_or(|(last, _)| last != id) {
                seen.push((id.to_string(), clock.to_string()));
            }
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    c.close().await.unwrap();
    eprintln!("sessions seen at 600x: {seen:?}");
    assert!(seen.len() >= 4, "the screen moved on: {seen:?}");
    for pair in seen.windows(2) {
        let (a, b) = (position(&pair[0].0), position(&pair[1].0));
        assert_eq!(
            b,
            a + 1,
            "no session skipped, none shown out of order: {seen:?}"
        );
    }
    // Each change shows on screen within about a clock minute of the start
    // (at 600x a real second is ten clock minutes).
    for (id, clock) in &seen[1..] {
        let start = &order[position(id)].start;
        let start_hm = schedule.local_hm(*start);
        let late = minutes_between(&start_hm, clock);
        assert!(
            (0..=2).contains(&late),
            "{id} starts {start_hm}, first seen at {clock}"
        );
    }
}

fn minutes_between(a: &str, b: &str) -> i64 {
    let m = |t: &str| t[..2].parse::<i64>().unwrap() * 60 + t[3..5].parse::<i64>().unwrap();
    (m(b) - m(a)).rem_euclid(24 * 60)
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_and_any_script_text_shows_as_text() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1920, 1080);
    let driver = Driver::start(&screen);
    let unicode = fixture("unicode.json");
    for (at, expect_title, shot) in [
        (
            "2025-09-12T10:35:00+09:00",
            "<img src=x onerror=alert(1)>",
            None,
        ),
        (
            "2025-09-12T10:05:00+09:00",
            "分散処理の未来 — The future of distributed computing",
            Some("room-scripts-1080p.png"),
        ),
        (
            "2025-09-12T11:10:00+09:00",
            "Ein sehr langer Titel",
            Some("room-long-title-1080p.png"),
        ),
    ] {
        let data = data_dir();
        let c = driver
            .launch(&[
                "--schedule",
                &unicode,
                "--kiosk",
                "--at",
                at,
                "--room",
                "大ホール",
                "--data-dir",
                data.path().to_str().unwrap(),
            ])
            .await;
        let (s, _) = first_render(&c, Instant::now()).await;
        assert!(
            s["title"].as_str().unwrap().starts_with(expect_title),
            "{s}"
        );
        assert_eq!(s["imgs"], 0, "no element was made from a title: {s}");
        if expect_title.starts_with('<') {
            assert_eq!(s["title"], expect_title);
            let alerted: Value = c
                .execute("return typeof window.__alerted", vec![])
                .await
                .unwrap();
            assert_eq!(alerted, "undefined");
        }
        if let Some(name) = shot {
            tokio::time::sleep(Duration::from_millis(500)).await;
            save_screenshot(&c, &screen, name, (1920, 1080)).await;
        }
        c.close().await.unwrap();
    }
    // The demo file itself is the same format `--schedule` reads.
    assert!(std::path::Path::new(&demo_file()).is_file());
}

/// A kiosk started straight from the binary (no WebDriver) on `screen`.
pub(crate) fn spawn_kiosk(screen: &Screen, args: &[&str]) -> crate::support::Guard {
    crate::support::photo_worker();
    let child = std::process::Command::new(BIN)
        .args(args)
        .env("DISPLAY", &screen.display)
        .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    crate::support::Guard(child)
}

pub(crate) fn log_text(data: &std::path::Path) -> String {
    std::fs::read_dir(data.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_brings_the_first_to_the_front() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1280, 720);
    let data = data_dir();
    let dir = data.path().to_str().unwrap();
    let mut first = spawn_kiosk(&screen, &["--demo", "--data-dir", dir]);
    crate::support::wait_until(
        Duration::from_secs(60),
        || log_text(data.path()).contains("first snapshot served"),
        "the first kiosk to show",
    );
    let second = std::process::Command::new(BIN)
        .args(["--demo", "--data-dir", dir])
        .env("DISPLAY", &screen.display)
        .output()
        .unwrap();
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("already running"),
        "{second:?}"
    );
    crate::support::wait_until(
        Duration::from_secs(10),
        || log_text(data.path()).contains("a second launch asked this kiosk to come to the front"),
        "the first kiosk to hear it",
    );
    assert!(
        first.0.try_wait().unwrap().is_none(),
        "the first kiosk still runs"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_display_comes_back_when_the_web_process_dies() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1280, 720);
    let data = data_dir();
    let kiosk = spawn_kiosk(
        &screen,
        &["--demo", "--data-dir", data.path().to_str().unwrap()],
    );
    crate::support::wait_until(
        Duration::from_secs(60),
        || log_text(data.path()).contains("first snapshot served"),
        "the kiosk to show",
    );
    let web = web_processes(kiosk.0.id());
    assert_eq!(web.len(), 1, "one web process: {web:?}");
    std::process::Command::new("kill")
        .args(["-KILL", &web[0].to_string()])
        .status()
        .unwrap();
    crate::support::wait_until(
        Duration::from_secs(30),
        || log_text(data.path()).contains("reloading the display"),
        "the shell to notice",
    );
    crate::support::wait_until(
        Duration::from_secs(30),
        || web_processes(kiosk.0.id()).iter().any(|p| *p != web[0]),
        "a new web process",
    );
}

/// WebKit web processes started by `pid`.
pub(crate) fn web_processes(pid: u32) -> Vec<u32> {
    crate::support::descendants(pid)
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/cmdline"))
                .is_ok_and(|cmd| cmd.contains("WebKitWebProcess"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_room_state_reads_right() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1920, 1080);
    let driver = Driver::start(&screen);
    let demo = demo_file();
    for (at, state, label, title, shot) in [
        (
            "2020-02-26T09:21:00-05:00",
            "in_session",
            "Now",
            "ETL Pipelines for Machine Learning",
            "room-ending-soon-1080p.png",
        ),
        (
            "2020-02-26T10:30:00-05:00",
            "break",
            "Break",
            "Coffee break",
            "room-break-1080p.png",
        ),
        (
            "2020-02-26T17:30:00-05:00",
            "between_sessions",
            "Next",
            "Group dinner",
            "room-between-1080p.png",
        ),
        (
            "2020-02-26T22:00:00-05:00",
            "day_over",
            "Next day",
            "Breakfast",
            "room-day-over-1080p.png",
        ),
        (
            "2020-02-28T17:00:00-05:00",
            "event_over",
            "That was all",
            "Thank you for coming to Dask Summit 2020!",
            "room-event-over-1080p.png",
        ),
    ] {
        let data = data_dir();
        let c = driver
            .launch(&[
                "--schedule",
                &demo,
                "--kiosk",
                "--at",
                at,
                "--room",
                "Main hall",
                "--data-dir",
                data.path().to_str().unwrap(),
            ])
            .await;
        first_render(&c, Instant::now()).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let s = read(&c).await;
        assert_eq!(
            (
                s["hero_state"].as_str(),
                s["label"].as_str(),
                s["title"].as_str()
            ),
            (Some(state), Some(label), Some(title)),
            "at {at}: {s}"
        );
        if shot == "room-ending-soon-1080p.png" {
            let soon: Value = c
                .execute(
                    "return document.querySelector('#hero').classList.contains('ending-soon')",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(soon, true, "four minutes left shows the warning colour");
        }
        save_screenshot(&c, &screen, shot, (1920, 1080)).await;
        c.close().await.unwrap();
    }
}

/// The demo as an SQLite exchange file, edited by "another program" (a
/// separate connection in WAL mode) while the kiosk shows it.
#[tokio::test(flavor = "multi_thread")]
async fn a_change_to_the_sqlite_source_shows_on_screen() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1280, 720);
    let driver = Driver::start(&screen);
    let data = data_dir();
    let file = data.path().join("programme.sqlite");
    kiosk_core::import::sqlite::write_exchange(&kiosk_core::demo::demo().schedule, &file).unwrap();
    let c = driver
        .launch(&[
            "--source",
            file.to_str().unwrap(),
            "--at",
            T,
            "--room",
            "Main hall",
            "--data-dir",
            data.path().join("d").to_str().unwrap(),
        ])
        .await;
    let first = "Native Cloud Deployment with Dask-Cloudprovider";
    wait_for_title(
        &c,
        first,
        Duration::from_secs(30),
        "the source's schedule never showed",
    )
    .await;
    let writer = rusqlite::Connection::open(&file).unwrap();
    writer.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
    writer
        .execute("UPDATE sessions SET title = 'Dask-Cloudprovider, live from the stage' WHERE id = 'd1-cloudprovider'", [])
        .unwrap();
    let took = wait_for_title(
        &c,
        "Dask-Cloudprovider, live from the stage",
        Duration::from_secs(5),
        "the change did not show",
    )
    .await;
    eprintln!("sqlite change to screen: {} ms", took.as_millis());
    assert!(took < Duration::from_secs(2), "within 2 s: {took:?}");
    c.close().await.unwrap();
}

/// A feed on 127.0.0.1 that serves the schedule, then fails: the screen
/// keeps the schedule and shows only the offline badge.
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_url_source_leaves_the_screen_and_shows_a_badge() {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let _one = SERIAL.lock().await;
    let failing = Arc::new(AtomicBool::new(false));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/schedule.json", listener.local_addr().unwrap());
    {
        let failing = failing.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let reply = if failing.load(Ordering::SeqCst) {
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
                } else {
                    let body = kiosk_core::demo::DEMO_JSON.as_bytes();
                    let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
                    r.extend_from_slice(body);
                    r
                };
                let _ = stream.write_all(&reply);
            }
        });
    }
    let screen = Screen::start(1920, 1080);
    let driver = Driver::start(&screen);
    let data = data_dir();
    let c = driver
        .launch(&[
            "--source",
            &url,
            "--poll-interval",
            "1",
            "--offline-after",
            "2",
            "--kiosk",
            "--at",
            T,
            "--room",
            "Main hall",
            "--data-dir",
            data.path().to_str().unwrap(),
        ])
        .await;
    let badge = "return document.querySelector('#offline').hidden ? null : document.querySelector('#offline').textContent";
    let first = "Native Cloud Deployment with Dask-Cloudprovider";
    wait_for_title(
        &c,
        first,
        Duration::from_secs(30),
        "the feed's schedule never showed",
    )
    .await;
    assert_eq!(
        c.execute(badge, vec![]).await.unwrap(),
        Value::Null,
        "no badge while the feed works"
    );
    failing.store(true, Ordering::SeqCst);
    let failed = Instant::now();
    let text = loop {
        if let Value::String(text) = c.execute(badge, vec![]).await.unwrap() {
            break text;
        }
        assert!(
            failed.elapsed() < Duration::from_secs(20),
            "no offline badge"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        text.starts_with("schedule from 10:2") && text.contains(" · offline since 10:2"),
        "{text}"
    );
    let s = read(&c).await;
    assert_eq!(s["title"], first, "the schedule stays");
    save_screenshot(&c, &screen, "room-offline-badge-1080p.png", (1920, 1080)).await;
    c.close().await.unwrap();
}

const WALL: &str = r#"
const wall = document.querySelector('#wall');
const shown = wall.querySelector('img.photo.shown');
return {
  mode: document.querySelector('#app').dataset.wall || 'off',
  hidden: wall.hidden,
  changes: Number(wall.dataset.changes || 0),
  photo: wall.dataset.photo || null,
  src: shown ? shown.getAttribute('src') : null,
  natural: shown ? [shown.naturalWidth, shown.naturalHeight] : null,
  credit: document.querySelector('#wall-credit').textContent,
  next: document.querySelector('#wall-next').hidden ? null : document.querySelector('#wall-next .title').textContent,
};
"#;

async fn read_wall(c: &Client) -> Value {
    c.execute(WALL, vec![]).await.expect("read the wall")
}

/// Wait until `ready(wall)`; the last reading.
async fn wait_for_wall(
    c: &Client,
    limit: Duration,
    what: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let since = Instant::now();
    loop {
        let w = read_wall(c).await;
        if ready(&w) {
            return w;
        }
        assert!(since.elapsed() < limit, "{what}: {w}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A copy of a demo photo with a comment segment added: a new photo (its own
/// content hash) that decodes like the original.
fn new_photo(source: &str, comment: &str) -> Vec<u8> {
    let bytes = std::fs::read(
        crate::support::root()
            .join("assets/demo/photos")
            .join(source),
    )
    .unwrap();
    let mut out = bytes[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&bytes[2..]);
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_dropped_in_the_folder_appears_on_the_wall() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1920, 1080);
    let driver = Driver::start(&screen);
    let data = data_dir();
    let photos = tempfile::tempdir().unwrap();
    for (name, source) in [
        ("Evening glow.jpg", "evening-glow.jpg"),
        ("Fallen leaf.jpg", "fallen-leaf.jpg"),
    ] {
        std::fs::copy(
            crate::support::root()
                .join("assets/demo/photos")
                .join(source),
            photos.path().join(name),
        )
        .unwrap();
    }
    let schedule = demo_file();
    let c = driver
        .launch(&[
            "--schedule",
            &schedule,
            "--room",
            "Main hall",
            "--kiosk",
            // The coffee break: the wall fills the screen.
            "--at",
            "2020-02-26T10:30:00-05:00",
            "--photos",
            photos.path().to_str().unwrap(),
            "--photo-interval",
            "3",
            "--data-dir",
            data.path().to_str().unwrap(),
        ])
        .await;
    first_render(&c, Instant::now()).await;
    let w = wait_for_wall(&c, Duration::from_secs(60), "the demo photos show", |w| {
        w["changes"].as_u64() >= Some(2)
    })
    .await;
    assert_eq!(w["mode"], "full", "{w}");
    assert_eq!(w["hidden"], false);
    assert!(
        w["src"].as_str().unwrap().starts_with("photo://localhost/"),
        "{w}"
    );
    assert!(
        w["src"].as_str().unwrap().ends_with("-1920.jpg"),
        "a 1080p screen loads the 1920 rendition: {w}"
    );
    assert_eq!(w["natural"][0], 1920, "{w}");
    assert!(w["credit"].as_str().unwrap().starts_with("Photo: "), "{w}");
    assert_eq!(
        w["next"], "HPC Deployments with Dask-Jobqueue",
        "the strip says what is next: {w}"
    );
    save_screenshot(&c, &screen, "wall-full-1080p.png", (1920, 1080)).await;

    // A photographer drops a photo in: it is ingested and shown, ahead of
    // the photos already seen.
    let dropped = Instant::now();
    std::fs::write(
        photos.path().join("Dropped in by the test.jpg"),
        new_photo("kite.jpg", "dropped by the e2e test"),
    )
    .unwrap();
    let w = wait_for_wall(
        &c,
        Duration::from_secs(30),
        "the dropped photo shows",
        |w| w["credit"] == "Photo: Dropped in by the test",
    )
    .await;
    eprintln!(
        "dropped photo on the wall after {} ms",
        dropped.elapsed().as_millis()
    );
    assert_eq!(w["mode"], "full");
    c.close().await.unwrap();
}

/// Switch the WebDriver session to the window whose page is `page`.
pub(crate) async fn switch_to_page(c: &Client, page: &str) {
    let since = Instant::now();
    loop {
        let mut seen = Vec::new();
        for handle in c.windows().await.unwrap() {
            c.switch_to_window(handle).await.unwrap();
            let path: Value = c.execute("return location.href", vec![]).await.unwrap();
            let path = path.as_str().unwrap_or("").to_string();
            if path.ends_with(page) || (page == "/index.html" && !path.contains("control")) {
                return;
            }
            seen.push(path);
        }
        assert!(
            since.elapsed() < Duration::from_secs(30),
            "no window shows {page}: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub(crate) async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect(script)
}

/// Poll `script` until it returns true.
pub(crate) async fn wait_js(c: &Client, script: &str, limit: Duration, what: &str) -> Duration {
    let since = Instant::now();
    loop {
        if js(c, script).await == Value::Bool(true) {
            return since.elapsed();
        }
        assert!(since.elapsed() < limit, "{what}: {script}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_control_panel_delays_a_room_and_the_display_follows() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1920, 1080);
    let driver = Driver::start(&screen);
    let data = data_dir();
    let config = panel_config(data.path(), "");
    let schedule = demo_file();
    let c = driver
        .launch(&[
            "--schedule",
            &schedule,
            "--room",
            "Main hall",
            "--kiosk",
            "--control",
            "--at",
            T,
            "--config",
            config.to_str().unwrap(),
            "--data-dir",
            data.path().to_str().unwrap(),
            "--photo-wall",
            "off",
        ])
        .await;
    switch_to_page(&c, "/index.html").await;
    first_render(&c, Instant::now()).await;
    let before = read(&c).await;
    assert_eq!(
        before["title"], "Native Cloud Deployment with Dask-Cloudprovider",
        "{before}"
    );
    let hero_time = "return document.querySelector('#hero-time').textContent";
    assert_eq!(js(&c, hero_time).await, "10:10–10:25");

    // The panel opens locked; the PIN unlocks it.
    switch_to_page(&c, "/control.html").await;
    wait_js(
        &c,
        "return !document.querySelector('#lock-screen').hidden",
        Duration::from_secs(20),
        "locked at first",
    )
    .await;
    save_screenshot(&c, &screen, "control-locked-1080p.png", (1920, 1080)).await;
    let pin = c.find(fantoccini::Locator::Css("#pin")).await.unwrap();
    pin.send_keys(PANEL_PIN).await.unwrap();
    click(&c, "#unlock").await;
    wait_js(
        &c,
        "return document.querySelector('#lock-screen').hidden",
        Duration::from_secs(20),
        "unlocked",
    )
    .await;
    wait_js(
        &c,
        "return !!document.querySelector('#rooms [data-room-id=\"main\"]')",
        Duration::from_secs(20),
        "the rooms are listed",
    )
    .await;
    click(&c, "#rooms [data-room-id=\"main\"]").await;
    click(&c, "#delay-room [data-delay=\"10\"]").await;
    // The preview says where the shift stops before anything changes.
    wait_js(
        &c,
        "return !document.querySelector('#delay-preview').hidden",
        Duration::from_secs(10),
        "the preview",
    )
    .await;
    let preview = js(
        &c,
        "return document.querySelector('#delay-preview').textContent",
    )
    .await;
    assert!(
        preview.as_str().unwrap().contains("Coffee break"),
        "{preview}"
    );
    save_screenshot(&c, &screen, "control-delay-preview-1080p.png", (1920, 1080)).await;
    click(&c, "#delay-confirm").await;
    let confirmed = Instant::now();

    // The display shows the new times within a second.
    switch_to_page(&c, "/index.html").await;
    let script = "return document.querySelector('#hero-time').textContent === '10:20–10:35'";
    wait_js(
        &c,
        script,
        Duration::from_secs(5),
        "the display shows the delay",
    )
    .await;
    let took = confirmed.elapsed();
    eprintln!(
        "control panel confirm → display shows the delay: {} ms (including switching windows)",
        took.as_millis()
    );
    assert!(took < Duration::from_millis(1500), "{took:?}");
    // The coffee break absorbs it: it starts at 10:35 and still ends at 10:45,
    // so the talk after it keeps its time.
    let next = js(&c, "return [document.querySelector('#next .card-title').textContent, document.querySelector('#next .time').textContent]").await;
    assert_eq!(next, serde_json::json!(["Coffee break", "10:35"]));
    let after = js(&c, "return [document.querySelector('#after .card-title').textContent, document.querySelector('#after .time').textContent]").await;
    assert_eq!(
        after,
        serde_json::json!(["HPC Deployments with Dask-Jobqueue", "10:45"])
    );

    // Hostile titles through the panel's edit command: 10,000 characters is
    // refused with the limit named; 1,000 (the limit) of HTML, right-to-left
    // text and emoji is taken, shown as text, and clamped to fit.
    switch_to_page(&c, "/control.html").await;
    let edit = |title: String| {
        format!(
            "const done = arguments[arguments.length - 1];
             window.__TAURI__.core.invoke('apply_edit', {{ edit: {{ kind: 'edit_session', session: 'd1-cloudprovider', title: {} }} }})
               .then((r) => done({{ ok: r }}), (e) => done({{ err: e }}));",
            serde_json::to_string(&title).unwrap()
        )
    };
    let unit = "<b>bold</b> مرحبا بالعالم 🎉 ";
    let long: String = unit.chars().cycle().take(10_000).collect();
    let refused = c.execute_async(&edit(long), vec![]).await.unwrap();
    assert!(
        refused["err"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("1000"),
        "{refused}"
    );
    let at_limit: String = unit.chars().cycle().take(1_000).collect();
    let taken = c
        .execute_async(&edit(at_limit.clone()), vec![])
        .await
        .unwrap();
    assert!(taken["ok"]["what"].is_string(), "{taken}");
    switch_to_page(&c, "/index.html").await;
    wait_js(
        &c,
        "return document.querySelector('#now-title').textContent.length > 900",
        Duration::from_secs(5),
        "the edited title shows",
    )
    .await;
    assert_eq!(read(&c).await["title"], at_limit.trim());
    let fits = js(
        &c,
        "const t = document.querySelector('#now-title').getBoundingClientRect();
         const p = document.querySelector('#progress').getBoundingClientRect();
         const s = document.querySelector('#now-speakers').getBoundingClientRect();
         return t.bottom <= s.top + 1 && s.bottom <= p.top + 1 && t.right <= window.innerWidth;",
    )
    .await;
    assert_eq!(
        fits, true,
        "the long title is clamped above the speakers and the bar"
    );
    assert_eq!(read(&c).await["imgs"], 0);
    let png = c.screenshot().await.unwrap();
    std::fs::write(
        screenshot_dir().join("room-hostile-edited-title-1080p.png"),
        png,
    )
    .unwrap();
    switch_to_page(&c, "/control.html").await;
    // Back to the real title (the undo of the panel's last change), and the
    // display shows it again.
    click(&c, "#undo").await;
    switch_to_page(&c, "/index.html").await;
    wait_for_title(
        &c,
        "Native Cloud Deployment with Dask-Cloudprovider",
        Duration::from_secs(5),
        "the undo restores the title on the display",
    )
    .await;
    switch_to_page(&c, "/control.html").await;

    // An announcement with hostile text shows as text on the display.
    open_tab(&c, "Announce").await;
    let hostile = "<img src=x onerror=alert(1)> Lunch moves to 13:00 — الغداء 🍝";
    // Typed as a person would; the emoji (outside the BMP, which WebKit's
    // WebDriver cannot type) is pasted in, as from a phone's message.
    c.find(fantoccini::Locator::Css("#announcement-text"))
        .await
        .unwrap()
        .send_keys(hostile.trim_end_matches(" 🍝"))
        .await
        .unwrap();
    js(
        &c,
        "const t = document.querySelector('#announcement-text'); t.value += ' 🍝'; t.dispatchEvent(new Event('input', {bubbles: true})); return true",
    )
    .await;
    click(&c, "#announcement-add").await;
    save_screenshot(&c, &screen, "control-announcement-1080p.png", (1920, 1080)).await;
    // The organizer closes the panel; the display is all there is again.
    c.close_window().await.unwrap();
    switch_to_page(&c, "/index.html").await;
    wait_js(
        &c,
        "return !document.querySelector('#announcement').hidden",
        Duration::from_secs(5),
        "the announcement shows",
    )
    .await;
    let shown = js(
        &c,
        "return document.querySelector('#announcement .text').textContent",
    )
    .await;
    assert_eq!(shown, hostile);
    assert_eq!(
        read(&c).await["imgs"],
        0,
        "no element was made from the text"
    );
    // The page as WebKit renders it (under matchbox the X screen still
    // shows where the closed panel was; see the closing note).
    let png = c.screenshot().await.unwrap();
    assert_eq!(png_size(&png), (1920, 1080));
    let path = screenshot_dir().join("room-announcement-delay-1080p.png");
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
    c.close().await.unwrap();
}

/// Open the control panel's tab whose label contains `label`.
pub(crate) async fn open_tab(c: &Client, label: &str) {
    for tab in c
        .find_all(fantoccini::Locator::Css("#tabs [data-tab], #tabs button"))
        .await
        .unwrap()
    {
        if tab.text().await.unwrap().contains(label) {
            tab.click().await.unwrap();
            return;
        }
    }
    panic!("no tab {label:?}");
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Unlock the control panel of session `c` with `pin`.
pub(crate) async fn unlock_panel(c: &Client, pin: &str) {
    switch_to_page(c, "/control.html").await;
    wait_js(
        c,
        "return !document.querySelector('#lock-screen').hidden",
        Duration::from_secs(20),
        "locked",
    )
    .await;
    c.find(fantoccini::Locator::Css("#pin"))
        .await
        .unwrap()
        .send_keys(pin)
        .await
        .unwrap();
    click(c, "#unlock").await;
    wait_js(
        c,
        "return document.querySelector('#lock-screen').hidden",
        Duration::from_secs(20),
        "unlocked",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_kiosk_follows_the_first_and_survives_it_stopping() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1920, 1080);
    let (driver_a, driver_b) = (Driver::start(&screen), Driver::start(&screen));
    let (data_a, data_b) = (data_dir(), data_dir());
    let config = data_a.path().join("config.toml");
    let hash = kiosk_core::pin::hash_pin("135791").unwrap();
    std::fs::write(&config, format!("control_pin_hash = \"{hash}\"\n")).unwrap();
    let port = crate::support::free_port();
    let listen = format!("127.0.0.1:{port}");
    let token = "e2e-feed-token-0123456789";
    let token_file = data_a.path().join("feed-token");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(&token_file, token).unwrap();
        std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let schedule = demo_file();
    let args_a = [
        "--schedule",
        &schedule,
        "--room",
        "Main hall",
        "--control",
        "--at",
        T,
        "--serve",
        &listen,
        "--serve-token-file",
        token_file.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--data-dir",
        data_a.path().to_str().unwrap(),
        "--photo-wall",
        "off",
    ];
    let a = driver_a.launch(&args_a).await;
    let url = format!("http://{listen}/feed.json?token={token}");
    let b = driver_b
        .launch(&[
            "--source",
            &url,
            "--poll-interval",
            "1",
            "--offline-after",
            "3",
            "--room",
            "Main hall",
            "--kiosk",
            "--at",
            T,
            "--data-dir",
            data_b.path().to_str().unwrap(),
            "--photo-wall",
            "off",
        ])
        .await;
    // The follower shows what the first shows.
    wait_for_title(
        &b,
        "Native Cloud Deployment with Dask-Cloudprovider",
        Duration::from_secs(30),
        "the follower shows the feed",
    )
    .await;

    // An announcement and a delay made on the first reach the second within 2 s.
    unlock_panel(&a, "135791").await;
    open_tab(&a, "Announce").await;
    a.find(fantoccini::Locator::Css("#announcement-text"))
        .await
        .unwrap()
        .send_keys("Lunch is served in the foyer")
        .await
        .unwrap();
    click(&a, "#announcement-add").await;
    let posted = Instant::now();
    wait_js(
        &b,
        "return document.querySelector('#announcement .text').textContent === 'Lunch is served in the foyer'",
        Duration::from_secs(10),
        "the announcement reaches the follower",
    )
    .await;
    let announce_took = posted.elapsed();
    open_tab(&a, "Schedule").await;
    click(&a, "#rooms [data-room-id=\"main\"]").await;
    click(&a, "#delay-room [data-delay=\"10\"]").await;
    wait_js(
        &a,
        "return !document.querySelector('#delay-preview').hidden",
        Duration::from_secs(10),
        "preview",
    )
    .await;
    click(&a, "#delay-confirm").await;
    let delayed = Instant::now();
    wait_js(
        &b,
        "return document.querySelector('#hero-time').textContent === '10:20–10:35'",
        Duration::from_secs(10),
        "the delay reaches the follower",
    )
    .await;
    let delay_took = delayed.elapsed();
    eprintln!(
        "first kiosk → follower: announcement {} ms, delay {} ms",
        announce_took.as_millis(),
        delay_took.as_millis()
    );
    assert!(announce_took < Duration::from_secs(2), "{announce_took:?}");
    assert!(delay_took < Duration::from_secs(2), "{delay_took:?}");

    // The first stops: the follower keeps its last state and shows the badge.
    a.close().await.unwrap();
    drop(driver_a);
    wait_js(
        &b,
        "return !document.querySelector('#offline').hidden",
        Duration::from_secs(30),
        "the offline badge",
    )
    .await;
    let s = read(&b).await;
    assert_eq!(
        s["title"], "Native Cloud Deployment with Dask-Cloudprovider",
        "{s}"
    );
    assert_eq!(
        js(
            &b,
            "return document.querySelector('#hero-time').textContent"
        )
        .await,
        "10:20–10:35"
    );
    assert_eq!(
        js(
            &b,
            "return document.querySelector('#announcement .text').textContent"
        )
        .await,
        "Lunch is served in the foyer"
    );
    save_screenshot(&b, &screen, "follower-offline-1080p.png", (1920, 1080)).await;

    // The first comes back (its store kept the delay and the announcement):
    // the follower resumes and the badge goes.
    let driver_a = Driver::start(&screen);
    let a = driver_a.launch(&args_a).await;
    wait_js(
        &b,
        "return document.querySelector('#offline').hidden",
        Duration::from_secs(60),
        "the follower resumes",
    )
    .await;
    assert_eq!(
        js(
            &b,
            "return document.querySelector('#hero-time').textContent"
        )
        .await,
        "10:20–10:35"
    );
    a.close().await.unwrap();
    b.close().await.unwrap();
}
