//! A virtual X screen with a window manager, and tauri-driver on it.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::{need, wait_until, Error, Group, Result, NO_CONFIG_HOME};

/// How long the window manager and tauri-driver get to come up (they take
/// well under a second; a machine busy building takes longer).
const COME_UP: Duration = Duration::from_secs(20);
/// Tries at a screen before giving up.
const ATTEMPTS: u32 = 3;

/// A virtual screen (Xvfb) on a display number no one holds, with a window
/// manager that owns it (fullscreen requests need one); stopped when
/// dropped, the window manager first.
#[derive(Debug)]
pub struct Screen {
    display: String,
    size: (u32, u32),
    _wm: Group,
    _xvfb: Group,
}

impl Screen {
    /// On a display number no one holds, which Xvfb picks itself.
    pub fn start(width: u32, height: u32) -> Result<Screen> {
        Screen::launch(None, width, height)
    }

    /// On display `:number`, chosen by the caller (a display that appears
    /// while a kiosk waits for it); not tried again if it is taken.
    pub fn start_on(number: u32, width: u32, height: u32) -> Result<Screen> {
        Screen::launch(Some(number), width, height)
    }

    fn launch(number: Option<u32>, width: u32, height: u32) -> Result<Screen> {
        let xvfb = need("Xvfb", "xvfb")?;
        let wm = need("matchbox-window-manager", "matchbox-window-manager")?;
        need("xprop", "x11-utils")?;
        // Other users of the machine start and kill X servers too (stale
        // lock files, a display taken between Xvfb's check and its bind):
        // a screen whose window manager cannot take it is tried again anew.
        let attempts = if number.is_some() { 1 } else { ATTEMPTS };
        let mut attempt = 1;
        loop {
            match Screen::try_start(&xvfb, &wm, number, width, height) {
                Err(e @ (Error::Exited { .. } | Error::Failed { .. })) if attempt < attempts => {
                    eprintln!("kiosk-rig: a virtual screen, attempt {attempt}: {e}; trying again");
                    attempt += 1;
                }
                done => return done,
            }
        }
    }

    fn try_start(
        xvfb_bin: &Path,
        wm_bin: &Path,
        number: Option<u32>,
        width: u32,
        height: u32,
    ) -> Result<Screen> {
        // Unless told which, Xvfb picks a display no one holds (lock files
        // and sockets alike) and writes its number once it accepts
        // connections.
        let place = match number {
            Some(n) => vec![format!(":{n}")],
            None => vec!["-displayfd".to_string(), "1".to_string()],
        };
        let mut xvfb = Group::spawn(
            Command::new(xvfb_bin)
                .args(&place)
                .args(["-screen", "0"])
                .arg(format!("{width}x{height}x24"))
                .args(["-nolisten", "tcp"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )?;
        let number = match number {
            Some(n) => {
                let socket = format!("/tmp/.X11-unix/X{n}");
                wait_until(COME_UP, &format!("Xvfb to open {socket}"), || {
                    Path::new(&socket).exists()
                })?;
                n
            }
            None => {
                let mut line = String::new();
                let stdout = xvfb.child().stdout.take().expect("Xvfb's stdout is piped");
                let _ = std::io::BufReader::new(stdout).read_line(&mut line);
                line.trim().parse().map_err(|_| Error::Failed {
                    what: "Xvfb".into(),
                    detail: format!("it named no display ({line:?}; exit: {:?})", xvfb.exited()),
                })?
            }
        };
        let display = format!(":{number}");
        let mut wm = Group::spawn(
            Command::new(wm_bin)
                .args(["-use_titlebar", "no"])
                .env("DISPLAY", &display)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        // A window opened before the manager owns the screen is never
        // managed (no fullscreen): wait until it announces itself on the
        // root window.
        let mut gone = None;
        wait_until(
            COME_UP,
            &format!("the window manager to take {display}"),
            || {
                gone = wm.exited();
                gone.is_some() || wm_owns(&display)
            },
        )?;
        if let Some(status) = gone {
            return Err(Error::Exited {
                what: format!("matchbox-window-manager on {display}"),
                status,
                when: "before it took the screen",
            });
        }
        Ok(Screen {
            display,
            size: (width, height),
            _wm: wm,
            _xvfb: xvfb,
        })
    }

    /// The X display, `:N`.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        self.size
    }

    /// `program` with this screen as its display.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("DISPLAY", &self.display);
        cmd
    }

    /// Save what the screen shows, as a person would see it, as a PNG.
    pub fn capture(&self, png: &Path) -> Result {
        let import = need("import", "imagemagick")?;
        let status = Command::new(import)
            .args(["-display", &self.display, "-window", "root"])
            .arg(format!("png:{}", png.display()))
            .status()
            .map_err(|source| Error::Start {
                what: "import".into(),
                source,
            })?;
        if !status.success() {
            return Err(Error::Exited {
                what: format!("import of {}", self.display),
                status,
                when: "without a screenshot",
            });
        }
        Ok(())
    }

    /// Whether a top-level window named `title` is on the screen.
    pub fn has_window(&self, title: &str) -> Result<bool> {
        let xwininfo = need("xwininfo", "x11-utils")?;
        let out = Command::new(xwininfo)
            .args(["-root", "-tree", "-display", &self.display])
            .output()
            .map_err(|source| Error::Start {
                what: "xwininfo".into(),
                source,
            })?;
        Ok(String::from_utf8_lossy(&out.stdout).contains(&format!("\"{title}\"")))
    }
}

fn wm_owns(display: &str) -> bool {
    Command::new("xprop")
        .args(["-display", display, "-root", "_NET_SUPPORTING_WM_CHECK"])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("window id"))
}

