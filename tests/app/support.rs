//! Shared test parts: the real binary, fixtures, bad schedules, and the
//! end-to-end rig (`kiosk_rig`: Xvfb + window manager, tauri-driver,
//! process groups, waits) as the tests use it: a failure is a panic.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_summit-kiosk");

/// The photo worker (`crates/photo-worker`), built next to [`BIN`] where
/// the kiosk looks for it. `cargo test --workspace` builds it (the worker
/// crate has tests of its own); a filtered run (`--test app photos::`) may
/// not, so this builds it once per test run, with the same `--workspace`
/// feature set, which is a no-op when it is fresh.
pub fn photo_worker() -> &'static Path {
    static WORKER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    WORKER.get_or_init(|| {
        let dir = Path::new(BIN).parent().expect("the binary is in a folder");
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .current_dir(root())
            .args(["build", "--quiet", "--workspace", "--bin"])
            .arg(kiosk_core::photos::worker::WORKER_BIN);
        if dir.file_name().is_some_and(|p| p == "release") {
            cargo.arg("--release");
        }
        let status = cargo.status().expect("run cargo to build the photo worker");
        assert!(status.success(), "building the photo worker failed");
        let worker = dir.join(kiosk_core::photos::worker::WORKER_BIN);
        assert!(worker.is_file(), "no photo worker at {}", worker.display());
        worker
    })
}

pub fn kiosk() -> assert_cmd::Command {
    photo_worker();
    let mut cmd = assert_cmd::Command::new(BIN);
    cmd.env_remove("RUST_LOG")
        .env("XDG_CONFIG_HOME", NO_CONFIG_HOME);
    cmd
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

pub fn demo_file() -> String {
    root()
        .join("assets/demo/dask-summit-2020.json")
        .display()
        .to_string()
}

const GOOD: &str = r#"{
  "conference": {"name": "T", "timezone": "Europe/Berlin"},
  "rooms": [{"id": "a", "name": "Room A"}],
  "sessions": [{"id": "s1", "title": "One", "room": "a", "start": "2025-05-01T10:00", "end": "2025-05-01T10:30"}]
}"#;

