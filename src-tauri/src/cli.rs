//! The command line: the GUI (default) and the `now`, `check` and `import`
//! commands, all in the one binary.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use jiff::Timestamp;

use kiosk_core::clock::{AcceleratedClock, Clock, SystemClock};
use kiosk_core::config::{Config, Theme};
use kiosk_core::draft::Validated;
use kiosk_core::import::{self, Format, ImportOptions};
use kiosk_core::snapshot::Selection;
use kiosk_core::store::Store;
use kiosk_core::{demo, now_report, parse_instant, Error};

use crate::display::WindowOptions;
use crate::instance::{self, Instance};
use crate::kiosk::Kiosk;
use crate::photo_cli;
use crate::sync::SyncSettings;
use kiosk_core::config::WallPolicy;
use kiosk_core::photos::Playlist;
use kiosk_core::sync::Source;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "summit-kiosk",
    version,
    about = "Shows what's on now and next, per room, on a conference venue's screens.",
    after_help = "Without a command it opens the display window. Try: summit-kiosk --demo"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    gui: GuiArgs,
}

#[derive(Args, Debug)]
struct GuiArgs {
    /// The config file (default: $XDG_CONFIG_HOME/summit-kiosk/config.toml).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Show the embedded Dask Summit demo, re-based so the clock starts a few
    /// minutes into its first morning's second talk.
    #[arg(long, conflicts_with = "schedule")]
    demo: bool,
    /// Import this schedule at start: a file in any supported format, or an http(s) URL.
    #[arg(long, value_name = "FILE|URL")]
    schedule: Option<String>,
    /// The venue's IANA time zone, for formats whose times carry none.
    #[arg(long, value_name = "ZONE")]
    venue_timezone: Option<String>,
    /// Keep in sync with this source while running (a file, watched, or an
    /// http(s) URL, polled); repeat for more, highest priority first.
    #[arg(long = "source", value_name = "FILE|URL")]
    sources: Vec<String>,
    /// Seconds between checks of each source.
    #[arg(long, value_name = "SECS")]
    poll_interval: Option<u64>,
    /// Seconds a source may fail before the offline badge shows.
    #[arg(long, value_name = "SECS")]
    offline_after: Option<u64>,
    /// Fullscreen, undecorated, cursor hidden.
    #[arg(long)]
    kiosk: bool,
    /// The monitor for kiosk mode: an index (0, 1, …) or a name.
    #[arg(long, value_name = "N|NAME")]
    monitor: Option<String>,
    /// Show this room's screen (by name or id).
    #[arg(long, value_name = "NAME", conflicts_with = "lobby")]
    room: Option<String>,
    /// Show the lobby screen: every room's now and next.
    #[arg(long)]
    lobby: bool,
    /// Colour theme.
    #[arg(long, value_parser = ["dark", "light"])]
    theme: Option<String>,
    /// Start the clock at this instant (RFC 3339 with an offset or Z).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Run the clock N times faster than real time (rehearsals, tests).
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    speed: f64,
    /// Where the store, caches and logs live.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// A tracing filter, e.g. info or debug.
    #[arg(long, value_name = "FILTER")]
    log_level: Option<String>,
    /// Days of daily log files kept.
    #[arg(long, value_name = "DAYS")]
    log_keep_days: Option<usize>,
    /// A folder of event photos for the wall (watched: drop a photo in).
    #[arg(long, value_name = "DIR")]
    photos: Option<PathBuf>,
    /// Seconds each photo stays on the wall.
    #[arg(long, value_name = "SECS")]
    photo_interval: Option<u64>,
    /// When the wall shows: auto, breaks or off.
    #[arg(long, value_name = "MODE", value_parser = ["auto", "breaks", "off"])]
    photo_wall: Option<String>,
    /// Also open the organizer control panel (PIN-locked).
    #[arg(long)]
    control: bool,
    /// Publish this kiosk's schedule, local changes and announcements as a
    /// feed for other kiosks (`ADDR:PORT`); needs --serve-token or serve_token.
    #[arg(long, value_name = "ADDR")]
    serve: Option<String>,
    /// The bearer token followers must present.
    #[arg(long, value_name = "TOKEN", env = "SUMMIT_KIOSK_SERVE_TOKEN")]
    serve_token: Option<String>,
}

