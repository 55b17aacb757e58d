//! The one TOML config file (`config.example.toml` documents every option with
//! its default). Every option is also a command-line flag; flags win.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::edits::Pictogram;
use crate::error::{Error, Result};
use crate::model::{Room, SessionKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

impl Theme {
    /// The page's background (`--bg` in `ui/display.css`, checked by a
    /// test), also painted by the window and the web view before the page
    /// does, so a load or a crash never flashes another colour.
    pub fn background_rgb(self) -> (u8, u8, u8) {
        match self {
            Theme::Dark => (0x0a, 0x11, 0x20),
            Theme::Light => (0xf6, 0xf7, 0xf9),
        }
    }
}

/// When the photo wall shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum WallPolicy {
    /// Full screen in breaks, working sessions and after the day; a side
    /// panel during and between talks.
    #[default]
    Auto,
    /// Full screen in breaks, working sessions and after the day; nothing
    /// during talks.
    Breaks,
    Off,
}

/// USB bundles (the `[bundle]` table): which are accepted, and where sticks
/// are looked for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BundleConfig {
    /// `signed`, `same-conference` (default) or `any`.
    pub policy: crate::bundle::PolicyMode,
    /// Refuse a bundle not newer than the last applied for its conference.
    pub require_newer: bool,
    /// Minisign public keys trusted to sign bundles.
    pub trusted_keys: Vec<String>,
    /// Folders under which removable media are mounted.
    pub mount_roots: Vec<PathBuf>,
    /// Look for sticks at all.
    pub enabled: bool,
}

impl Default for BundleConfig {
    fn default() -> Self {
        BundleConfig {
            policy: crate::bundle::PolicyMode::SameConference,
            require_newer: true,
            trusted_keys: Vec::new(),
            mount_roots: crate::bundle::default_mount_roots(),
            enabled: true,
        }
    }
}

impl BundleConfig {
    pub fn policy(&self) -> crate::bundle::Policy {
        crate::bundle::Policy {
            mode: self.policy,
            require_newer: self.require_newer,
        }
    }
}

/// What the QR code beside a session links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QrLink {
    Off,
    /// The talk's page in the programme.
    Page,
    Slides,
    /// The live stream.
    Stream,
}

/// The `[qr]` table: what the QR code links to, by default, per session
/// kind, and per room (a room's choice beats its kind's).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QrConfig {
    pub show: QrLink,
    /// Session kind (`talk`, `break`, `working_session`, `social`) to choice.
    pub kinds: BTreeMap<String, QrLink>,
    /// Room name (or id) to choice.
    pub rooms: BTreeMap<String, QrLink>,
}

impl Default for QrConfig {
    fn default() -> Self {
        QrConfig {
            show: QrLink::Slides,
            kinds: BTreeMap::from([
                ("break".to_string(), QrLink::Off),
                ("social".to_string(), QrLink::Off),
            ]),
            rooms: BTreeMap::new(),
        }
    }
}

/// The fleet (the `[fleet]` table): how this screen reports, and where a
/// leader publishes on a broker.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FleetConfig {
    /// This screen's name on the leader's Screens tab. Default: the host name.
    pub screen_name: Option<String>,
    /// Seconds between heartbeats when nothing changes (a change of what
    /// the screen shows is reported at once).
    pub interval_secs: u64,
    /// Send a small picture of the screen (at most 320 px wide, once a minute).
    pub thumbnails: bool,
    /// A leader also publishes its feed on this broker:
    /// `mqtt://HOST:PORT/CONFERENCE` (or `mqtts://`, with `user@` if the
    /// broker wants a login).
    pub publish: Option<String>,
    /// A private file (mode 0600) with the broker's password (or set
    /// `SUMMIT_KIOSK_MQTT_PASSWORD`); never in the address.
    pub mqtt_password_file: Option<PathBuf>,
    /// A PEM file of CA certificates for an `mqtts://` broker with its own CA.
    pub mqtt_ca_file: Option<PathBuf>,
}

impl Default for FleetConfig {
    fn default() -> Self {
        FleetConfig {
            screen_name: None,
            interval_secs: crate::fleet::DEFAULT_INTERVAL.as_secs(),
            thumbnails: true,
            publish: None,
            mqtt_password_file: None,
            mqtt_ca_file: None,
        }
    }
}

impl QrConfig {
    /// The choice for a session of `kind` in `room`.
    pub fn choice(&self, room: &Room, kind: SessionKind) -> QrLink {
        self.rooms
            .get(&room.name)
            .or_else(|| self.rooms.get(&room.id))
            .or_else(|| self.kinds.get(kind.as_str()))
            .copied()
            .unwrap_or(self.show)
    }

