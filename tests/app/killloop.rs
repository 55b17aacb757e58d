//! The kill -9 loop (issue 13, item 9): the real kiosk under Xvfb follows a
//! schedule file; the file is replaced by another 5,000-session schedule
//! and the kiosk's whole process group is killed with SIGKILL at a random
//! moment of that import, then started again, as `Restart=always` would.
//! After each kill the store must pass `PRAGMA integrity_check`, hold one
//! whole schedule (the old or the new, never a mix), keep every revision it
//! had, and the screen must be back (READY=1, sent on the first painted
//! frame, and the talk's accent seen on the X screen).
//!
//! 20 rounds here, on the suite's debug build, where "back" has a generous
//! limit (a debug WebKit start on a loaded 2-core machine takes 2–4 s): the
//! issue's 2 s is a speed goal, met in the benchmark, not a timed test.
//! `cargo xtask bench killloop` runs this same test with
//! `SUMMIT_KILLLOOP_ROUNDS` (200) and `SUMMIT_KILLLOOP_BIN` (the release
//! binary as shipped), and there each restart must be back within 2 s.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::e2e::SERIAL;
use crate::support::{Guard, Screen, BIN};
use crate::unattended::{showing, Camera, Notify};

/// Rooms × talks a room: 5,000 sessions, about 0.6 MB of JSON, an import
/// of about 2 s (mostly the commit's fsyncs) on the 2-core CI machine.
const ROOMS: usize = 20;
const TALKS: usize = 250;
/// In the schedules' first morning: room 0's talk 40 (10:00–10:15) is on.
const AT: &str = "2025-05-01T10:05:00+02:00";
/// From the restart to the screen back: the issue's goal, for the release
/// binary the benchmark runs.
const SCREEN_BACK_SHIPPED: Duration = Duration::from_secs(2);
/// The same for the suite's debug binary: back, not fast.
const SCREEN_BACK_DEBUG: Duration = Duration::from_secs(15);

