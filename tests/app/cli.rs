//! The real binary's command line: the `now --json` contract, `check`,
//! `import`, and every bad schedule exiting with a clear error.

use assert_cmd::Command;
use serde_json::Value;

use crate::support::{demo_file, fixture, kiosk};

pub(crate) fn now_json(args: &[&str]) -> Value {
    let out = kiosk()
        .arg("now")
        .args(args)
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("now --json prints JSON")
}

#[test]
fn now_json_is_the_contract() {
    let report = now_json(&[
        "--schedule",
        &demo_file(),
        "--at",
        "2020-02-26T10:20:00-05:00",
    ]);
    let expected = serde_json::json!({
        "at": "2020-02-26T10:20:00-05:00",
        "timezone": "America/New_York",
        "rooms": [
            {"room": "Main hall",
             "now": {"title": "Native Cloud Deployment with Dask-Cloudprovider",
                     "speakers": ["Jacob Tomlinson", "Tom Drabas", "Code Peterson"],
                     "start": "2020-02-26T10:10:00-05:00", "end": "2020-02-26T10:25:00-05:00", "kind": "talk"},
             "next": {"title": "Coffee break", "speakers": [],
                      "start": "2020-02-26T10:25:00-05:00", "end": "2020-02-26T10:45:00-05:00", "kind": "break"}},
            {"room": "Breakout A", "now": null,
             "next": {"title": "Working session: imaging and large arrays", "speakers": [],
                      "start": "2020-02-26T13:15:00-05:00", "end": "2020-02-26T17:00:00-05:00", "kind": "working_session"}},
            {"room": "Breakout B", "now": null,
             "next": {"title": "Working session: workflows and pipelines", "speakers": [],
                      "start": "2020-02-26T13:15:00-05:00", "end": "2020-02-26T17:00:00-05:00", "kind": "working_session"}}
        ]
    });
    assert_eq!(report, expected);
}

#[test]
fn now_accepts_z_and_keeps_one_room() {
    let report = now_json(&[
        "--schedule",
        &demo_file(),
        "--at",
        "2020-02-26T17:25:00Z",
        "--room",
        "Main hall",
    ]);
    assert_eq!(report["at"], "2020-02-26T12:25:00-05:00");
    assert_eq!(report["rooms"].as_array().unwrap().len(), 1);
    assert_eq!(report["rooms"][0]["now"]["title"], "Lunch");
    assert_eq!(
        report["rooms"][0]["next"]["title"],
        "Working session: simpler deployments"
    );
}

#[test]
fn a_session_ending_as_another_starts_is_not_current() {
    let report = now_json(&[
        "--schedule",
        &demo_file(),
        "--at",
        "2020-02-26T09:25:00-05:00",
        "--room",
        "main",
    ]);
    assert_eq!(
        report["rooms"][0]["now"]["title"],
        "Prefect + Dask: Parallel / Distributed Workflows"
    );
}

#[test]
fn the_demo_rebases_to_at() {
    let report = now_json(&[
        "--demo",
        "--at",
        "2031-01-15T08:00:00+01:00",
        "--room",
        "Main hall",
    ]);
    assert_eq!(report["timezone"], "America/New_York");
    assert_eq!(
        report["rooms"][0]["now"]["title"],
        "ETL Pipelines for Machine Learning"
    );
    assert_eq!(
        report["rooms"][0]["now"]["start"],
        "2031-01-15T01:57:00-05:00"
    );
    assert_eq!(
        report["rooms"][0]["next"]["speakers"],
        serde_json::json!(["Chris White"])
    );
}

#[test]
fn titles_and_names_are_trimmed_and_any_script_passes() {
    let report = now_json(&[
        "--schedule",
        &fixture("unicode.json"),
        "--at",
        "2025-09-12T10:05:00+09:00",
    ]);
    let room = &report["rooms"][0];
    assert_eq!(room["room"], "大ホール");
    assert_eq!(
        room["now"]["title"],
        "分散処理の未来 — The future of distributed computing"
    );
    assert_eq!(
        room["now"]["speakers"],
        serde_json::json!(["山田 花子", "محمد الأحمد", "Zoë Ångström"])
    );
    assert_eq!(room["next"]["title"], "<img src=x onerror=alert(1)>");
}