/// tauri-driver on a free port of 127.0.0.1, with its WebKitWebDriver, on
/// a screen: what a WebDriver client opens sessions with. The apps it
/// launches read no config of the machine's ([`NO_CONFIG_HOME`]).
#[derive(Debug)]
pub struct TauriDriver {
    url: String,
    _process: Group,
}

impl TauriDriver {
    pub fn start(screen: &Screen) -> Result<TauriDriver> {
        need("WebKitWebDriver", "webkit2gtk-driver")?;
        let program = tauri_driver().ok_or(Error::Missing {
            tool: "tauri-driver",
            package: "cargo install tauri-driver",
        })?;
        let port = crate::free_port()?;
        let native = crate::free_port()?;
        let mut process = Group::spawn(
            screen
                .command(&program)
                .args(["--port", &port.to_string()])
                .args(["--native-port", &native.to_string()])
                .env("XDG_CONFIG_HOME", NO_CONFIG_HOME)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let mut gone = None;
        wait_until(COME_UP, "tauri-driver to listen", || {
            gone = process.exited();
            gone.is_some() || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        })?;
        if let Some(status) = gone {
            return Err(Error::Exited {
                what: program.display().to_string(),
                status,
                when: "before it listened",
            });
        }
        // tauri-driver proxies to WebKitWebDriver, which it starts itself: a
        // session asked for before that one listens fails with a cut-off
        // answer (seen under load as `IncompleteMessage`).
        wait_until(COME_UP, "WebKitWebDriver to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", native)).is_ok()
        })?;
        Ok(TauriDriver {
            url: format!("http://127.0.0.1:{port}"),
            _process: process,
        })
    }

    /// Where WebDriver clients connect.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// tauri-driver: `TAURI_DRIVER` if set, else on the `PATH`, else where
/// `cargo install` put it.
pub fn tauri_driver() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return Some(PathBuf::from(path));
    }
    crate::which("tauri-driver")
        .or_else(|| Some(crate::cargo_bin("tauri-driver")).filter(|p| p.is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Needs Xvfb, matchbox and x11-utils, which `cargo xtask test` installs.
    #[test]
    fn a_screen_is_managed_and_goes_away_when_dropped() {
        let screen = Screen::start(640, 480).unwrap();
        assert!(screen.display().starts_with(':'));
        assert_eq!(screen.size(), (640, 480));
        assert!(wm_owns(screen.display()));
        let out = screen
            .command("xdpyinfo")
            .stderr(Stdio::null())
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("640x480 pixels"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let display = screen.display().to_string();
        drop(screen);
        wait_until(Duration::from_secs(10), "the display gone", || {
            !Command::new("xprop")
                .args(["-display", &display, "-root"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .unwrap();
    }

    #[test]
    fn two_screens_take_two_displays() {
        let (a, b) = (
            Screen::start(320, 240).unwrap(),
            Screen::start(320, 240).unwrap(),
        );
        assert_ne!(a.display(), b.display());
    }
}
