//! The command line's grammar (clap). What the flags mean is decided in
//! kiosk-core (`Settings::resolve`); this file only names and parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use kiosk_core::config::{Theme, WallPolicy};
use kiosk_core::i18n::Language;
use kiosk_core::settings::Flags;

#[derive(Parser, Debug)]
#[command(
    name = "summit-kiosk",
    version,
    about = "Shows what's on now and next, per room, on a conference venue's screens.",
    after_help = "Without a command it opens the display window. Try: summit-kiosk --demo"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub gui: GuiArgs,
}

#[derive(Args, Debug)]
pub struct GuiArgs {
    /// The config file (default: $XDG_CONFIG_HOME/summit-kiosk/config.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Show the embedded Dask Summit demo, re-based so the clock starts a few
    /// minutes into its first morning's second talk.
    #[arg(long, conflicts_with = "schedule")]
    pub demo: bool,
    /// Import this schedule at start: a file in any supported format, or an http(s) URL.
    #[arg(long, value_name = "FILE|URL")]
    pub schedule: Option<String>,
    /// The venue's IANA time zone, for formats whose times carry none.
    #[arg(long, value_name = "ZONE")]
    pub venue_timezone: Option<String>,
    /// Keep in sync with this source while running (a file, watched, or an
    /// http(s) URL, polled); repeat for more, highest priority first.
    #[arg(long = "source", value_name = "FILE|URL")]
    pub sources: Vec<String>,
    /// Seconds between checks of each source.
    #[arg(long, value_name = "SECS")]
    pub poll_interval: Option<u64>,
    /// Seconds a source may fail before the offline badge shows.
    #[arg(long, value_name = "SECS")]
    pub offline_after: Option<u64>,
    /// Fullscreen, undecorated, cursor hidden.
    #[arg(long)]
    pub kiosk: bool,
    /// The monitor for kiosk mode: an index (0, 1, …) or a name.
    #[arg(long, value_name = "N|NAME")]
    pub monitor: Option<String>,
    /// Show this room's screen (by name or id).
    #[arg(long, value_name = "NAME", conflicts_with = "lobby")]
    pub room: Option<String>,
    /// Show the lobby screen: every room's now and next.
    #[arg(long)]
    pub lobby: bool,
    /// Colour theme.
    #[arg(long, value_enum)]
    pub theme: Option<Theme>,
    /// The screens' language and clock (en, de, fr, es: 14:30; en-US: 2:30 PM).
    #[arg(long, value_enum, value_name = "LANG")]
    pub display_language: Option<Language>,
    /// Start the clock at this instant (RFC 3339 with an offset or Z), or at
    /// now with an offset (now+30s: a clock 30 s ahead).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Run the clock N times faster than real time (rehearsals, tests).
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    pub speed: f64,
    /// Where the store, caches and logs live.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A tracing filter, e.g. info or debug.
    #[arg(long, value_name = "FILTER")]
    pub log_level: Option<String>,
    /// Days of daily log files kept.
    #[arg(long, value_name = "DAYS")]
    pub log_keep_days: Option<usize>,
    /// A folder of event photos for the wall (watched: drop a photo in).
    #[arg(long, value_name = "DIR")]
    pub photos: Option<PathBuf>,
    /// Seconds each photo stays on the wall.
    #[arg(long, value_name = "SECS")]
    pub photo_interval: Option<u64>,
    /// When the wall shows.
    #[arg(long, value_enum)]
    pub photo_wall: Option<WallPolicy>,
    /// Also open the organizer control panel (PIN-locked).
    #[arg(long)]
    pub control: bool,
    /// Publish this kiosk's schedule, local changes and announcements as a
    /// feed for other kiosks (`ADDR:PORT`); needs a token: --serve-token-file,
    /// serve_token_file, or the environment variable SUMMIT_KIOSK_SERVE_TOKEN.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<String>,
    /// A private file (mode 0600) holding the bearer token followers present.
    #[arg(long, value_name = "FILE")]
    pub serve_token_file: Option<PathBuf>,
    /// Sign the served feed with this minisign secret key (`bundle keygen`).
    #[arg(long, value_name = "KEYFILE")]
    pub sign_key: Option<PathBuf>,
    /// Also publish the feed on an MQTT broker, and take the screens'
    /// heartbeats there: mqtt://HOST:PORT/CONFERENCE (or mqtts://). The
    /// password: mqtt_password_file or SUMMIT_KIOSK_MQTT_PASSWORD.
    #[arg(long, value_name = "mqtt://HOST:PORT/CONF")]
    pub publish: Option<String>,
    /// This screen's name on the leader's Screens tab (default: the host name).
    #[arg(long, value_name = "NAME")]
    pub screen_name: Option<String>,
    /// Let the screensaver and power saving run (by default they are off
    /// while the kiosk shows).
    #[arg(long)]
    pub allow_blanking: bool,
    /// Switch the screen off outside each conference day's hours.
    #[arg(long)]
    pub blank_outside_event_hours: bool,
}