#[test]
fn an_unknown_room_exits_2_naming_the_known_ones() {
    kiosk()
        .args(["now", "--demo", "--room", "Kitchen", "--json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no room named \"Kitchen\"; the rooms are: Main hall, Breakout A, Breakout B",
        ));
}

#[test]
fn a_bad_at_is_a_clear_error() {
    kiosk()
        .args(["now", "--demo", "--at", "tomorrow", "--json"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("\"tomorrow\" is not an instant"));
}

#[test]
fn check_summarises_a_good_schedule() {
    kiosk()
        .args(["check", &demo_file()])
        .assert()
        .success()
        .stdout(predicates::str::contains("conference  Dask Summit 2020"))
        .stdout(predicates::str::contains("time zone   America/New_York"))
        .stdout(predicates::str::contains(
            "days        3: 2020-02-26 (Day 1 · Talks)",
        ))
        .stdout(predicates::str::contains(
            "rooms       3: Main hall, Breakout A, Breakout B",
        ))
        .stdout(predicates::str::contains("sessions    49"))
        .stdout(predicates::str::contains("warnings    0"));
}

#[test]
fn import_stores_a_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for revision in ["revision 1", "revision 2"] {
        kiosk()
            .args(["import", &demo_file(), "--data-dir", data])
            .assert()
            .success()
            .stdout(predicates::str::contains(revision));
    }
    let store = kiosk_core::store::Store::open(&dir.path().join("store.sqlite")).unwrap();
    assert_eq!(store.revision().unwrap(), 2);
    assert_eq!(store.load().unwrap().unwrap().sessions.len(), 49);
}

/// Each bad schedule: `check`, `now --schedule` and `import` exit 1 with a
/// message naming the file and the problem; an import leaves the store as it was.
#[test]
fn bad_schedules_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    kiosk()
        .args(["import", &demo_file(), "--data-dir", data.to_str().unwrap()])
        .assert()
        .success();
    let cases = crate::support::bad_schedules(dir.path());
    assert!(cases.len() >= 12, "{} cases", cases.len());
    for (path, expect) in &cases {
        let path = path.to_str().unwrap();
        for args in [
            vec!["check", path],
            vec!["now", "--schedule", path, "--json"],
            vec!["import", path, "--data-dir", data.to_str().unwrap()],
        ] {
            let out = kiosk()
                .args(&args)
                .timeout(std::time::Duration::from_secs(60))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
            assert!(
                stderr.contains(path),
                "{args:?} must name the file: {stderr}"
            );
            assert!(
                stderr.contains(expect),
                "{args:?}: {expect:?} missing from {stderr}"
            );
            assert!(
                stderr.len() < 4000,
                "{args:?}: the message stays short ({} bytes)",
                stderr.len()
            );
        }
    }
    let store = kiosk_core::store::Store::open(&data.join("store.sqlite")).unwrap();
    assert_eq!(
        store.revision().unwrap(),
        1,
        "no bad import made a revision"
    );
    assert_eq!(
        store.load().unwrap().unwrap(),
        kiosk_core::demo::demo().schedule
    );
}

#[test]
fn a_bad_schedule_stops_the_gui_before_any_window_opens() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{").unwrap();
    Command::cargo_bin("summit-kiosk")
        .unwrap()
        .env_remove("DISPLAY")
        .args([
            "--schedule",
            bad.to_str().unwrap(),
            "--data-dir",
            dir.path().join("d").to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "bad.json: line 1, column 1: not valid JSON",
        ));
}

#[test]
fn a_config_with_a_typo_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "rooom = \"Main hall\"\n").unwrap();
    kiosk()
        .env_remove("DISPLAY")
        .args(["--config", config.to_str().unwrap(), "--demo"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("kiosk.toml"))
        .stderr(predicates::str::contains("unknown field `rooom`"));
    kiosk()
        .env_remove("DISPLAY")
        .args([
            "--config",
            dir.path().join("missing.toml").to_str().unwrap(),
            "--demo",
        ])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("missing.toml: cannot read"));
}

