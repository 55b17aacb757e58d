//! The rig the app's end-to-end tests and `cargo xtask bench` both stand on:
//! a virtual screen with a window manager ([`Screen`]), tauri-driver on it
//! ([`TauriDriver`]), processes that stop with their whole group
//! ([`Group`]), waits on an observable condition ([`wait_until`]), the
//! memory of a process tree ([`process`]) and a kiosk's log ([`kiosk_log`]).
//!
//! Standard library only (and `thiserror`): xtask builds it before it has
//! installed anything, and nothing here may need cmake, nasm or WebKit.
//! Everything returns [`Result`]; tests turn an error into a panic with its
//! message, xtask prints it.

use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod process;
mod screen;
mod wait;

pub use process::Group;
pub use screen::{tauri_driver, Screen, TauriDriver};
pub use wait::{poll_until, wait_until};

/// What the rig could not do, each naming the tool, process or condition.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{tool} is not installed (Debian package {package}): `cargo xtask test` installs it")]
    Missing {
        tool: &'static str,
        package: &'static str,
    },
    #[error("cannot start {what}: {source}")]
    Start {
        what: String,
        source: std::io::Error,
    },
    #[error("{what} stopped ({status}) {when}")]
    Exited {
        what: String,
        status: std::process::ExitStatus,
        when: &'static str,
    },
    #[error("{what}: not after {} s", .after.as_secs_f64())]
    Timeout { what: String, after: Duration },
    #[error("{what}: {detail}")]
    Failed { what: String, detail: String },
}

pub type Result<T = ()> = std::result::Result<T, Error>;

/// The Debian packages of the tools a [`Screen`] needs (`Xvfb`,
/// `matchbox-window-manager`, `xprop`) and its [`Screen::capture`] uses
/// (`import`).
pub const SCREEN_PACKAGES: &[&str] = &[
    "xvfb",
    "matchbox-window-manager",
    "x11-utils",
    "imagemagick",
];
/// The Debian package of WebKit's WebDriver, which tauri-driver runs.
pub const DRIVER_PACKAGES: &[&str] = &["webkit2gtk-driver"];

/// An `XDG_CONFIG_HOME` that does not exist: a kiosk started by a test
/// never reads the machine's own config.
pub const NO_CONFIG_HOME: &str = "/nonexistent-config-for-tests";

/// The log line of a kiosk whose window painted its first snapshot
/// (`src-tauri/src/commands/mod.rs`), with `since_start_ms=`.
pub const FIRST_RENDER_LOG: &str = "first snapshot rendered by the window";
/// The log line of a kiosk that served its window the first snapshot.
pub const FIRST_SERVED_LOG: &str = "first snapshot served to the window";

/// `tool` on the `PATH`, if it is there.
pub fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(tool))
            .find(|f| f.is_file())
    })
}

/// `tool` on the `PATH`, or which package brings it.
pub fn need(tool: &'static str, package: &'static str) -> Result<PathBuf> {
    which(tool).ok_or(Error::Missing { tool, package })
}

/// Where `cargo install` puts `tool` (`$CARGO_HOME/bin`, else `~/.cargo/bin`).
pub fn cargo_bin(tool: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo")
        });
    home.join("bin").join(tool)
}

/// A port on 127.0.0.1 no one listens on (as the kernel picks one).
pub fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| Error::Failed {
            what: "a free port on 127.0.0.1".into(),
            detail: e.to_string(),
        })
}

/// A display number no X server holds now (neither socket nor lock file),
/// for a display that is to appear later ([`Screen::start_on`]); picked
/// from this process's id so that parallel test runs spread out.
pub fn free_display() -> Option<u32> {
    (300 + std::process::id() % 300..1000).find(|n| {
        !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
    })
}

/// Everything a kiosk with data folder `data` has logged (its log files,
/// oldest first, without colour codes), or nothing before it logs.
pub fn kiosk_log(data: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect()
}

/// Wait until the kiosk with data folder `data` has logged `line`; how
/// long it took.
pub fn wait_for_log(data: &Path, line: &str, limit: Duration) -> Result<Duration> {
    wait_until(limit, &format!("the kiosk's log to say {line:?}"), || {
        kiosk_log(data).contains(line)
    })
}
