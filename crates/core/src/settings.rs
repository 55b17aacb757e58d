//! What a kiosk runs with: the config file merged with the command line's
//! flags, flags winning. The shell parses flags (clap) and passes them here
//! as plain values, so the merge rules are tested without a process.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use crate::blanking::BlankingPolicy;
use crate::clock::{AcceleratedClock, Clock, SystemClock};
use crate::config::{Config, Theme, WallPolicy};
use crate::error::{Error, Result};
use crate::i18n::Language;
use crate::secret::{read_secret_file, Secret};
use crate::snapshot::Selection;
use crate::sync::SourceConfig;

/// The room the demo shows when no room or lobby is asked for.
pub const DEMO_ROOM: &str = "Main hall";

/// The command line's overrides; `None` (or empty, or `false`) means "as the
/// config says".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flags {
    /// The config file given with `--config` (for error messages).
    pub config_path: Option<PathBuf>,
    pub demo: bool,
    pub schedule: Option<String>,
    pub venue_timezone: Option<String>,
    pub sources: Vec<String>,
    pub poll_interval_secs: Option<u64>,
    pub offline_after_secs: Option<u64>,
    pub kiosk: bool,
    pub monitor: Option<String>,
    pub room: Option<String>,
    pub lobby: bool,
    pub theme: Option<Theme>,
    pub display_language: Option<Language>,
    /// `--at`, unparsed: a bad instant is reported by `resolve`.
    pub at: Option<String>,
    /// Clock seconds per real second; default 1.
    pub speed: Option<f64>,
    pub data_dir: Option<PathBuf>,
    pub log_level: Option<String>,
    pub log_keep_days: Option<usize>,
    pub photos: Option<PathBuf>,
    pub photo_interval_secs: Option<u64>,
    pub photo_wall: Option<WallPolicy>,
    pub control: bool,
    pub serve: Option<String>,
    /// From `SUMMIT_KIOSK_SERVE_TOKEN` (never a flag: `ps` would show it).
    pub serve_token: Option<Secret>,
    pub serve_token_file: Option<PathBuf>,
    pub sign_key: Option<PathBuf>,
    /// `--publish mqtt://…`: a leader also publishes on a broker.
    pub publish: Option<String>,
    /// `--screen-name`: this screen's name on the leader's Screens tab.
    pub screen_name: Option<String>,
    /// From `SUMMIT_KIOSK_MQTT_PASSWORD` (never a flag).
    pub mqtt_password: Option<Secret>,
    pub allow_blanking: bool,
    pub blank_outside_event_hours: bool,
}

/// Where the schedule shown at start comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum StartSchedule {
    /// The embedded demo, re-based to the start instant; kept in memory only.
    Demo,
    /// A file or URL imported (validated first) before any window opens.
    Import(String),
    /// Whatever the store holds.
    Store,
}

/// Every setting a kiosk runs with, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The file as loaded, for what has no flag (bundles, PIN, photo limits).
    pub config: Config,
    pub data_dir: PathBuf,
    pub log_level: String,
    pub log_keep_days: usize,
    /// `--at`: the clock starts there (else the real time).
    pub at: Option<Timestamp>,
    pub speed: f64,
    pub schedule: StartSchedule,
    pub venue_timezone: Option<String>,
    pub selection: Selection,
    pub sources: Vec<SourceConfig>,
    pub poll_interval: Duration,
    pub offline_after: Duration,
    pub kiosk: bool,
    pub monitor: Option<String>,
    pub theme: Theme,
    pub display_language: Language,
    /// The control panel's words (`panel_language`, else the display's).
    pub panel_language: Language,
    pub photos: Option<PathBuf>,
    pub photo_wall: WallPolicy,
    pub photo_interval: Duration,
    /// Open the control panel at start.
    pub control: bool,
    /// Serve the feed: the address and the bearer token.
    pub serve: Option<(String, Secret)>,
    /// Sign the served feed with this minisign secret key.
    pub sign_key: Option<PathBuf>,
    /// The organizer's public keys (`trusted_keys` and `[bundle] trusted_keys`).
    pub trusted_keys: Vec<String>,
    /// Publish the feed on this broker too (checked: a broker address).
    pub publish: Option<crate::fleet::mqtt::Target>,
    /// This screen's name on the Screens tab (default: the host name).
    pub screen_name: String,
    /// Heartbeats when nothing changes.
    pub heartbeat_interval: Duration,
    /// The broker's password from the environment (`mqtt_password_file`
    /// is read where the broker is reached).
    pub mqtt_password: Option<Secret>,
    pub blanking: BlankingPolicy,
}

/// The feed's bearer token: `--serve-token-file`, else the environment's
/// `SUMMIT_KIOSK_SERVE_TOKEN`, else `serve_token_file`, else `serve_token`.
/// A token file must be private (mode 0600).
pub fn serve_token(
    file_flag: Option<PathBuf>,
    from_env: Option<Secret>,
    config: &Config,
) -> Result<Option<Secret>> {
    if let Some(file) = file_flag {
        return read_secret_file(&file, "the feed token file").map(Some);
    }
    if let Some(token) = from_env.filter(|t| !t.expose().is_empty()) {
        return Ok(Some(token));
    }
    if let Some(file) = &config.serve_token_file {
        return read_secret_file(file, "serve_token_file").map(Some);
    }
    Ok(config.serve_token.as_deref().map(Secret::new))
}

