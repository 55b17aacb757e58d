//! The kiosk as systemd starts it, with this test playing systemd's part:
//! the `NOTIFY_SOCKET` datagram listener ([`Notify`]) and `WATCHDOG_USEC`.

use std::os::unix::net::UnixDatagram;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::T;
use crate::e2e::web_processes;
use crate::support::{wait_until, Guard, BIN};

/// A display number nothing holds now (for a display that appears later).
pub(super) fn free_display() -> u32 {
    kiosk_rig::free_display().expect("a free display number")
}

/// Plays systemd: receives the kiosk's notify datagrams, with arrival times.
pub(crate) struct Notify {
    pub(crate) path: PathBuf,
    got: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Notify {
    pub(crate) fn listen(dir: &Path) -> Notify {
        let path = dir.join("notify.sock");
        let socket = UnixDatagram::bind(&path).unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = socket.recv(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                sink.lock().unwrap().push((Instant::now(), text));
            }
        });
        Notify { path, got }
    }

    pub(crate) fn messages(&self) -> Vec<(Instant, String)> {
        self.got.lock().unwrap().clone()
    }

    /// When the first datagram holding `line` arrived.
    pub(crate) fn wait_for(&self, line: &str, limit: Duration) -> Instant {
        let since = Instant::now();
        loop {
            let found = self
                .messages()
                .into_iter()
                .find(|(_, m)| m.lines().any(|l| l == line));
            if let Some((t, _)) = found {
                return t;
            }
            assert!(
                since.elapsed() < limit,
                "no {line} within {limit:?}: {:?}",
                self.messages()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn pings_between(&self, from: Instant, to: Instant) -> Vec<Instant> {
        self.messages()
            .into_iter()
            .filter(|(t, m)| *t >= from && *t <= to && m.lines().any(|l| l == "WATCHDOG=1"))
            .map(|(t, _)| t)
            .collect()
    }
}

/// The kiosk as systemd would start it: its own process group, notify
/// socket, a 10 s watchdog, stderr kept in a file.
pub(super) struct Kiosk {
    pub(super) guard: Guard,
    stderr: PathBuf,
    pub(super) data: PathBuf,
}

pub(super) fn start(display: Option<&str>, notify: &Notify, data: &Path, extra: &[&str]) -> Kiosk {
    std::fs::create_dir_all(data).unwrap();
    let stderr = data.join("stderr.log");
    let mut cmd = Command::new(BIN);
    cmd.args([
        "--demo",
        "--kiosk",
        "--photo-wall",
        "off",
        "--at",
        T,
        "--data-dir",
    ])
    .arg(data)
    .args(extra)
    .env_remove("DISPLAY")
    .env_remove("WAYLAND_DISPLAY")
    .env("NOTIFY_SOCKET", &notify.path)
    .env("WATCHDOG_USEC", "10000000")
    .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
    .env("XDG_CONFIG_HOME", "/nonexistent-config-for-tests")
    .stdout(Stdio::null())
    .stderr(std::fs::File::create(&stderr).unwrap())
    .process_group(0);
    if let Some(d) = display {
        cmd.env("DISPLAY", d);
    }
    Kiosk {
        guard: Guard(cmd.spawn().unwrap()),
        stderr,
        data: data.to_path_buf(),
    }
}

impl Kiosk {
    pub(super) fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub(super) fn signal(&self, pid: u32, signal: &str) {
        let ok = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap();
        assert!(ok.success(), "kill {signal} {pid}");
    }

    pub(super) fn web_process(&self) -> u32 {
        let mut found = Vec::new();
        wait_until(
            Duration::from_secs(30),
            || {
                found = web_processes(self.guard.0.id());
                found.len() == 1
            },
            "one web process",
        );
        found[0]
    }

    /// SIGTERM, as `systemctl stop` sends; the exit status.
    pub(super) fn stop(&mut self) -> std::process::ExitStatus {
        self.signal(self.guard.0.id(), "-TERM");
        let since = Instant::now();
        loop {
            if let Some(status) = self.guard.0.try_wait().unwrap() {
                return status;
            }
            assert!(
                since.elapsed() < Duration::from_secs(20),
                "the kiosk did not stop: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
