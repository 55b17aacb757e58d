//! The real binaries on 127.0.0.1: the token appears in no file, table or
//! output of either kiosk; the data folder is private whatever the umask;
//! a restarted `serve` gives a follower holding the old ETag the new content;
//! a `serve --write` file is signed and readable by a web server.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use kiosk_core::fetch::{FetchLimits, Validator};
use kiosk_core::import::ImportOptions;
use kiosk_core::sync::{check_with, Checked, FeedPolicy, Source, SyncState};

use crate::attack::{start_leader, token_file, TOKEN};
use crate::support::{demo_file, kiosk, kiosk_on, wait_until, with_umask, Guard, Screen, BIN};

/// Every file under `dir` (not following links).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out
}

/// Every table of a store as text, row by row.
fn dump(store: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut text = String::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                let value: rusqlite::types::Value = row.get(i).unwrap();
                text.push_str(&format!("{table}.{i}={value:?}\n"));
            }
        }
    }
    text
}

fn query<T: rusqlite::types::FromSql>(store: &Path, sql: &str) -> Option<T> {
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.query_row(sql, [], |r| r.get(0)).ok()
}

#[test]
fn the_token_is_in_no_file_table_log_or_output_of_either_kiosk() {
    let wrong = "wrong-token-that-must-not-show-7c1d";
    let screen = Screen::start(1280, 720);
    let leader = start_leader(&screen, 4096);
    let follower_data = tempfile::tempdir().unwrap();
    let stderr = std::fs::File::create(follower_data.path().join("stderr.log")).unwrap();
    let good = format!("http://{}/feed.json?token={TOKEN}", leader.addr);
    let bad = format!("http://{}/feed.json?x=1&token={wrong}", leader.addr);
    let follower = Guard(
        kiosk_on(&screen)
            .args(["--source", &good, "--source", &bad, "--poll-interval", "1"])
            .args(["--room", "Main hall", "--photo-wall", "off", "--data-dir"])
            .arg(follower_data.path().join("kiosk"))
            .stderr(stderr)
            .spawn()
            .unwrap(),
    );
    let store = follower_data.path().join("kiosk/store.sqlite");
    wait_until(
        Duration::from_secs(90),
        || query::<i64>(&store, "SELECT max(revision) FROM revisions").unwrap_or(0) >= 1,
        "the follower to take the feed",
    );
    wait_until(
        Duration::from_secs(30),
        || {
            query::<String>(
                &store,
                "SELECT last_error FROM sync_state WHERE last_error IS NOT NULL",
            )
            .is_some_and(|e| e.contains("401"))
        },
        "the wrong token's refusal to be recorded",
    );
    let sources = dump(&store);
    drop(follower);
    drop(leader.child);
    // What the follower keeps names its sources without the token.
    let name = format!("http://{}/feed.json", leader.addr);
    assert!(sources.contains(&name), "{sources}");
    assert!(sources.contains("401"), "the refusal is kept: {sources}");
    let mut looked_at = 0;
    for dir in [leader.data.path(), follower_data.path()] {
        for file in files_under(dir) {
            if file.file_name().is_some_and(|n| n == "feed-token") {
                continue;
            }
            let bytes = std::fs::read(&file).unwrap();
            for secret in [TOKEN, wrong] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "{secret} found in {}",
                    file.display()
                );
            }
            looked_at += 1;
        }
        let store = dir.join("kiosk/store.sqlite");
        if store.exists() {
            let text = dump(&store);
            assert!(!text.contains(TOKEN) && !text.contains(wrong), "{text}");
        }
    }
    // The stores, their logs and both stderr captures at least.
    assert!(looked_at >= 6, "{looked_at} files");
    let logs = std::fs::read_to_string(follower_data.path().join("stderr.log")).unwrap();
    assert!(
        logs.contains("synced"),
        "the follower logged its syncs: {logs}"
    );
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_data_folder_is_private_after_the_first_start_under_umask_022_and_000() {
    let screen = Screen::start(1280, 720);
    for umask in [0o022, 0o000] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let sticks = tmp.path().join("media");
        std::fs::create_dir(&sticks).unwrap();
        let config = tmp.path().join("config.toml");
        std::fs::write(&config, format!("[bundle]\nmount_roots = [{sticks:?}]\n")).unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args([
            "--schedule",
            &demo_file(),
            "--photo-wall",
            "off",
            "--config",
        ])
        .arg(&config)
        .arg("--data-dir")
        .arg(&data)
        .env("DISPLAY", &screen.display)
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        with_umask(&mut cmd, umask);
        let _kiosk = Guard(
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0)
                .spawn()
                .unwrap(),
        );
        let log_file = || {
            std::fs::read_dir(data.join("logs"))
                .ok()?
                .flatten()
                .map(|e| e.path())
                .next()
        };
        wait_until(
            Duration::from_secs(90),
            || {
                log_file().is_some()
                    && data.join("staging").is_dir()
                    && data.join("store.sqlite-wal").is_file()
                    && data.join("photos/usb-unsigned").is_dir()
            },
            "the kiosk's first start",
        );
        let what = format!("umask {umask:03o}");
        assert_eq!(mode(&data), 0o700, "{what}: data folder");
        for file in ["store.sqlite", "store.sqlite-wal", "store.sqlite-shm"] {
            assert_eq!(mode(&data.join(file)), 0o600, "{what}: {file}");
        }
        assert_eq!(mode(&data.join("logs")), 0o700, "{what}: logs");
        assert_eq!(mode(&log_file().unwrap()), 0o600, "{what}: log file");
        for dir in [
            "staging",
            "photos",
            "photos/upload",
            "photos/usb",
            "photos/usb-unsigned",
        ] {
            assert_eq!(mode(&data.join(dir)), 0o700, "{what}: {dir}");
        }
    }
    // A one-shot import makes the same private store.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("imported");
    let mut std_cmd = Command::new(BIN);
    std_cmd.env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests");
    with_umask(&mut std_cmd, 0o000);
    assert_cmd::Command::from_std(std_cmd)
        .args(["import", &demo_file(), "--data-dir", data.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("store.sqlite")), 0o600);
}