fn core_fixture(name: &str) -> String {
    crate::support::root()
        .join("crates/core/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// `now --schedule` reads every format, and the contract holds for each.
#[test]
fn now_json_for_every_format() {
    let paris = ["--venue-timezone", "Europe/Paris"];
    let cases: &[(&str, &[&str], &str, &str, &str)] = &[
        (
            "frab/wk24-schedule.xml",
            &[],
            "2024-12-27T11:10:00+01:00",
            "Saal Zürich",
            "Eröffnung: Über Brücken gehen",
        ),
        (
            "frab/wk24-schedule.json",
            &[],
            "2024-12-27T11:10:00+01:00",
            "Saal Zürich",
            "Eröffnung: Über Brücken gehen",
        ),
    ];
    for (file, extra, at, room, title) in cases {
        let mut args = vec![
            "--schedule".to_string(),
            core_fixture(file),
            "--at".into(),
            at.to_string(),
            "--room".into(),
            room.to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let report = now_json(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(report["rooms"][0]["room"], *room, "{file}");
        assert_eq!(report["rooms"][0]["now"]["title"], *title, "{file}");
        assert_eq!(report["timezone"], "Europe/Berlin", "{file}");
    }
    // The Sessionize, CSV and iCalendar fixtures are one conference: the
    // screen reads the same from each.
    let mut reports = Vec::new();
    for file in [
        "sessionize/alpine-devconf-2025.json",
        "csv/alpine-devconf-2025.csv",
        "ical/alpine-devconf-2025.ics",
    ] {
        let path = core_fixture(file);
        let mut args = vec!["--schedule", &path, "--at", "2025-05-15T10:00:00+02:00"];
        args.extend(paris);
        let report = now_json(&args);
        assert_eq!(report["timezone"], "Europe/Paris", "{file}");
        reports.push(report["rooms"].clone());
    }
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[0], reports[2]);
    assert!(
        reports[0]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| !r["now"].is_null()),
        "{}",
        reports[0]
    );
}

/// Every file of the bad-input corpus, imported through the real binary:
/// refused (exit 1, no panic), and the store keeps its revision and content.
#[test]
fn the_bad_input_corpus_changes_nothing_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    kiosk()
        .args(["import", &demo_file(), "--data-dir", data])
        .assert()
        .success();
    let corpus = crate::support::root().join("crates/core/tests/fixtures/bad");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "{} files", files.len());
    for file in &files {
        // A venue zone, as a real config has, except for the files whose fault is having none.
        let mut cmd = kiosk();
        cmd.args(["import", file.to_str().unwrap(), "--data-dir", data]);
        let name = file.to_string_lossy();
        if !(name.contains("no-zone") || name.contains("no-venue-zone")) {
            cmd.args(["--venue-timezone", "Europe/Paris"]);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", file.display());
        assert!(
            stderr.contains(&*file.file_name().unwrap().to_string_lossy()),
            "names the file: {stderr}"
        );
    }
    let store = kiosk_core::store::Store::open(&dir.path().join("store.sqlite")).unwrap();
    assert_eq!(store.revision().unwrap(), 1);
    assert_eq!(
        store.load().unwrap().unwrap(),
        kiosk_core::demo::demo().schedule
    );
}

/// `check` and `import` take a URL: served by a loopback server the test
/// starts, one good answer and one failure.
#[test]
fn check_and_import_read_a_url() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let reply = if request.starts_with("GET /schedule.json") {
                let body = kiosk_core::demo::DEMO_JSON;
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
            } else {
                "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_string()
            };
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    let good = format!("{base}/schedule.json");
    kiosk()
        .args(["check", &good])
        .assert()
        .success()
        .stdout(predicates::str::contains("format      Summit Kiosk JSON"))
        .stdout(predicates::str::contains("sessions    49"));
    let dir = tempfile::tempdir().unwrap();
    kiosk()
        .args(["import", &good, "--data-dir", dir.path().to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicates::str::contains("revision 1"));
    let bad = format!("{base}/gone.json");
    kiosk()
        .args(["import", &bad, "--data-dir", dir.path().to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(format!(
            "{bad}: the server answered HTTP 502 Bad Gateway"
        )));
    let store = kiosk_core::store::Store::open(&dir.path().join("store.sqlite")).unwrap();
    assert_eq!(store.revision().unwrap(), 1);
}

#[test]
fn set_pin_stores_an_argon2_hash_in_the_config_keeping_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "# my venue\nroom = \"Main hall\"\n\n[bundle]\npolicy = \"any\"\n",
    )
    .unwrap();
    kiosk()
        .args(["set-pin", "--config", config.to_str().unwrap()])
        .write_stdin("correct horse\n")
        .assert()
        .success()
        .stdout(predicates::str::contains("PIN is set"));
    let text = std::fs::read_to_string(&config).unwrap();
    let parsed = kiosk_core::config::Config::parse(&config, &text).expect("still a valid config");
    assert_eq!(parsed.room.as_deref(), Some("Main hall"), "{text}");
    assert_eq!(
        parsed.bundle.policy,
        kiosk_core::bundle::PolicyMode::Any,
        "{text}"
    );
    assert!(text.contains("# my venue"), "comments are kept: {text}");
    let hash = parsed.control_pin_hash.expect("a hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!text.contains("correct horse"), "never the PIN itself");
    assert!(kiosk_core::pin::verify_pin("correct horse", &hash).unwrap());
    assert!(!kiosk_core::pin::verify_pin("wrong horse", &hash).unwrap());
    // Too short (five digits, or five letters): refused, the config unchanged.
    for short in ["12345", "abcde"] {
        kiosk()
            .args(["set-pin", "--config", config.to_str().unwrap()])
            .write_stdin(format!("{short}\n"))
            .assert()
            .failure()
            .stderr(predicates::str::contains("at least 6 characters"));
        assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
    }
}

/// The config may hold the feed token and the PIN hash: set-pin keeps its
/// mode (a private one stays private) and makes a new one 0600, whatever
/// the umask; six digits are enough.
#[test]
fn set_pin_keeps_the_configs_mode_and_makes_a_new_one_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (existing, umask) in [
        (Some(0o600), 0o022),
        (Some(0o640), 0o000),
        (None, 0o000),
        (None, 0o022),
    ] {
        let config = dir
            .path()
            .join(format!("config-{existing:?}-{umask:o}.toml"));
        if let Some(m) = existing {
            std::fs::write(&config, "serve_token = \"a-secret-token-1\"\n").unwrap();
            std::fs::set_permissions(&config, std::fs::Permissions::from_mode(m)).unwrap();
        }
        let mut std_cmd = std::process::Command::new(crate::support::BIN);
        std_cmd.env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests");
        crate::support::with_umask(&mut std_cmd, umask);
        assert_cmd::Command::from_std(std_cmd)
            .args(["set-pin", "--config", config.to_str().unwrap()])
            .write_stdin("246813\n")
            .assert()
            .success();
        assert_eq!(
            mode(&config),
            existing.unwrap_or(0o600),
            "{existing:?} under umask {umask:03o}"
        );
        let text = std::fs::read_to_string(&config).unwrap();
        assert!(text.contains("control_pin_hash"), "{text}");
    }
}