/// Write the bad schedules into `dir`: (file, a fragment its error must contain).
pub fn bad_schedules(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let with = |from: &str, to: &str| {
        assert!(GOOD.contains(from), "{from}");
        GOOD.replacen(from, to, 1).into_bytes()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.json", Vec::new(), "the file is empty"),
        (
            "web-page.json",
            b"<html><body>Schedule</body></html>".to_vec(),
            "line 1, column 1: this is a web page (HTML), not a schedule",
        ),
        (
            "not-json.json",
            b"{ schedule: yes }".to_vec(),
            "line 1, column 3: not valid JSON",
        ),
        (
            "truncated.json",
            GOOD.as_bytes()[..GOOD.len() - 40].to_vec(),
            "not valid JSON",
        ),
        ("array.json", b"[]".to_vec(), "not a Summit Kiosk schedule"),
        (
            "unknown-zone.json",
            with("Europe/Berlin", "Europe/Atlantis"),
            "unknown time zone \"Europe/Atlantis\"",
        ),
        (
            "end-before-start.json",
            with("2025-05-01T10:30", "2025-05-01T09:00"),
            "ends (2025-05-01 09:00) before it starts (2025-05-01 10:00)",
        ),
        (
            "unknown-room.json",
            with(r#""room": "a""#, r#""room": "Kitchen""#),
            "sessions[0] (\"s1\").room: unknown room \"Kitchen\"",
        ),
        (
            "ten-mb-title.json",
            with(
                r#""title": "One""#,
                &format!(r#""title": "{}""#, "T".repeat(10 * 1024 * 1024)),
            ),
            "title: is 10485760 characters long; at most 1000 are allowed",
        ),
        (
            "duplicate-id.json",
            with(
                r#""end": "2025-05-01T10:30"}]"#,
                r#""end": "2025-05-01T10:30"}, {"id": "s1", "title": "Again", "room": "a", "start": "2025-05-01T11:00", "end": "2025-05-01T11:30"}]"#,
            ),
            "duplicate session id \"s1\"",
        ),
        (
            "bad-time.json",
            with("2025-05-01T10:00", "10 o'clock"),
            "\"10 o'clock\" is not a time",
        ),
        (
            "no-zone.json",
            with(r#""timezone": "Europe/Berlin""#, r#""timezone": """#),
            "needs the venue's IANA time zone",
        ),
        (
            "typo-field.json",
            with(r#""rooms""#, r#""roms""#),
            "unknown field `roms`",
        ),
        (
            "latin1.json",
            {
                let mut b = with("One", "Caf\u{e9}");
                let i = b.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
                b.splice(i..i + 2, [0xE9]);
                b
            },
            "not valid JSON",
        ),
        (
            "over-cap.json",
            {
                let mut b = with(r#""title": "One""#, r#""title": "One", "abstract": ""#);
                b.truncate(b.len() - 1);
                b.extend(std::iter::repeat_n(b'a', 33 * 1024 * 1024));
                b
            },
            "over the limit of 33554432 bytes",
        ),
    ];
    cases
        .into_iter()
        .map(|(name, bytes, expect)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            (path, expect)
        })
        .collect()
}

#[path = "support/launch.rs"]
mod launch;
pub use launch::{E2e, Kiosk, Launch, Spawned};

pub use kiosk_rig::process::descendants;
pub use kiosk_rig::{Group, NO_CONFIG_HOME};

/// Start `cmd` in a process group of its own, stopped (with everything it
/// started) when the [`Group`] is dropped.
pub fn spawn(cmd: &mut Command) -> Group {
    Group::spawn(cmd).unwrap_or_else(|e| panic!("{e}"))
}

/// A child process, and the process group it leads, stopped when dropped
/// as a [`Group`] is (tauri-driver's WebKitWebDriver would otherwise
/// outlive it). For a child spawned by the test itself (`.0` is the child).
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        kiosk_rig::process::stop_group(&mut self.0);
    }
}

/// A virtual screen with a window manager (fullscreen requests need one):
/// the rig's [`kiosk_rig::Screen`] (which it derefs to), failing as a test
/// does, with its display at hand as `display`.
pub struct Screen {
    pub display: String,
    rig: kiosk_rig::Screen,
}

impl Screen {
    pub fn start(width: u32, height: u32) -> Screen {
        Screen::from(kiosk_rig::Screen::start(width, height))
    }

    /// On display `:n`, chosen by the caller (a display that appears while
    /// a kiosk waits for it).
    pub fn start_on(n: u32, width: u32, height: u32) -> Screen {
        Screen::from(kiosk_rig::Screen::start_on(n, width, height))
    }

    fn from(rig: kiosk_rig::Result<kiosk_rig::Screen>) -> Screen {
        let rig = rig.unwrap_or_else(|e| panic!("a virtual screen: {e}"));
        Screen {
            display: rig.display().to_string(),
            rig,
        }
    }
}

impl std::ops::Deref for Screen {
    type Target = kiosk_rig::Screen;

    fn deref(&self) -> &kiosk_rig::Screen {
        &self.rig
    }
}

/// The kiosk binary on `screen`, started as in the tests: in its own process
/// group (its WebKit processes stop with it), with no config or log filter
/// of the machine's, its output dropped.
pub fn kiosk_on(screen: &Screen) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = screen.command(BIN);
    cmd.env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .env("XDG_CONFIG_HOME", NO_CONFIG_HOME)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    cmd
}
/// Start `cmd` with `umask` (as a shell's `umask` would before it).
pub fn with_umask(cmd: &mut Command, umask: u32) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: umask is async-signal-safe; nothing else runs in the child.
    unsafe {
        cmd.pre_exec(move || {
            libc::umask(umask);
            Ok(())
        })
    }
}

/// Start `cmd` with at most `files` open files (soft and hard), as
/// `ulimit -n` would: the process cannot raise it.
pub fn with_file_limit(cmd: &mut Command, files: u64) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: files,
                rlim_max: files,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

pub fn free_port() -> u16 {
    kiosk_rig::free_port().unwrap_or_else(|e| panic!("{e}"))
}

pub fn wait_until(limit: Duration, ready: impl FnMut() -> bool, what: &str) {
    if let Err(e) = kiosk_rig::wait_until(limit, &format!("waiting for {what}"), ready) {
        panic!("timed out {e}");
    }
}

/// tauri-driver on a free port, with its WebKitWebDriver, on `screen`.
pub struct Driver {
    /// Where WebDriver clients connect.
    pub url: String,
    _driver: kiosk_rig::TauriDriver,
}

impl Driver {
    pub fn start(screen: &Screen) -> Driver {
        photo_worker();
        let driver = kiosk_rig::TauriDriver::start(screen).unwrap_or_else(|e| panic!("{e}"));
        Driver {
            url: driver.url().to_string(),
            _driver: driver,
        }
    }

    /// Launch `bin` (the app, or another build of it) with `args` and open
    /// a WebDriver session on its window.
    pub async fn launch_bin(&self, bin: &str, args: &[&str]) -> fantoccini::Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({"application": bin, "args": args}),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        fantoccini::ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a WebDriver session on the kiosk")
    }
}

/// Width and height of a PNG, from its header.
pub fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[1..4], b"PNG", "a PNG");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    (w, h)
}

/// Where the test run leaves its screenshots for a person to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = root().join("target/e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Write `token` to `dir/feed-token`, private (0600) as a token file must
/// be; its path.
pub fn private_token_file(dir: &Path, token: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("feed-token");
    std::fs::write(&path, token).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}