/// A schedule in the kiosk's own JSON format whose conference name, and
/// every title, carry `tag`: a store holding a mix of two shows it.
fn schedule(tag: &str) -> String {
    let rooms: Vec<String> = (0..ROOMS)
        .map(|r| format!(r#"{{"id":"r{r}","name":"Room {r}"}}"#))
        .collect();
    let at = |minutes: usize| {
        let (day, rest) = (1 + minutes / 1440, minutes % 1440);
        format!("2025-05-{day:02}T{:02}:{:02}", rest / 60, rest % 60)
    };
    let mut sessions = Vec::with_capacity(ROOMS * TALKS);
    for r in 0..ROOMS {
        for i in 0..TALKS {
            sessions.push(format!(
                r#"{{"id":"s{r}-{i}","title":"{tag} talk {r}-{i}","room":"r{r}","start":"{}","end":"{}"}}"#,
                at(i * 15),
                at(i * 15 + 15)
            ));
        }
    }
    format!(
        r#"{{"conference":{{"name":"{tag}","timezone":"Europe/Berlin"}},"rooms":[{}],"sessions":[{}]}}"#,
        rooms.join(","),
        sessions.join(",")
    )
}

/// What a killed kiosk left in its store.
#[derive(Debug)]
struct Store {
    integrity: String,
    tag: String,
    sessions: i64,
    sessions_of_tag: i64,
    revision: i64,
}

fn read_store(data: &Path) -> Store {
    // Opening it read-write replays or drops a half-written WAL, as the
    // kiosk's next start does.
    let db = rusqlite::Connection::open(data.join("store.sqlite")).expect("open the store");
    let one = |sql: &str| -> rusqlite::Result<String> { db.query_row(sql, [], |r| r.get(0)) };
    let integrity = one("PRAGMA integrity_check").expect("integrity_check");
    let tag = one("SELECT name FROM conference").unwrap_or_default();
    let (sessions, sessions_of_tag) = db
        .query_row(
            "SELECT COUNT(*), COALESCE(SUM(title LIKE ?1 || ' talk %'), 0) FROM sessions",
            [&tag],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count the sessions");
    let revision = db
        .query_row(
            "SELECT COALESCE(MAX(revision), 0) FROM revisions",
            [],
            |r| r.get(0),
        )
        .expect("the revision");
    Store {
        integrity,
        tag,
        sessions,
        sessions_of_tag,
        revision,
    }
}

/// The file the kiosk follows, replaced whole (a rename, as an editor or a
/// sync tool does), so the kiosk never reads a half-written file.
fn put_source(source: &Path, text: &str) {
    let part = source.with_extension("part");
    std::fs::write(&part, text).expect("write the schedule");
    std::fs::rename(&part, source).expect("put the schedule in place");
}

fn launch(bin: &Path, screen: &Screen, notify: &Notify, data: &Path, source: &Path) -> Guard {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data.with_extension("stderr.log"))
        .expect("the kiosk's stderr file");
    let child = Command::new(bin)
        .args(["--kiosk", "--room", "Room 0", "--photo-wall", "off"])
        .args(["--poll-interval", "1", "--at", AT, "--source"])
        .arg(source)
        .arg("--data-dir")
        .arg(data)
        .env("DISPLAY", &screen.display)
        .env_remove("WAYLAND_DISPLAY")
        .env("NOTIFY_SOCKET", &notify.path)
        .env("WATCHDOG_USEC", "10000000")
        .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests")
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("start the kiosk");
    Guard(child)
}

/// SIGKILL to the whole process group (the kiosk, its web and network
/// processes), as a power cut or the OOM killer of a cgroup would.
fn kill_group(kiosk: &mut Guard) {
    let group = format!("-{}", kiosk.0.id());
    let status = Command::new("kill")
        .args(["-KILL", "--", &group])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -KILL -- {group}");
    kiosk.0.wait().expect("reap the kiosk");
    let since = Instant::now();
    // The group is gone only once its last member is.
    while Command::new("kill")
        .args(["-0", "--", &group])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(
            since.elapsed() < Duration::from_secs(10),
            "{group} lives on"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// From `spawned` to READY=1 (the first painted frame, reported) and to a
/// frame on the X screen showing the talk.
fn screen_back(notify: &Notify, camera: &Camera, spawned: Instant) -> (Duration, Duration) {
    let limit = Duration::from_secs(60);
    let mut seen = None;
    let ready = loop {
        if seen.is_none() && showing(&camera.frame()) {
            seen = Some(spawned.elapsed());
        }
        let ready = notify
            .messages()
            .into_iter()
            .find(|(t, m)| *t >= spawned && m.lines().any(|l| l == "READY=1"));
        if let Some((t, _)) = ready {
            break t.duration_since(spawned);
        }
        assert!(spawned.elapsed() < limit, "no READY=1 within {limit:?}");
        std::thread::sleep(Duration::from_millis(10));
    };
    let seen = seen.unwrap_or_else(|| loop {
        if showing(&camera.frame()) {
            break spawned.elapsed();
        }
        assert!(spawned.elapsed() < limit, "READY=1 but no talk on screen");
        std::thread::sleep(Duration::from_millis(10));
    });
    (ready, seen)
}

fn percentiles(label: &str, values: &mut [Duration]) -> String {
    values.sort();
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize].as_millis();
    format!(
        "{label}: min {} ms, median {} ms, p90 {} ms, p99 {} ms, max {} ms",
        at(0.0),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    )
}

#[test]
fn kill_9_during_imports_leaves_one_whole_schedule_and_the_screen_back() {
    let _one = SERIAL.blocking_lock();
    let rounds: usize = std::env::var("SUMMIT_KILLLOOP_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let shipped = std::env::var_os("SUMMIT_KILLLOOP_BIN").map(PathBuf::from);
    let screen_back_limit = match shipped {
        Some(_) => SCREEN_BACK_SHIPPED,
        None => SCREEN_BACK_DEBUG,
    };
    let bin = shipped.unwrap_or_else(|| PathBuf::from(BIN));
    let seed = std::env::var("SUMMIT_KILLLOOP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!(
        "kill loop: {rounds} rounds of {bin:?}, seed {seed} (SUMMIT_KILLLOOP_SEED replays it)"
    );
    let mut random = fastrand::Rng::with_seed(seed);

    let schedules = [schedule("old"), schedule("new")];
    let dir = tempfile::tempdir().unwrap();
    let (data, source) = (dir.path().join("data"), dir.path().join("schedule.json"));
    std::fs::create_dir_all(&data).unwrap();
    put_source(&source, &schedules[0]);
    let screen = Screen::start(1280, 720);
    let camera = Camera::on(&screen.display);
    let notify = Notify::listen(dir.path());

    let stderr = || std::fs::read_to_string(data.with_extension("stderr.log")).unwrap_or_default();
    let spawned = Instant::now();
    let mut kiosk = launch(&bin, &screen, &notify, &data, &source);
    screen_back(&notify, &camera, spawned);
    let stored = || stderr().matches("schedule stored").count();
    // The first import done: the store holds "old".
    crate::support::wait_until(Duration::from_secs(60), || stored() > 0, "the first import");
    // One import timed, not killed: from the new file in place to its
    // commit (the watcher's debounce, the parse, the commit). Kills land
    // uniformly in that window.
    let before = stored();
    let put = Instant::now();
    put_source(&source, &schedules[1]);
    crate::support::wait_until(
        Duration::from_secs(60),
        || stored() > before,
        "the timed import",
    );
    let window = put.elapsed();
    let mut current = 1;

    let (mut ready_times, mut seen_times) = (Vec::new(), Vec::new());
    let (mut last_revision, mut new_landed, mut slow) = (0, 0, Vec::new());
    for round in 0..rounds {
        current = 1 - current;
        let next_tag = ["old", "new"][current];
        put_source(&source, &schedules[current]);
        std::thread::sleep(Duration::from_micros(
            random.u64(0..window.as_micros() as u64),
        ));
        kill_group(&mut kiosk);

        let store = read_store(&data);
        assert_eq!(store.integrity, "ok", "round {round}: {store:?}");
        assert!(
            store.tag == "old" || store.tag == "new",
            "round {round}: {store:?}"
        );
        assert_eq!(
            (store.sessions, store.sessions_of_tag),
            ((ROOMS * TALKS) as i64, (ROOMS * TALKS) as i64),
            "round {round}: a mix or a partial schedule: {store:?}"
        );
        assert!(
            store.revision >= last_revision,
            "round {round}: revision {} went back from {last_revision}",
            store.revision
        );
        last_revision = store.revision;
        new_landed += usize::from(store.tag == next_tag);

        let spawned = Instant::now();
        kiosk = launch(&bin, &screen, &notify, &data, &source);
        let (ready, seen) = screen_back(&notify, &camera, spawned);
        if ready.max(seen) > screen_back_limit {
            slow.push((round, ready, seen));
        }
        ready_times.push(ready);
        seen_times.push(seen);
    }
    drop(kiosk);

    eprintln!(
        "FIGURE kill loop: {rounds} kill -9 of the whole process group during 5,000-session imports, \
         0 corruptions; kills uniform over the {} ms an import took (file in place to commit); \
         the import had landed before {new_landed} of the kills (else the old schedule, whole); \
         last revision {last_revision}",
        window.as_millis()
    );
    eprintln!(
        "FIGURE {}",
        percentiles("restart to READY=1 (first render)", &mut ready_times)
    );
    eprintln!(
        "FIGURE {}",
        percentiles("restart to the talk seen on screen", &mut seen_times)
    );
    assert!(
        slow.is_empty(),
        "the screen took longer than {screen_back_limit:?} after these restarts (round, READY, seen): {slow:?}"
    );
}