#[test]
fn serve_writes_a_feed_file_a_static_server_can_serve() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    kiosk()
        .args(["import", &demo_file(), "--data-dir", data.to_str().unwrap()])
        .assert()
        .success();
    let feed = dir.path().join("feed.json");
    let server = crate::support::spawn(
        std::process::Command::new(crate::support::BIN)
            .args([
                "serve",
                "--write",
                feed.to_str().unwrap(),
                "--data-dir",
                data.to_str().unwrap(),
            ])
            .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    );
    crate::support::wait_until(
        std::time::Duration::from_secs(20),
        || feed.exists(),
        "the feed file",
    );
    drop(server);
    let bytes = std::fs::read(&feed).expect("the feed file is written");
    // Another kiosk reads it like any schedule.
    let (validated, _) = kiosk_core::feed::parse("feed.json", &bytes).unwrap();
    assert_eq!(validated.schedule.conference.name, "Dask Summit 2020");
    kiosk()
        .args(["check", feed.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicates::str::contains("Summit Kiosk feed"));
}

/// `summit-kiosk now --json | head -1`: the report ends quietly when its
/// reader has gone, as other Unix tools do, with no panic and no backtrace
/// on the terminal. (The reader is gone before the report is written, so
/// the write always meets the closed pipe.)
#[test]
fn a_report_piped_into_a_closed_reader_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let mut child = std::process::Command::new(crate::support::BIN)
        .args(["now", "--json", "--demo"])
        .env("XDG_CONFIG_HOME", crate::support::NO_CONFIG_HOME)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(done.status.signal(), Some(libc::SIGPIPE), "{stderr}");
}
