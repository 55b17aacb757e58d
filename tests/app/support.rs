//! Shared test parts: the real binary, fixtures, bad schedules, and the
//! Xvfb + window manager + tauri-driver rig for end-to-end tests.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
        .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests");
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

/// A child process, and the process group it leads, killed when dropped
/// (tauri-driver's WebKitWebDriver would otherwise outlive it).
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `cmd` as the leader of a new process group.
fn spawn_group(cmd: &mut Command) -> std::io::Result<Child> {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0).spawn()
}

/// The kiosk binary on `screen`, started as in the tests: in its own process
/// group (its WebKit processes stop with it), with no config or log filter
/// of the machine's, its output dropped.
pub fn kiosk_on(screen: &Screen) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(BIN);
    cmd.env("DISPLAY", &screen.display)
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    cmd
}

/// Every process under `pid` (its children, theirs, …).
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut all = Vec::new();
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        for task in std::fs::read_dir(format!("/proc/{p}/task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                all.push(child);
                stack.push(child);
            }
        }
    }
    all
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
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn need(tool: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{tool} is not installed: run `cargo xtask test`, which installs the end-to-end tools"
    );
}

/// A virtual screen with a window manager (fullscreen requests need one).
pub struct Screen {
    pub display: String,
    _xvfb: Guard,
    _wm: Guard,
}

impl Screen {
    pub fn start(width: u32, height: u32) -> Screen {
        Screen::launch(None, width, height)
    }

    /// On display `:n`, chosen by the caller (a display that appears while
    /// a kiosk waits for it).
    pub fn start_on(n: u32, width: u32, height: u32) -> Screen {
        Screen::launch(Some(n), width, height)
    }

    fn launch(number: Option<u32>, width: u32, height: u32) -> Screen {
        need("Xvfb");
        need("matchbox-window-manager");
        need("xprop");
        // Xvfb picks a display no one holds (lock files and sockets alike)
        // and writes its number once it accepts connections.
        let place = match number {
            Some(n) => vec![format!(":{n}")],
            None => vec!["-displayfd".to_string(), "1".to_string()],
        };
        let mut xvfb = spawn_group(
            Command::new("Xvfb")
                .args(&place)
                .args([
                    "-screen",
                    "0",
                    &format!("{width}x{height}x24"),
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )
        .expect("start Xvfb");
        let number = match number {
            Some(n) => {
                let socket = format!("/tmp/.X11-unix/X{n}");
                wait_until(
                    Duration::from_secs(20),
                    || Path::new(&socket).exists(),
                    "Xvfb to open its socket",
                );
                n.to_string()
            }
            None => {
                let mut number = String::new();
                std::io::BufRead::read_line(
                    &mut std::io::BufReader::new(xvfb.stdout.take().expect("Xvfb's stdout")),
                    &mut number,
                )
                .expect("Xvfb says its display");
                number
            }
        };
        let xvfb = Guard(xvfb);
        let display = format!(":{}", number.trim());
        assert!(display.len() > 1, "Xvfb gave no display number");
        let wm_log = tempfile::NamedTempFile::new().unwrap();
        let wm = Command::new("matchbox-window-manager")
            .args(["-use_titlebar", "no"])
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(wm_log.reopen().unwrap())
            .spawn()
            .expect("start matchbox-window-manager");
        let mut wm = Guard(wm);
        // A window opened before the manager owns the screen is never managed
        // (no fullscreen): wait until it announces itself on the root window.
        let start = Instant::now();
        loop {
            let owned = Command::new("xprop")
                .args(["-display", &display, "-root", "_NET_SUPPORTING_WM_CHECK"])
                .stderr(Stdio::null())
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("window id"));
            if owned {
                break;
            }
            let exited = wm.0.try_wait().ok().flatten();
            assert!(
                exited.is_none() && start.elapsed() < Duration::from_secs(20),
                "the window manager did not take {display} (exit: {exited:?}): {}",
                std::fs::read_to_string(wm_log.path()).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Screen {
            display,
            _xvfb: xvfb,
            _wm: wm,
        }
    }
}

pub fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool, what: &str) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// tauri-driver on a free port, with its WebKitWebDriver, on `screen`.
pub struct Driver {
    pub url: String,
    _child: Guard,
}

impl Driver {
    pub fn start(screen: &Screen) -> Driver {
        need("WebKitWebDriver");
        photo_worker();
        let tauri_driver = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| {
            let cargo_bin = std::env::var("CARGO_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cargo"))
                .join("bin/tauri-driver");
            if cargo_bin.is_file() {
                cargo_bin.display().to_string()
            } else {
                "tauri-driver".into()
            }
        });
        let port = free_port();
        let native = free_port();
        let mut child = Command::new(&tauri_driver);
        child
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", &screen.display)
            .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = spawn_group(&mut child).unwrap_or_else(|e| {
            panic!("start {tauri_driver}: {e}; run `cargo xtask test` to install it")
        });
        let child = Guard(child);
        wait_until(
            Duration::from_secs(20),
            || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
            "tauri-driver to listen",
        );
        // tauri-driver proxies to WebKitWebDriver, which it starts itself: a
        // session asked for before that one listens fails with a cut-off
        // answer (seen under load as `IncompleteMessage`).
        wait_until(
            Duration::from_secs(20),
            || std::net::TcpStream::connect(("127.0.0.1", native)).is_ok(),
            "WebKitWebDriver to listen",
        );
        Driver {
            url: format!("http://127.0.0.1:{port}"),
            _child: child,
        }
    }

    /// Launch the app with `args` and open a WebDriver session on its window.
    pub async fn launch(&self, args: &[&str]) -> fantoccini::Client {
        self.launch_bin(BIN, args).await
    }

    /// The same with another build of the app (to compare two builds).
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