/// `summit-kiosk serve --listen` on `port` over `data`; ready when it serves.
fn serve(data: &Path, port: u16, extra: &[&str]) -> Guard {
    let token = token_file(data.parent().unwrap());
    let child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--token-file",
        ])
        .arg(&token)
        .arg("--data-dir")
        .arg(data)
        .args(extra)
        .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let guard = Guard(child);
    let addr = format!("127.0.0.1:{port}").parse().unwrap();
    wait_until(
        Duration::from_secs(30),
        || crate::attack::follower_status(addr).as_deref() == Some("HTTP/1.1 200 OK"),
        "serve to answer",
    );
    guard
}

fn import(data: &Path, title: &str) {
    let dir = data.parent().unwrap();
    let file = dir.join(format!("{}.json", title.len()));
    let text = std::fs::read_to_string(demo_file()).unwrap().replacen(
        "Native Cloud Deployment with Dask-Cloudprovider",
        title,
        1,
    );
    std::fs::write(&file, text).unwrap();
    kiosk()
        .args([
            "import",
            file.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ])
        .assert()
        .success();
}

fn follow(url: &str, known: &SyncState) -> Checked {
    check_with(
        &Source::parse(url),
        known,
        &ImportOptions::default(),
        &FetchLimits::default(),
        &FeedPolicy::default(),
    )
    .unwrap()
}

fn title(checked: &Checked) -> String {
    let Checked::Changed { validated, .. } = checked else {
        panic!("{checked:?}")
    };
    validated
        .schedule
        .session("d1-cloudprovider")
        .unwrap()
        .title
        .clone()
}

#[test]
fn a_restarted_leader_gives_a_follower_holding_the_old_etag_the_new_content() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("leader");
    import(&data, "Before the restart");
    let port = crate::support::free_port();
    let url = format!("http://127.0.0.1:{port}/feed.json?token={TOKEN}");
    let first = serve(&data, port, &[]);
    let before = follow(&url, &SyncState::default());
    assert_eq!(title(&before), "Before the restart");
    let Checked::Changed { validator, .. } = before else {
        unreachable!()
    };
    drop(first);
    // The leader restarts, on the same port, with other content.
    import(&data, "After the restart");
    let _second = serve(&data, port, &[]);
    let known = SyncState {
        validator: Validator {
            etag: validator.etag.clone(),
            last_modified: None,
        },
        ..SyncState::default()
    };
    let since = std::time::Instant::now();
    let after = follow(&url, &known);
    assert!(
        since.elapsed() < Duration::from_secs(2),
        "answered, not held"
    );
    assert_eq!(title(&after), "After the restart");
}