    /// A kind that is not a session kind is a mistake in the config.
    fn check(&self, path: &Path) -> Result<()> {
        match self.kinds.keys().find(|k| SessionKind::parse(k).is_none()) {
            None => Ok(()),
            Some(k) => Err(Error::Config {
                path: path.to_path_buf(),
                message: format!(
                    "[qr.kinds]: {k:?} is not a session kind; the kinds are talk, break, working_session, social"
                ),
            }),
        }
    }
}

/// An emergency message prepared before the event (`[[emergency_templates]]`):
/// the organizer picks one, adjusts it and confirms.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyTemplate {
    pub name: String,
    pub headline: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub pictogram: Option<Pictogram>,
    /// Minutes until it goes off by itself; none: until cleared.
    #[serde(default)]
    pub expires_minutes: Option<u32>,
}

/// The templates a kiosk has when its config names none.
pub fn default_emergency_templates() -> Vec<EmergencyTemplate> {
    let template = |name: &str, headline: &str, text: &str, pictogram| EmergencyTemplate {
        name: name.into(),
        headline: headline.into(),
        text: text.into(),
        pictogram: Some(pictogram),
        expires_minutes: None,
    };
    vec![
        template(
            "Evacuation",
            "Please leave the building now",
            "Walk to the nearest exit. Do not use the lifts. Meet outside at the assembly point.",
            Pictogram::Evacuate,
        ),
        template(
            "Severe weather",
            "Severe weather: stay inside",
            "Stay in the building and away from windows until this message is cleared.",
            Pictogram::Weather,
        ),
        template(
            "Medical",
            "A medical emergency: keep the way clear",
            "Make room for the first aiders. If you are a doctor or nurse, please come to the front.",
            Pictogram::Medical,
        ),
    ]
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// A schedule to import at start: a file (any supported format) or an
    /// http(s) URL.
    pub schedule: Option<String>,
    /// Sources kept in sync while the kiosk runs, highest priority first: files
    /// (watched) or http(s) URLs (polled).
    /// Each a path or URL, or `{ url = "…", token_file = "…" }` (a `?token=`
    /// in a URL is sent as a bearer token and never shown).
    pub sources: Vec<crate::sync::SourceConfig>,
    /// Seconds between checks of each source (URLs are polled; files are
    /// also watched and re-read within a second of a change).
    pub poll_interval_secs: u64,
    /// Seconds a source may fail before the screen shows the discreet
    /// "offline since" badge.
    pub offline_after_secs: u64,
    /// The venue's IANA time zone, for formats whose times carry none
    /// (Sessionize, CSV, floating iCalendar times).
    pub venue_timezone: Option<String>,
    /// The room this screen shows, by name (or id). Unset: the lobby screen.
    pub room: Option<String>,
    /// Show every room's now/next (the lobby screen), even if `room` is set.
    pub lobby: bool,
    /// Fullscreen, undecorated, cursor hidden.
    pub kiosk: bool,
    /// The monitor to use in kiosk mode: an index (`0`, `1`) or a name (`HDMI-1`).
    pub monitor: Option<String>,
    pub theme: Theme,
    /// The screens' language (`en`, `en-US`, `de`, `fr`, `es`).
    pub display_language: crate::i18n::Language,
    /// The control panel's language (same values); unset: `display_language`.
    /// French and Spanish panels speak English for now.
    pub panel_language: Option<crate::i18n::Language>,
    /// Where the store, caches and logs live. Default: the XDG data dir.
    pub data_dir: Option<PathBuf>,
    /// `error`, `warn`, `info`, `debug` or `trace` (or a tracing filter).
    pub log_level: String,
    /// Days of log files kept.
    pub log_keep_days: usize,
    /// A folder of event photos for the wall (watched; sub-folders too).
    pub photos: Option<PathBuf>,
    /// Seconds each photo stays on the wall.
    pub photo_interval_secs: u64,
    pub photo_wall: WallPolicy,
    /// Show a credit line (EXIF Artist, else the file name).
    pub photo_credit: bool,
    /// New photos wait for the organizer's approval before they show.
    pub photo_approve: bool,
    /// Rendition sizes (long edge, pixels): one per screen size in use.
    pub photo_long_edges: Vec<u32>,
    /// The photo worker's address-space limit, MiB.
    pub photo_worker_memory_mb: u64,
    /// The photo worker's time limit for one photo, milliseconds.
    pub photo_worker_timeout_ms: u64,
    pub bundle: BundleConfig,
    /// The control panel's PIN or passphrase, hashed (argon2id, PHC string);
    /// set it with `summit-kiosk set-pin`. Unset: the panel cannot unlock.
    pub control_pin_hash: Option<String>,
    /// Seconds without activity after which the control panel locks.
    pub control_idle_lock_secs: u64,
    /// Publish this kiosk's schedule, local changes and announcements as a
    /// feed other kiosks follow (`ADDR:PORT`, e.g. `0.0.0.0:8787`).
    pub serve_listen: Option<String>,
    /// The bearer token followers present (`Authorization: Bearer …` or
    /// `?token=…` in their source URL). Required with `serve_listen`, here,
    /// in `serve_token_file` or in `SUMMIT_KIOSK_SERVE_TOKEN`.
    pub serve_token: Option<String>,
    /// What the QR code beside a talk links to (`[qr]`).
    pub qr: QrConfig,
    /// Emergency messages prepared for the control panel.
    pub emergency_templates: Vec<EmergencyTemplate>,
    /// Let the screensaver and the display's power saving run as the system
    /// has them (by default they are off while the kiosk shows).
    pub allow_blanking: bool,
    /// Switch the screen off outside each conference day's hours (from
    /// `event_hours_margin_minutes` after its last session until as long
    /// before its first).
    pub blank_outside_event_hours: bool,
    pub event_hours_margin_minutes: u64,
    /// A private file (mode 0600) holding the bearer token.
    pub serve_token_file: Option<PathBuf>,
    /// The organizer's minisign secret key (`bundle keygen`): the feed this
    /// kiosk serves is signed with it.
    pub sign_key: Option<PathBuf>,
    /// The organizer's minisign public keys: followed feeds must be signed
    /// by one, and so must USB bundles. `[bundle] trusted_keys` count too.
    pub trusted_keys: Vec<String>,
    /// How the display's web engine renders (`[webview]`).
    pub webview: crate::webview::WebviewConfig,
    /// Heartbeats and the broker (`[fleet]`).
    pub fleet: FleetConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            schedule: None,
            venue_timezone: None,
            sources: Vec::new(),
            poll_interval_secs: 60,
            offline_after_secs: 300,
            room: None,
            lobby: false,
            kiosk: false,
            monitor: None,
            theme: Theme::Dark,
            display_language: crate::i18n::Language::En,
            panel_language: None,
            data_dir: None,
            log_level: "info".into(),
            log_keep_days: 14,
            photos: None,
            photo_interval_secs: 8,
            photo_wall: WallPolicy::Auto,
            photo_credit: true,
            photo_approve: false,
            photo_long_edges: crate::photos::DEFAULT_LONG_EDGES.to_vec(),
            photo_worker_memory_mb: 1024,
            photo_worker_timeout_ms: 30_000,
            bundle: BundleConfig::default(),
            control_pin_hash: None,
            control_idle_lock_secs: 300,
            serve_listen: None,
            serve_token: None,
            qr: QrConfig::default(),
            emergency_templates: default_emergency_templates(),
            allow_blanking: false,
            blank_outside_event_hours: false,
            event_hours_margin_minutes: 30,
            serve_token_file: None,
            sign_key: None,
            trusted_keys: Vec::new(),
            webview: Default::default(),
            fleet: FleetConfig::default(),
        }
    }
}

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("org", "Summit Kiosk", "summit-kiosk")
}

