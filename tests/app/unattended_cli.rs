//! The technician's side of running unattended: the packaged unit passes
//! `systemd-analyze verify`, `doctor` passes under Xvfb and fails clearly on
//! a broken store, `now --data-dir` reads a kiosk's store, `logs`,
//! `install-autostart`, and the packaging inputs `cargo xtask deb` uses.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{demo_file, kiosk, root, Screen, BIN};

const T: &str = "2020-02-26T10:20:00-05:00";

/// `systemd-analyze --user verify` on a copy of `unit` (its ExecStart
/// pointed at the test's binary), with the man pages generated from clap on
/// MANPATH so `Documentation=man:summit-kiosk(1)` is checked too. Returns
/// (success, everything it said).
fn verify(dir: &Path, name: &str, unit: &str) -> (bool, String) {
    let runtime = dir.join("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let generated = dir.join("gen");
    if !generated.join("man").exists() {
        kiosk()
            .args(["generate-assets", "--out"])
            .arg(&generated)
            .assert()
            .success();
    }
    let path = dir.join(name);
    std::fs::write(&path, unit.replace("/usr/bin/summit-kiosk", BIN)).unwrap();
    let out = Command::new("systemd-analyze")
        .args(["--user", "verify"])
        .arg(&path)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env(
            "MANPATH",
            format!("{}:/usr/share/man", generated.join("man").display()),
        )
        .output()
        .expect("systemd-analyze (package systemd): run `cargo xtask test`, which installs it");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

fn packaging(name: &str) -> String {
    std::fs::read_to_string(root().join("packaging").join(name)).unwrap()
}

#[test]
fn the_unit_and_session_target_pass_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    let unit = packaging("summit-kiosk.service");
    for line in [
        "Type=notify",
        "Restart=always",
        "RestartSec=1",
        "WatchdogSec=10",
        "After=graphical-session.target",
        "WantedBy=graphical-session.target",
        "ExecStart=/usr/bin/summit-kiosk --kiosk",
    ] {
        assert!(unit.lines().any(|l| l == line), "the unit lacks {line}");
    }
    let (ok, said) = verify(dir.path(), "summit-kiosk.service", &unit);
    assert!(ok && said.trim().is_empty(), "verify: {said}");
    let (ok, said) = verify(
        dir.path(),
        "summit-kiosk-session.target",
        &packaging("summit-kiosk-session.target"),
    );
    assert!(ok && said.trim().is_empty(), "verify: {said}");
    // The check can fail: a typo is reported.
    let (_, said) = verify(
        dir.path(),
        "summit-kiosk.service",
        &unit.replace("Restart=always", "Restart=allways"),
    );
    assert!(said.contains("allways"), "verify missed a typo: {said}");
}

#[test]
fn the_session_script_and_desktop_files_are_sound() {
    let script = root().join("packaging/summit-kiosk-session");
    let status = Command::new("sh").arg("-n").arg(&script).status().unwrap();
    assert!(status.success(), "sh -n {}", script.display());
    let mode = std::fs::metadata(&script).unwrap().permissions();
    assert!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o111 != 0,
        "executable"
    );
    let desktop = packaging("summit-kiosk.desktop");
    assert!(
        desktop.contains("\nExec=summit-kiosk --kiosk\n"),
        "{desktop}"
    );
    let session = packaging("summit-kiosk-xsession.desktop");
    assert!(
        session.contains("Exec=/usr/libexec/summit-kiosk/summit-kiosk-session"),
        "{session}"
    );
}

/// Every asset `[package.metadata.deb]` names exists (or is made by `cargo
/// xtask deb` before packaging), and the dependencies a screen needs are there.
#[test]
fn the_package_metadata_names_files_that_exist_and_the_right_dependencies() {
    let manifest: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let deb = &manifest["package"]["metadata"]["deb"];
    let depends = deb["depends"].as_str().unwrap();
    for needed in [
        "$auto",
        "fonts-noto-core",
        "fonts-noto-cjk",
        "fonts-noto-color-emoji",
        "fontconfig",
    ] {
        assert!(
            depends.contains(needed),
            "Depends lacks {needed}: {depends}"
        );
    }
    assert!(
        !depends.contains("libwebkit2gtk"),
        "WebKitGTK comes from $auto, once: {depends}"
    );
    let mut targets = Vec::new();
    for asset in deb["assets"].as_array().unwrap() {
        let asset = asset.as_array().unwrap();
        let (source, target) = (asset[0].as_str().unwrap(), asset[1].as_str().unwrap());
        targets.push(target.to_string());
        // Built or generated by `cargo xtask deb` first.
        if source.starts_with("target/") {
            continue;
        }
        assert!(root().join(source).exists(), "asset {source} is missing");
    }
    for wanted in [
        "usr/lib/systemd/user/",
        "usr/share/doc/summit-kiosk/copyright",
        "usr/share/doc/summit-kiosk/config.example.toml",
        "usr/share/man/man1/",
        "usr/bin/",
        "usr/share/xsessions/summit-kiosk.desktop",
    ] {
        assert!(
            targets.iter().any(|t| t.starts_with(wanted)),
            "nothing installed to {wanted}: {targets:?}"
        );
    }
    let copyright = std::fs::read_to_string(root().join("packaging/copyright")).unwrap();
    assert!(copyright
        .starts_with("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"));
    assert!(
        copyright.contains("LGPL-3"),
        "the demo photos' licence is named"
    );
}

