//! The end-to-end launch fixture: a virtual screen with tauri-driver on it
//! ([`E2e`]), a kiosk started there with its own data folder, config and
//! arguments ([`Launch`]), and the handle a test drives ([`Kiosk`]): the
//! WebDriver session (which it derefs to), the data folder and its log,
//! the panel's unlock, screenshots at the screen's size.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use super::{kiosk_on, photo_worker, Driver, Group, Screen, BIN};
use crate::e2e::{first_render, panel_config, save_screenshot, unlock_panel, wait_js, PANEL_PIN};

/// A virtual screen (with a window manager) and a tauri-driver on it.
pub struct E2e {
    pub screen: Screen,
    pub driver: Driver,
}

impl E2e {
    pub fn start(width: u32, height: u32) -> E2e {
        let screen = Screen::start(width, height);
        let driver = Driver::start(&screen);
        E2e { screen, driver }
    }

    /// A kiosk to launch on this screen through this driver.
    pub fn kiosk(&self) -> Launch<'_> {
        Launch::on(&self.screen).via(&self.driver)
    }

    /// Another tauri-driver on this screen: for a second kiosk at the same
    /// time, or one the test stops on its own (by dropping its driver).
    pub fn driver(&self) -> Driver {
        Driver::start(&self.screen)
    }
}

/// Where a kiosk keeps its data: a folder of its own, removed with it, or
/// one the test holds (to start a kiosk again on the same store).
enum Data {
    Own(tempfile::TempDir),
    At(PathBuf),
}

impl Data {
    fn path(&self) -> &Path {
        match self {
            Data::Own(dir) => dir.path(),
            Data::At(dir) => dir,
        }
    }
}

/// How a kiosk is to be started: its arguments, and the data folder and
/// config file the fixture adds (`--data-dir`, `--config`).
#[derive(Clone)]
pub struct Launch<'a> {
    screen: &'a Screen,
    driver: Option<&'a Driver>,
    bin: String,
    args: Vec<String>,
    pin: bool,
    config: Option<String>,
    data: Option<PathBuf>,
}

impl<'a> Launch<'a> {
    /// A kiosk on `screen`, started through no driver: [`Launch::spawn`]
    /// only, unless [`Launch::via`] names one.
    pub fn on(screen: &'a Screen) -> Launch<'a> {
        Launch {
            screen,
            driver: None,
            bin: BIN.to_string(),
            args: Vec::new(),
            pin: false,
            config: None,
            data: None,
        }
    }

    /// Launch through `driver` (one session per driver at a time).
    pub fn via(mut self, driver: &'a Driver) -> Self {
        self.driver = Some(driver);
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// With its control panel (`--control`), locked behind [`PANEL_PIN`]
    /// (hashed in the config as `set-pin` stores it).
    pub fn panel(mut self) -> Self {
        self.pin = true;
        self.args.push("--control".into());
        self
    }

    /// These lines in the kiosk's config file (after the PIN's, if any).
    pub fn config(mut self, toml: &str) -> Self {
        self.config = Some(toml.to_string());
        self
    }

    /// Keep the data (and the config) in `dir`, which the test holds.
    pub fn data_dir(mut self, dir: &Path) -> Self {
        self.data = Some(dir.to_path_buf());
        self
    }

    /// Another build of the app (to compare two builds).
    pub fn bin(mut self, bin: &str) -> Self {
        self.bin = bin.to_string();
        self
    }

    /// The data folder, the config written into it, and the whole command
    /// line.
    fn prepare(&self) -> (Data, Vec<String>) {
        let data = match &self.data {
            Some(dir) => Data::At(dir.clone()),
            None => Data::Own(tempfile::tempdir().unwrap()),
        };
        let mut args = self.args.clone();
        let extra = self.config.as_deref().unwrap_or("");
        let config = if self.pin {
            Some(panel_config(data.path(), extra))
        } else if self.config.is_some() {
            let config = data.path().join("config.toml");
            std::fs::write(&config, extra).unwrap();
            Some(config)
        } else {
            None
        };
        if let Some(config) = config {
            args.extend(["--config".into(), config.display().to_string()]);
        }
        args.extend(["--data-dir".into(), data.path().display().to_string()]);
        (data, args)
    }

    /// Launch the app through the driver and open a WebDriver session on
    /// its window.
    pub async fn launch(self) -> Kiosk<'a> {
        let driver = self.driver.expect("a kiosk launched through a driver");
        let (data, args) = self.prepare();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let launched = Instant::now();
        let c = driver.launch_bin(&self.bin, &args).await;
        Kiosk {
            c,
            screen: self.screen,
            data,
            launched,
        }
    }

    /// Start the binary itself (no WebDriver), in a process group of its
    /// own, as [`kiosk_on`] does.
    pub fn spawn(self) -> Spawned {
        photo_worker();
        let (data, args) = self.prepare();
        let mut cmd = kiosk_on(self.screen);
        cmd.args(&args);
        let group = super::spawn(&mut cmd);
        Spawned { group, data }
    }
}

/// A kiosk started through WebDriver; derefs to its session.
pub struct Kiosk<'a> {
    c: Client,
    screen: &'a Screen,
    data: Data,
    launched: Instant,
}

impl std::ops::Deref for Kiosk<'_> {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.c
    }
}

impl Kiosk<'_> {
    /// Its data folder.
    pub fn data(&self) -> &Path {
        self.data.path()
    }

    /// Everything it has logged so far.
    pub fn log(&self) -> String {
        kiosk_rig::kiosk_log(self.data())
    }

    /// Wait (up to 60 s) for the first rendered snapshot of the current
    /// window; the screen, and how long it took since the launch.
    pub async fn first_render(&self) -> (Value, Duration) {
        let (s, _) = first_render(&self.c, Instant::now()).await;
        (s, self.launched.elapsed())
    }

    /// Unlock its control panel with [`PANEL_PIN`] (the panel's window is
    /// current afterwards).
    pub async fn unlock(&self) {
        unlock_panel(&self.c, PANEL_PIN).await;
    }

    /// Wait until the panel lists the demo's main hall.
    pub async fn wait_rooms(&self) {
        wait_js(
            &self.c,
            "return !!document.querySelector('#rooms [data-room-id=\"main\"]')",
            Duration::from_secs(20),
            "the rooms are listed",
        )
        .await;
    }

    /// Save what the X screen shows as `name`, checking that the page fills
    /// the screen.
    pub async fn shot(&self, name: &str) {
        save_screenshot(&self.c, self.screen, name, self.screen.size()).await;
    }

    /// End the session (the kiosk with it).
    pub async fn close(self) {
        self.c.close().await.unwrap();
    }
}

/// A kiosk started from the binary; stopped (with its process group) when
/// dropped.
pub struct Spawned {
    pub group: Group,
    data: Data,
}

impl Spawned {
    pub fn data(&self) -> &Path {
        self.data.path()
    }

    pub fn log(&self) -> String {
        kiosk_rig::kiosk_log(self.data())
    }
}