/// `$XDG_CONFIG_HOME/summit-kiosk/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    dirs().map(|d| d.config_dir().join("config.toml"))
}

/// `$XDG_DATA_HOME/summit-kiosk`.
pub fn default_data_dir() -> PathBuf {
    dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".summit-kiosk"))
}

impl Config {
    /// Load `explicit` (which must exist), else the default path if it exists,
    /// else the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match default_config_path() {
                Some(p) if p.exists() => p,
                _ => return Ok(Config::default()),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Config {
            path: path.clone(),
            message: format!("cannot read: {e}"),
        })?;
        Config::parse(&path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: e.to_string().trim().to_string(),
        })?;
        config.qr.check(path)?;
        Ok(config)
    }

    /// Every trusted key: the top-level list and the `[bundle]` one.
    pub fn all_trusted_keys(&self) -> Vec<String> {
        let mut keys = self.trusted_keys.clone();
        for key in &self.bundle.trusted_keys {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        keys
    }

    /// Which USB bundles are taken: with any trusted key configured, only
    /// bundles signed by one, whatever `[bundle] policy` says.
    pub fn bundle_policy(&self) -> crate::bundle::Policy {
        let mut policy = self.bundle.policy();
        if !self.all_trusted_keys().is_empty() {
            policy.mode = crate::bundle::PolicyMode::Signed;
        }
        policy
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_to_the_defaults() {
        let text = include_str!("../../../config.example.toml");
        let parsed = Config::parse(Path::new("config.example.toml"), text).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn a_typo_is_an_error_naming_the_key() {
        let err = Config::parse(Path::new("c.toml"), "rom = \"Main hall\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("c.toml") && text.contains("rom"), "{text}");
    }
}