/// The colour the window paints before the page does is the page's own.
#[test]
fn the_window_background_is_the_themes_css_background() {
    let css = std::fs::read_to_string(root().join("ui/display.css")).unwrap();
    for (theme, selector) in [
        (kiosk_core::config::Theme::Dark, ".theme-dark {"),
        (kiosk_core::config::Theme::Light, ".theme-light {"),
    ] {
        let block = &css[css.find(selector).unwrap_or_else(|| panic!("{selector}"))..];
        let bg = block
            .lines()
            .find(|l| l.trim_start().starts_with("--bg:"))
            .unwrap();
        let hex = bg.split('#').nth(1).unwrap().trim_end_matches(';').trim();
        let (r, g, b) = theme.background_rgb();
        assert_eq!(
            hex.to_ascii_lowercase(),
            format!("{r:02x}{g:02x}{b:02x}"),
            "{theme:?}"
        );
    }
}

/// A data folder with the demo imported, and a config naming a room.
fn venue(dir: &Path, room: &str) -> (PathBuf, PathBuf) {
    let data = dir.join("data");
    let config = dir.join("config.toml");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&config, format!("room = {room:?}\nkiosk = true\n")).unwrap();
    kiosk()
        .args(["import", &demo_file(), "--data-dir"])
        .arg(&data)
        .assert()
        .success();
    (data, config)
}

fn doctor(display: Option<&str>, config: &Path, data: &Path, json: bool) -> (i32, String) {
    let mut cmd = kiosk();
    cmd.args(["doctor", "--config"])
        .arg(config)
        .arg("--data-dir")
        .arg(data);
    if json {
        cmd.arg("--json");
    }
    match display {
        Some(d) => cmd.env("DISPLAY", d),
        None => cmd.env_remove("DISPLAY"),
    };
    let out = cmd.env_remove("WAYLAND_DISPLAY").output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn line<'a>(report: &'a str, name: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("no {name} line in:\n{report}"))
}