#[test]
fn serve_write_makes_a_signed_file_a_web_server_can_read() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("leader");
    import(&data, "Signed on disk");
    let key = tmp.path().join("organizer.key");
    let public = kiosk_core::bundle::generate_keypair(&key).unwrap();
    let file = tmp.path().join("www/feed.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--write"])
        .arg(&file)
        .arg("--sign-key")
        .arg(&key)
        .arg("--data-dir")
        .arg(&data)
        .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _serve = Guard(cmd.spawn().unwrap());
    wait_until(Duration::from_secs(30), || file.exists(), "the feed file");
    // Private data folder, public feed file (umask 077 in the process).
    assert_eq!(mode(&file), 0o644);
    let policy = |keys: &[String]| FeedPolicy {
        trust: kiosk_core::feed::Trust::from_keys(keys).unwrap(),
        newest: None,
    };
    let source = Source::parse(file.to_str().unwrap());
    let follow_with = |keys: &[String]| {
        check_with(
            &source,
            &SyncState::default(),
            &ImportOptions::default(),
            &FetchLimits::default(),
            &policy(keys),
        )
    };
    let checked = follow_with(&[public]).unwrap();
    assert_eq!(title(&checked), "Signed on disk");
    let Checked::Changed {
        accepted_version, ..
    } = checked
    else {
        unreachable!()
    };
    assert!(accepted_version.is_some(), "its signature was checked");
    let other = kiosk_core::bundle::generate_keypair(&tmp.path().join("other.key")).unwrap();
    let refused = follow_with(&[other]).unwrap_err();
    assert_eq!(refused.code(), "feed_untrusted_key", "{refused}");
}

/// The token in `SUMMIT_KIOSK_SERVE_TOKEN`: `--help` does not echo it, no
/// command line carries it (`ps`), and the processes the kiosk starts
/// (WebKit's) do not inherit it.
#[test]
fn an_environment_token_is_not_in_help_ps_or_child_processes() {
    let token = "env-token-not-for-ps-3b9d77";
    for args in [&["--help"][..], &["serve", "--help"]] {
        let out = kiosk()
            .args(args)
            .env("SUMMIT_KIOSK_SERVE_TOKEN", token)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("SUMMIT_KIOSK_SERVE_TOKEN"),
            "{args:?}: says where: {text}"
        );
        assert!(!text.contains(token), "{args:?}: {text}");
    }
    let screen = Screen::start(1280, 720);
    let data = tempfile::tempdir().unwrap();
    let port = crate::support::free_port();
    let kiosk = Guard(
        kiosk_on(&screen)
            .args(["--schedule", &demo_file(), "--photo-wall", "off"])
            .args(["--serve", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(data.path())
            .env("SUMMIT_KIOSK_SERVE_TOKEN", token)
            .spawn()
            .unwrap(),
    );
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let served = || {
        kiosk_core::fetch::fetch(
            &format!("http://{addr}/feed.json?token={token}"),
            &Validator::default(),
            &FetchLimits::default(),
        )
        .is_ok()
    };
    wait_until(
        Duration::from_secs(90),
        served,
        "the kiosk to serve with the env token",
    );
    // Its web process is up once the window is.
    wait_until(
        Duration::from_secs(60),
        || crate::attack::window_exists(&screen.display),
        "the window",
    );
    let pid = kiosk.0.id();
    let children = crate::support::descendants(pid);
    assert!(!children.is_empty(), "WebKit's processes");
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    assert!(!String::from_utf8_lossy(&cmdline).contains(token));
    for child in children {
        let environ = std::fs::read(format!("/proc/{child}/environ")).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&environ).contains(token),
            "process {child} inherited the token"
        );
        let cmdline = std::fs::read(format!("/proc/{child}/cmdline")).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&cmdline).contains(token));
    }
}