impl Settings {
    /// Merge `config` and `flags`; flags win. Fails, naming the flag or key,
    /// on a bad `--at`, a speed that is not a positive number, or a feed
    /// address without a token.
    pub fn resolve(config: Config, flags: Flags) -> Result<Settings> {
        let at = flags.at.as_deref().map(crate::parse_instant).transpose()?;
        let publish = flags
            .publish
            .or(config.fleet.publish.clone())
            .map(|text| {
                crate::fleet::mqtt::Target::parse(&text).map_err(|message| Error::Config {
                    path: flags
                        .config_path
                        .clone()
                        .unwrap_or_else(|| "--publish".into()),
                    message: format!("publish: {message}"),
                })
            })
            .transpose()?;
        let screen_name = flags
            .screen_name
            .or(config.fleet.screen_name.clone())
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(crate::fleet::probe::host_name);
        if let Err(e) = crate::fleet::heartbeat::check_screen_name(&screen_name) {
            return Err(Error::Config {
                path: flags
                    .config_path
                    .clone()
                    .unwrap_or_else(|| "--screen-name".into()),
                message: e.to_string(),
            });
        }
        let heartbeat_interval = Duration::from_secs(config.fleet.interval_secs.clamp(
            crate::fleet::MIN_INTERVAL_SECS as u64,
            crate::fleet::MAX_INTERVAL_SECS as u64,
        ));
        let speed = flags.speed.unwrap_or(1.0);
        if !(speed.is_finite() && speed > 0.0) {
            return Err(Error::Time(format!(
                "--speed {speed} must be a positive number"
            )));
        }
        let schedule = match (flags.demo, flags.schedule.or(config.schedule.clone())) {
            (true, _) => StartSchedule::Demo,
            (false, Some(source)) => StartSchedule::Import(source),
            (false, None) => StartSchedule::Store,
        };
        let selection = match (
            flags.lobby || config.lobby,
            flags.room.or(config.room.clone()),
        ) {
            (false, Some(room)) => Selection::Room { room },
            (false, None) if flags.demo => Selection::Room {
                room: DEMO_ROOM.into(),
            },
            _ => Selection::Lobby,
        };
        let serve = match flags.serve.or(config.serve_listen.clone()) {
            Some(addr) => match serve_token(flags.serve_token_file, flags.serve_token, &config)? {
                Some(token) => Some((addr, token)),
                None => {
                    return Err(Error::Config {
                        path: flags.config_path.unwrap_or_else(|| "config".into()),
                        message: format!(
                            "serving the feed on {addr} needs a token: set serve_token_file \
                             (a private file), SUMMIT_KIOSK_SERVE_TOKEN or --serve-token-file"
                        ),
                    })
                }
            },
            None => None,
        };
        let sources = if flags.sources.is_empty() {
            config.sources.clone()
        } else {
            flags
                .sources
                .iter()
                .map(|s| SourceConfig::from(s.as_str()))
                .collect()
        };
        // Allowing blanking wins: it is the venue saying "leave my screens be".
        let blanking = if flags.allow_blanking || config.allow_blanking {
            BlankingPolicy::Allow
        } else if flags.blank_outside_event_hours || config.blank_outside_event_hours {
            BlankingPolicy::OutsideEventHours {
                margin: Duration::from_secs(config.event_hours_margin_minutes.saturating_mul(60)),
            }
        } else {
            BlankingPolicy::Inhibit
        };
        Ok(Settings {
            blanking,
            data_dir: flags.data_dir.unwrap_or_else(|| config.data_dir()),
            log_level: flags.log_level.unwrap_or_else(|| config.log_level.clone()),
            log_keep_days: flags.log_keep_days.unwrap_or(config.log_keep_days),
            at,
            speed,
            schedule,
            venue_timezone: flags.venue_timezone.or(config.venue_timezone.clone()),
            selection,
            sources,
            // A zero interval would spin: at least a second.
            poll_interval: Duration::from_secs(
                flags
                    .poll_interval_secs
                    .unwrap_or(config.poll_interval_secs)
                    .max(1),
            ),
            offline_after: Duration::from_secs(
                flags
                    .offline_after_secs
                    .unwrap_or(config.offline_after_secs),
            ),
            kiosk: flags.kiosk || config.kiosk,
            monitor: flags.monitor.or(config.monitor.clone()),
            theme: flags.theme.unwrap_or(config.theme),
            display_language: flags.display_language.unwrap_or(config.display_language),
            panel_language: config
                .panel_language
                .or(flags.display_language)
                .unwrap_or(config.display_language),
            photos: flags.photos.or(config.photos.clone()),
            photo_wall: flags.photo_wall.unwrap_or(config.photo_wall),
            photo_interval: Duration::from_secs(
                flags
                    .photo_interval_secs
                    .unwrap_or(config.photo_interval_secs)
                    .clamp(1, 3600),
            ),
            control: flags.control,
            serve,
            sign_key: flags.sign_key.or(config.sign_key.clone()),
            trusted_keys: config.all_trusted_keys(),
            publish,
            screen_name,
            heartbeat_interval,
            mqtt_password: flags.mqtt_password,
            config,
        })
    }

    /// The instant the clock starts at, and the clock: the real one unless
    /// `--at` or `--speed` asked for another.
    pub fn clock(&self) -> (Timestamp, Arc<dyn Clock>) {
        let start = self.at.unwrap_or_else(Timestamp::now);
        let clock: Arc<dyn Clock> = if self.at.is_none() && self.speed == 1.0 {
            Arc::new(SystemClock)
        } else {
            Arc::new(AcceleratedClock::new(start, self.speed))
        };
        (start, clock)
    }

    /// The demo: its store lives in memory (it never overwrites a venue's)
    /// and its photos come with it.
    pub fn is_demo(&self) -> bool {
        self.schedule == StartSchedule::Demo
    }
}