#[derive(Subcommand, Debug)]
// Parsed once per run: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Print what each room's screen shows at an instant.
    Now(NowArgs),
    /// Validate a schedule (file or URL), or a USB bundle (a folder: the
    /// stick or its summit-kiosk folder), and summarise it; exits non-zero
    /// on bad input.
    Check {
        #[arg(value_name = "FILE|URL|DIR")]
        file: String,
        #[arg(long, value_name = "ZONE")]
        venue_timezone: Option<String>,
        /// For a bundle: the config whose [bundle] policy and keys apply.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Import a schedule (file or URL) into the store (one transaction, a new revision).
    Import {
        #[arg(value_name = "FILE|URL")]
        file: String,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        #[arg(long, value_name = "ZONE")]
        venue_timezone: Option<String>,
    },
    /// Photo renditions: `photo render INPUT -o OUTPUT --long-edge N` runs the
    /// wall's ingest pipeline (worker process included) on one file.
    #[command(subcommand)]
    Photo(PhotoCommand),
    /// The photo library: `photos list`, `photos ingest`.
    #[command(subcommand)]
    Photos(PhotosCommand),
    /// USB bundles: `bundle make` writes one for a stick; `check DIR` tests one.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Open the organizer control panel: in the kiosk running on this data
    /// folder, or on its own over the store.
    Control(GuiArgs),
    /// Set the control panel's PIN or passphrase (stored hashed in the config).
    SetPin {
        /// The config file to write (default: the usual path).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Publish the schedule (with local changes) and announcements of this
    /// data folder's store as a feed: over HTTP (--listen) and/or as a file a
    /// static web server serves (--write).
    /// The token: --token-file, SUMMIT_KIOSK_SERVE_TOKEN, or the config's
    /// serve_token_file / serve_token.
    Serve(ServeArgs),
    /// A technician's self-check, one line per check: display and monitors,
    /// screen blanking, fonts, the store's integrity, the venue's zone and
    /// room, each source's sync state, the clock against the sources' Date
    /// headers, disk space, the photo cache, the systemd unit. Exits 1 if
    /// any check fails (warnings pass).
    Doctor {
        #[command(flatten)]
        place: Place,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Print the kiosk's log (from its data folder) since a while ago.
    Logs {
        /// How far back: a duration (1h, 30m, 2d) or an instant (RFC 3339).
        #[arg(long, value_name = "WHEN", default_value = "1h")]
        since: String,
        #[command(flatten)]
        place: Place,
    },
    /// Start this kiosk with the user's graphical session: write the config
    /// (kiosk mode, the room) and enable the systemd user unit.
    InstallAutostart {
        /// The room this screen shows.
        #[arg(
            long,
            value_name = "NAME",
            required_unless_present = "lobby",
            conflicts_with = "lobby"
        )]
        room: Option<String>,
        /// Show the lobby screen (every room) instead.
        #[arg(long)]
        lobby: bool,
        /// The monitor: an index (0, 1, …) or a name.
        #[arg(long, value_name = "N|NAME")]
        monitor: Option<String>,
        /// The config file to write (default: the usual path).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Write the config and unit, but do not run `systemctl --user enable`.
        #[arg(long)]
        no_enable: bool,
    },
    /// Write the man pages and shell completions into DIR (for packaging).
    #[command(hide = true)]
    GenerateAssets {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// A private file (mode 0600) holding the bearer token.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Sign the feed with this minisign secret key (`bundle keygen`).
    #[arg(long, value_name = "KEYFILE")]
    pub sign_key: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Publish on an MQTT broker too (retained), and take the screens'
    /// heartbeats there: mqtt://HOST:PORT/CONFERENCE (or mqtts://).
    #[arg(long, value_name = "mqtt://HOST:PORT/CONF")]
    pub publish: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum BundleCommand {
    /// Write a bundle into DIR/summit-kiosk: the schedule (validated first),
    /// the photos at the top of --photos, a manifest with sizes and SHA-256,
    /// and a minisign signature with --sign.
    Make {
        #[arg(long, value_name = "FILE")]
        schedule: PathBuf,
        #[arg(long, value_name = "DIR")]
        photos: Option<PathBuf>,
        /// A minisign secret key file (its password in SUMMIT_KIOSK_KEY_PASSWORD if it has one).
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
        /// The bundle's version (default: now, in seconds since 1970).
        #[arg(long, value_name = "N")]
        version: Option<u64>,
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        #[arg(long, value_name = "ZONE")]
        venue_timezone: Option<String>,
    },
    /// Make a minisign key pair for signing bundles: the secret key to
    /// KEYFILE; the public key (for kiosks' `trusted_keys`) is printed.
    Keygen {
        #[arg(value_name = "KEYFILE")]
        secret_key: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum PhotoCommand {
    /// Render one photo as the wall would, and write the rendition.
    Render(RenderArgs),
}

#[derive(Subcommand, Debug)]
pub enum PhotosCommand {
    /// List the photos on the wall and the files quarantined, with the reason.
    List {
        #[command(flatten)]
        place: Place,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Ingest the photo folder (or DIR) now, as a running kiosk would, and
    /// say what was added and what was quarantined.
    Ingest {
        #[arg(value_name = "DIR")]
        folder: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
}

/// Which kiosk a command looks at: its config and data folder.
#[derive(Args, Debug)]
pub struct Place {
    /// The config file (default: $XDG_CONFIG_HOME/summit-kiosk/config.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The data folder (default: the config's, else $XDG_DATA_HOME/summit-kiosk).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RenderArgs {
    /// The photo: JPEG, PNG or WebP.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Where to write the rendition (a JPEG).
    #[arg(short, long, value_name = "OUTPUT")]
    pub output: PathBuf,
    /// The rendition's long edge in pixels (never enlarged).
    #[arg(long, value_name = "N", default_value_t = 1920)]
    pub long_edge: u32,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct NowArgs {
    /// A schedule file in any supported format, or an http(s) URL. Without
    /// it (or --demo), what the store of the data folder holds, local
    /// changes included, as the display shows it.
    #[arg(long, value_name = "FILE|URL", conflicts_with = "demo")]
    pub schedule: Option<String>,
    /// The data folder whose store to read (default: the config's).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["schedule", "demo"])]
    pub data_dir: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The venue's IANA time zone, for formats whose times carry none.
    #[arg(long, value_name = "ZONE")]
    pub venue_timezone: Option<String>,
    /// The embedded demo, re-based to `--at` as the display does.
    #[arg(long)]
    pub demo: bool,
    /// The instant (RFC 3339 with an offset or Z); default: now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Only this room (by name or id).
    #[arg(long, value_name = "NAME")]
    pub room: Option<String>,
    /// Print the JSON contract instead of text.
    #[arg(long)]
    pub json: bool,
}

impl GuiArgs {
    /// As plain values for `Settings::resolve`.
    pub fn into_flags(self) -> Flags {
        Flags {
            config_path: self.config,
            demo: self.demo,
            schedule: self.schedule,
            venue_timezone: self.venue_timezone,
            sources: self.sources,
            poll_interval_secs: self.poll_interval,
            offline_after_secs: self.offline_after,
            kiosk: self.kiosk,
            monitor: self.monitor,
            room: self.room,
            lobby: self.lobby,
            theme: self.theme,
            display_language: self.display_language,
            at: self.at,
            speed: Some(self.speed),
            data_dir: self.data_dir,
            log_level: self.log_level,
            log_keep_days: self.log_keep_days,
            photos: self.photos,
            photo_interval_secs: self.photo_interval,
            photo_wall: self.photo_wall,
            control: self.control,
            serve: self.serve,
            serve_token: crate::serve_cli::token_from_env(),
            serve_token_file: self.serve_token_file,
            sign_key: self.sign_key,
            publish: self.publish,
            screen_name: self.screen_name,
            mqtt_password: crate::serve_cli::mqtt_password_from_env(),
            allow_blanking: self.allow_blanking,
            blank_outside_event_hours: self.blank_outside_event_hours,
        }
    }
}