#[test]
fn doctor_passes_under_xvfb_and_fails_clearly_on_a_broken_store() {
    let screen = Screen::start(1280, 720);
    let dir = tempfile::tempdir().unwrap();
    let (data, config) = venue(dir.path(), "Main hall");
    let (code, report) = doctor(Some(&screen.display), &config, &data, false);
    eprintln!("doctor under Xvfb:\n{report}");
    assert_eq!(code, 0, "{report}");
    for (name, expect) in [
        ("display", "ok    display      X11 :"),
        ("fonts", "ok    fonts        CJK 中: "),
        ("store", "quick_check ok"),
        ("zone", "America/New_York"),
        ("room", "\"Main hall\" is in the schedule"),
        ("blanking", "screensaver after 600 s"),
    ] {
        assert!(line(&report, name).contains(expect), "{name}: {report}");
    }
    assert!(!report.lines().any(|l| l.starts_with("FAIL")), "{report}");
    let (code, json) = doctor(Some(&screen.display), &config, &data, true);
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!((code, &parsed["ok"]), (0, &Value::Bool(true)), "{json}");
    assert!(parsed["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "fonts" && c["level"] == "ok"));

    // A store that is not a database: one clear FAIL line and exit 1.
    std::fs::write(
        data.join("store.sqlite"),
        b"not a database, a stick's junk\n".repeat(500),
    )
    .unwrap();
    let (code, report) = doctor(Some(&screen.display), &config, &data, false);
    assert_eq!(code, 1, "{report}");
    let store = line(&report, "store");
    assert!(
        store.starts_with("FAIL")
            && store.contains("store.sqlite: cannot be read as a store")
            && store.contains("not a database"),
        "{store}"
    );

    // A room the schedule does not have, and no display: the room fails by
    // name; the missing display is a warning (a technician over ssh).
    let (data, config) = venue(&dir.path().join("b"), "Main hal");
    let (code, report) = doctor(None, &config, &data, false);
    assert_eq!(code, 1, "{report}");
    assert!(
        line(&report, "room").starts_with("FAIL") && line(&report, "room").contains("its rooms: "),
        "{report}"
    );
    assert!(line(&report, "display").starts_with("WARN"), "{report}");
}

#[test]
fn now_reads_a_kiosks_store_with_its_local_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = venue(dir.path(), "Main hall");
    let now = |args: &[&str]| -> Value {
        let mut all = args.to_vec();
        all.extend(["--at", T, "--room", "Main hall"]);
        crate::cli::now_json(&all)
    };
    let data_arg = data.to_str().unwrap();
    let from_file = now(&["--schedule", &demo_file()]);
    assert_eq!(
        now(&["--data-dir", data_arg]),
        from_file,
        "the store shows what the file does"
    );

    // The organizer cancels the talk on now: the store's `now` follows, the file's does not.
    let current = from_file["rooms"][0]["now"]["title"]
        .as_str()
        .unwrap()
        .to_string();
    {
        let mut store = kiosk_core::store::Store::open(&data.join("store.sqlite")).unwrap();
        let schedule = store.effective_schedule().unwrap().unwrap();
        let id = schedule
            .sessions
            .iter()
            .find(|s| s.title == current)
            .unwrap()
            .id
            .clone();
        store
            .record_edit(
                kiosk_core::edits::Edit::Cancel { session: id },
                "test",
                jiff::Timestamp::now(),
            )
            .unwrap();
    }
    let after = now(&["--data-dir", data_arg]);
    assert_ne!(
        after["rooms"][0]["now"]["title"].as_str(),
        Some(current.as_str()),
        "{after}"
    );

    // No store there: a clear error, and none is created.
    let empty = dir.path().join("empty");
    kiosk()
        .args(["now", "--data-dir"])
        .arg(&empty)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no store here"));
    assert!(!empty.join("store.sqlite").exists());
}

#[test]
fn logs_prints_the_entries_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let now = jiff::Timestamp::now();
    let ago = |mins: i64| (now - jiff::SignedDuration::from_mins(mins)).to_string();
    std::fs::write(
        logs.join("summit-kiosk.2020-01-01.log"),
        format!(
            "{}  INFO old entry\n{}  WARN recent entry\n  its second line\n{}  INFO latest\n",
            ago(180),
            ago(30),
            ago(1)
        ),
    )
    .unwrap();
    std::fs::write(
        logs.join("unrelated.txt"),
        format!("{} not a log\n", ago(1)),
    )
    .unwrap();
    let run = |since: &str| {
        let out = kiosk()
            .args(["logs", "--since", since, "--data-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let hour = run("1h");
    assert!(
        !hour.contains("old entry")
            && hour.contains("recent entry\n  its second line")
            && hour.contains("latest"),
        "{hour}"
    );
    assert!(!hour.contains("not a log"));
    assert!(run("4h").contains("old entry"));
    assert!(run("5m").lines().count() == 1);
    kiosk()
        .args(["logs", "--since", "a while", "--data-dir"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--since \"a while\""));
}

#[test]
fn install_autostart_writes_the_config_and_a_unit_for_this_binary() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let xdg = home.join(".config");
    let out = Command::new(BIN)
        .args([
            "install-autostart",
            "--room",
            "Main hall",
            "--monitor",
            "HDMI-1",
        ])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &xdg)
        // No user manager here: enabling fails and it says what to run.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env("XDG_RUNTIME_DIR", dir.path().join("no-runtime"))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}{stderr}");
    let config_path = xdg.join("summit-kiosk/config.toml");
    let text = std::fs::read_to_string(&config_path).unwrap();
    let config = kiosk_core::config::Config::parse(&config_path, &text).unwrap();
    assert_eq!(
        (
            config.kiosk,
            config.room.as_deref(),
            config.lobby,
            config.monitor.as_deref()
        ),
        (true, Some("Main hall"), false, Some("HDMI-1"))
    );
    assert!(
        text.contains("# Summit Kiosk configuration"),
        "starts from the documented example"
    );
    let unit = std::fs::read_to_string(xdg.join("systemd/user/summit-kiosk.service")).unwrap();
    assert!(
        unit.contains(&format!("ExecStart=\"{BIN}\" --kiosk")),
        "{unit}"
    );
    // `systemctl --user enable` may work without a running user manager
    // (it only links files); either it did, or it says what to run.
    let wants = xdg.join("systemd/user/graphical-session.target.wants/summit-kiosk.service");
    if stdout.contains("Enabled:") {
        assert!(wants.exists(), "enabled means linked: {stdout}");
    } else {
        assert!(
            stderr.contains("systemctl --user enable summit-kiosk.service"),
            "{stdout}{stderr}"
        );
    }

    // Again with --lobby: the same file, updated, still valid.
    let again = Command::new(BIN)
        .args(["install-autostart", "--lobby", "--no-enable"])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &xdg)
        .output()
        .unwrap();
    assert!(again.status.success());
    let text = std::fs::read_to_string(&config_path).unwrap();
    let config = kiosk_core::config::Config::parse(&config_path, &text).unwrap();
    assert!(config.lobby && config.kiosk);
    assert_eq!(
        text.matches("\nlobby = ").count(),
        1,
        "one lobby line:\n{text}"
    );
}