#[derive(Subcommand, Debug)]
// Parsed once per run: the size of its largest variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Command {
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
    Serve {
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        #[arg(long, value_name = "TOKEN", env = "SUMMIT_KIOSK_SERVE_TOKEN")]
        token: Option<String>,
        #[arg(long, value_name = "FILE")]
        write: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum BundleCommand {
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
enum PhotoCommand {
    /// Render one photo as the wall would, and write the rendition.
    Render(RenderArgs),
}

#[derive(Subcommand, Debug)]
enum PhotosCommand {
    /// List the photos on the wall and the files quarantined, with the reason.
    List {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
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

#[derive(Args, Debug)]
struct RenderArgs {
    /// The photo: JPEG, PNG or WebP.
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// Where to write the rendition (a JPEG).
    #[arg(short, long, value_name = "OUTPUT")]
    output: PathBuf,
    /// The rendition's long edge in pixels (never enlarged).
    #[arg(long, value_name = "N", default_value_t = 1920)]
    long_edge: u32,
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct NowArgs {
    /// A schedule file in any supported format, or an http(s) URL.
    #[arg(
        long,
        value_name = "FILE|URL",
        required_unless_present = "demo",
        conflicts_with = "demo"
    )]
    schedule: Option<String>,
    /// The venue's IANA time zone, for formats whose times carry none.
    #[arg(long, value_name = "ZONE")]
    venue_timezone: Option<String>,
    /// The embedded demo, re-based to `--at` as the display does.
    #[arg(long)]
    demo: bool,
    /// The instant (RFC 3339 with an offset or Z); default: now.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Only this room (by name or id).
    #[arg(long, value_name = "NAME")]
    room: Option<String>,
    /// Print the JSON contract instead of text.
    #[arg(long)]
    json: bool,
}

pub fn main() -> ExitCode {
    std::sync::LazyLock::force(&crate::STARTED);
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Now(args)) => cmd_now(args),
        Some(Command::Check {
            file,
            venue_timezone,
            config,
        }) if std::path::Path::new(&file).is_dir() => {
            crate::bundle_cli::cmd_check_bundle(&file, venue_timezone, config)
        }
        Some(Command::Check {
            file,
            venue_timezone,
            config: _,
        }) => cmd_check(&file, venue_timezone),
        Some(Command::Bundle(BundleCommand::Make {
            schedule,
            photos,
            sign,
            version,
            output,
            venue_timezone,
        })) => {
            crate::bundle_cli::cmd_make(&schedule, photos, sign, version, &output, venue_timezone)
        }
        Some(Command::Bundle(BundleCommand::Keygen { secret_key })) => {
            crate::bundle_cli::cmd_keygen(&secret_key)
        }
        Some(Command::Import {
            file,
            config,
            data_dir,
            venue_timezone,
        }) => cmd_import(&file, config, data_dir, venue_timezone),
        Some(Command::Photo(PhotoCommand::Render(a))) => {
            quiet_logging();
            photo_cli::cmd_photo_render(&a.input, &a.output, a.long_edge, a.config.as_deref())
        }
        Some(Command::Photos(PhotosCommand::List {
            config,
            data_dir,
            json,
        })) => photo_cli::cmd_photos_list(config, data_dir, json),
        Some(Command::Photos(PhotosCommand::Ingest {
            folder,
            config,
            data_dir,
        })) => photo_cli::cmd_photos_ingest(folder, config, data_dir),
        Some(Command::Control(args)) => run_gui(args, Mode::ControlOnly),
        Some(Command::SetPin { config }) => crate::control_cli::cmd_set_pin(config),
        Some(Command::Serve {
            listen,
            token,
            write,
            config,
            data_dir,
        }) => crate::control_cli::cmd_serve(listen, token, write, config, data_dir),
        None => run_gui(cli.gui, Mode::Display),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("summit-kiosk: error: {e}");
            match e {
                Error::UnknownRoom { .. } => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn quiet_logging() {
    crate::logging::init("warn", None, 1);
}

/// A schedule from a file (any supported format) or a URL, validated.
fn load_schedule(
    source: &str,
    venue_timezone: Option<String>,
) -> kiosk_core::Result<(Format, Validated)> {
    let options = ImportOptions { venue_timezone };
    let (format, validated) = import::load_source(source, &options)?;
    for w in &validated.warnings {
        tracing::warn!("{source}: {w}");
    }
    Ok((format, validated))
}

fn cmd_now(args: NowArgs) -> kiosk_core::Result<ExitCode> {
    quiet_logging();
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => Timestamp::now(),
    };
    let schedule = match &args.schedule {
        Some(source) => {
            load_schedule(source, args.venue_timezone.clone())?
                .1
                .schedule
        }
        None => demo::rebased(at),
    };
    // Through a store, as the display reads it, so both see the same thing.
    let mut store = Store::open_in_memory()?;
    store.replace_schedule(&schedule, "now")?;
    let schedule = store.load()?.expect("just stored");
    let report = now_report::now_report(&schedule, at, args.room.as_deref())?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        );
    } else {
        println!("{} ({})", report.at, report.timezone);
        for room in &report.rooms {
            println!("\n{}", room.room);
            let line = |label: &str, e: &Option<now_report::Entry>| match e {
                Some(e) => println!(
                    "  {label:5} {}–{}  {}{}",
                    &e.start[11..16],
                    &e.end[11..16],
                    e.title,
                    if e.speakers.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", e.speakers.join(", "))
                    }
                ),
                None => println!("  {label:5} —"),
            };
            line("now", &room.now);
            line("next", &room.next);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_check(source: &str, venue_timezone: Option<String>) -> kiosk_core::Result<ExitCode> {
    quiet_logging();
    let (format, Validated { schedule, warnings }) = load_schedule(source, venue_timezone)?;
    let s = &schedule;
    println!("{source}: a valid schedule");
    println!("  format      {}", format.name());
    println!("  conference  {}", s.conference.name);
    println!("  time zone   {}", s.conference.timezone);
    let days: Vec<String> = s
        .days
        .iter()
        .map(|d| match &d.label {
            Some(l) => format!("{} ({l})", d.date),
            None => d.date.to_string(),
        })
        .collect();
    println!("  days        {}: {}", s.days.len(), days.join(", "));
    println!(
        "  rooms       {}: {}",
        s.rooms.len(),
        s.room_names().join(", ")
    );
    println!("  tracks      {}", s.tracks.len());
    println!("  speakers    {}", s.speakers.len());
    println!("  sessions    {}", s.sessions.len());
    if let (Some(first), Some(last)) = (
        s.sessions.iter().map(|x| x.start).min(),
        s.sessions.iter().map(|x| x.end).max(),
    ) {
        println!("  from        {}", s.local_rfc3339(first));
        println!("  to          {}", s.local_rfc3339(last));
    }
    println!("  warnings    {}", warnings.len());
    for w in &warnings {
        println!("    - {w}");
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_import(
    source: &str,
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    venue_timezone: Option<String>,
) -> kiosk_core::Result<ExitCode> {
    quiet_logging();
    let config = Config::load(config.as_deref())?;
    let data_dir = data_dir.unwrap_or_else(|| config.data_dir());
    let (_, validated) = load_schedule(source, venue_timezone.or(config.venue_timezone.clone()))?;
    let mut store = Store::open(&data_dir.join("store.sqlite"))?;
    let revision = store.replace_schedule(&validated.schedule, source)?;
    println!(
        "Imported {} ({} sessions, {} warnings) into {} as revision {revision}.",
        validated.schedule.conference.name,
        validated.schedule.sessions.len(),
        validated.warnings.len(),
        data_dir.display()
    );
    println!("A running kiosk shows it when restarted.");
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Display,
    ControlOnly,
}

fn run_gui(args: GuiArgs, mode: Mode) -> kiosk_core::Result<ExitCode> {
    let config = Config::load(args.config.as_deref())?;
    // Before logging starts its thread: this may set WebKit's environment.
    let engine = crate::webkit::prepare(&config.webview);
    let data_dir = args.data_dir.clone().unwrap_or_else(|| config.data_dir());
    let log_level = args
        .log_level
        .clone()
        .unwrap_or_else(|| config.log_level.clone());
    let keep_days = args.log_keep_days.unwrap_or(config.log_keep_days);
    let _log_guard = crate::logging::init(&log_level, Some(&data_dir), keep_days);
    crate::webkit::log(&engine);
    let start = match &args.at {
        Some(text) => parse_instant(text)?,
        None => Timestamp::now(),
    };
    if !(args.speed.is_finite() && args.speed > 0.0) {
        return Err(Error::Time(format!(
            "--speed {} must be a positive number",
            args.speed
        )));
    }
    let clock: Arc<dyn Clock> = if args.at.is_none() && args.speed == 1.0 {
        Arc::new(SystemClock)
    } else {
        Arc::new(AcceleratedClock::new(start, args.speed))
    };

    // Validate before anything opens: a bad file is the venue tech's to fix now.
    let schedule_source = args.schedule.clone().or(config.schedule.clone());
    let venue_timezone = args
        .venue_timezone
        .clone()
        .or(config.venue_timezone.clone());
    let imported = match (&schedule_source, args.demo) {
        (_, true) => Some((demo::rebased(start), "embedded demo".to_string())),
        (Some(source), false) => Some((
            load_schedule(source, venue_timezone.clone())?.1.schedule,
            source.clone(),
        )),
        (None, false) => None,
    };

    let ask = match mode {
        Mode::Display => instance::Ask::Focus,
        Mode::ControlOnly => instance::Ask::Control,
    };
    let listener = match instance::claim_asking(&data_dir, ask).map_err(|e| Error::Store {
        path: data_dir.display().to_string(),
        message: format!("cannot claim the single-instance socket: {e}"),
    })? {
        Instance::First(listener) => listener,
        Instance::AlreadyRunning => {
            match mode {
                Mode::Display => println!(
                    "Summit Kiosk is already running on {}; it was brought to the front.",
                    data_dir.display()
                ),
                Mode::ControlOnly => println!(
                    "Summit Kiosk is running on {}; it opened its control panel.",
                    data_dir.display()
                ),
            }
            return Ok(ExitCode::SUCCESS);
        }
    };

    let store = if args.demo {
        Store::open_in_memory()?
    } else {
        Store::open(&data_dir.join("store.sqlite"))?
    };
    let room = args.room.clone().or(config.room.clone());
    let selection = match (args.lobby || config.lobby, room) {
        (false, Some(room)) => Selection::Room { room },
        (false, None) if args.demo => Selection::Room {
            room: "Main hall".into(),
        },
        _ => Selection::Lobby,
    };
    let sources: Vec<Source> = if args.sources.is_empty() {
        &config.sources
    } else {
        &args.sources
    }
    .iter()
    .map(|s| Source::parse(s))
    .collect();
    let offline_after =
        Duration::from_secs(args.offline_after.unwrap_or(config.offline_after_secs));
    let photo_folder = args.photos.clone().or(config.photos.clone());
    let wall_policy = match args.photo_wall.as_deref() {
        Some("auto") => WallPolicy::Auto,
        Some("breaks") => WallPolicy::Breaks,
        Some(_) => WallPolicy::Off,
        None => config.photo_wall,
    };
    let library = photo_cli::library(&config, &data_dir, photo_folder, args.demo)?;
    let playlist = Playlist {
        interval_ms: args
            .photo_interval
            .unwrap_or(config.photo_interval_secs)
            .clamp(1, 3600)
            * 1000,
        credit: config.photo_credit,
        edges: library.long_edges.clone(),
        ..Playlist::default()
    };
    let kiosk_mode = args.kiosk || config.kiosk;
    let kiosk = Kiosk::new(store, clock, selection)?
        .with_sources(sources.iter().map(Source::name).collect(), offline_after)?
        .with_wall(wall_policy, playlist)?
        .with_approve(library.approve_mode.clone())
        .with_kiosk_mode(kiosk_mode);
    let control = crate::control::Control::new(
        config.control_pin_hash.clone(),
        config.control_idle_lock_secs,
        &crate::bundle_cli::host_name(),
        photo_cli::inbox(&data_dir, "upload"),
    );
    let feed = match (
        args.serve.clone().or(config.serve_listen.clone()),
        args.serve_token.clone().or(config.serve_token.clone()),
    ) {
        (Some(addr), Some(token)) => Some((addr, token)),
        (Some(addr), None) => {
            return Err(Error::Config {
                path: args.config.clone().unwrap_or_else(|| "config".into()),
                message: format!(
                    "serving the feed on {addr} needs a token: set serve_token or --serve-token"
                ),
            })
        }
        _ => None,
    };
    let sync = SyncSettings {
        sources,
        poll_interval: Duration::from_secs(
            args.poll_interval
                .unwrap_or(config.poll_interval_secs)
                .max(1),
        ),
        options: ImportOptions {
            venue_timezone: venue_timezone.clone(),
        },
    };
    if let Some((schedule, source)) = imported {
        if kiosk.stored_schedule_differs(&schedule) {
            kiosk.replace_schedule(schedule, &source)?;
        }
    }
    let theme = match args.theme.as_deref() {
        Some("light") => Theme::Light,
        Some(_) => Theme::Dark,
        None => config.theme,
    };
    let options = WindowOptions {
        kiosk: kiosk_mode,
        monitor: args.monitor.clone().or(config.monitor.clone()),
        theme,
    };
    let usb = config
        .bundle
        .enabled
        .then(|| crate::bundle_cli::usb_settings(&config, &data_dir, venue_timezone.clone()));
    tracing::info!(?options, data_dir = %data_dir.display(), speed = args.speed, at = %start, "starting the display");
    let services = crate::Services {
        sync,
        library: Some(library),
        usb,
        feed,
        display: mode == Mode::Display,
        control: args.control,
        engine,
    };
    crate::run_display(kiosk, control, options, services, listener).map_err(|e| Error::Store {
        path: data_dir.display().to_string(),
        message: format!("the window system failed: {e}"),
    })?;
    Ok(ExitCode::SUCCESS)
}
