//! The display (default) and `summit-kiosk control`: resolve the settings,
//! validate the start schedule before any window opens, claim the data
//! folder, and hand everything to the shell.

use std::process::ExitCode;

use kiosk_core::config::Config;
use kiosk_core::import::ImportOptions;
use kiosk_core::photos::Playlist;
use kiosk_core::settings::{Settings, StartSchedule};
use kiosk_core::store::Store;
use kiosk_core::sync::Source;
use kiosk_core::{demo, Error};

use super::args::GuiArgs;
use crate::display::WindowOptions;
use crate::fleet::{FleetSettings, Inbound, Transport};
use crate::instance::{self, Instance};
use crate::kiosk::{Kiosk, ScreenIdentity};
use crate::photo_cli;
use crate::sync::BrokerFeed;
use crate::sync::SyncSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Display,
    ControlOnly,
}

pub fn run_gui(args: GuiArgs, mode: Mode) -> kiosk_core::Result<ExitCode> {
    let config = Config::load(args.config.as_deref())?;
    // Before logging starts its thread: this may set WebKit's environment.
    let engine = crate::webkit::prepare(&config.webview);
    let s = Settings::resolve(config, args.into_flags())?;
    let _log_guard = crate::logging::init(&s.log_level, Some(&s.data_dir), s.log_keep_days);
    crate::webkit::log(&engine);
    tracing::info!(
        before_main_ms = crate::startup::before_main_ms(),
        since_start_ms = crate::startup::since_start_ms(),
        "start-up: config read, logging on"
    );
    let (start, clock) = s.clock();

    // Validate before anything opens: a bad file is the venue tech's to fix now.
    let imported = match &s.schedule {
        StartSchedule::Demo => Some((demo::rebased(start), "embedded demo".to_string())),
        StartSchedule::Import(source) => Some((
            super::load_schedule(source, s.venue_timezone.clone())?
                .1
                .schedule,
            Source::parse(source).name(),
        )),
        StartSchedule::Store => None,
    };

    let ask = match mode {
        Mode::Display => instance::Ask::Focus,
        Mode::ControlOnly => instance::Ask::Control,
    };
    let listener = match instance::claim_asking(&s.data_dir, ask).map_err(Error::io(
        "claim the single-instance socket in",
        &s.data_dir,
    ))? {
        Instance::First(listener) => listener,
        Instance::AlreadyRunning => {
            match mode {
                Mode::Display => println!(
                    "Summit Kiosk is already running on {}; it was brought to the front.",
                    s.data_dir.display()
                ),
                Mode::ControlOnly => println!(
                    "Summit Kiosk is running on {}; it opened its control panel.",
                    s.data_dir.display()
                ),
            }
            return Ok(ExitCode::SUCCESS);
        }
    };

    let mut store = if s.is_demo() {
        Store::open_in_memory()?
    } else {
        Store::open(&s.data_dir.join("store.sqlite"))?
    };
    let screen = ScreenIdentity {
        id: store.screen_id(kiosk_core::fleet::probe::new_screen_id)?,
        name: s.screen_name.clone(),
    };
    let sources = s
        .sources
        .iter()
        .map(Source::from_config)
        .collect::<kiosk_core::Result<Vec<Source>>>()?;
    let feed = crate::serve_cli::feed_service(&s, clock.clone(), &store)?;
    let trust = crate::serve_cli::follower_trust(&s.trusted_keys, !sources.is_empty())?;
    let library = photo_cli::library(&s.config, &s.data_dir, s.photos.clone(), s.is_demo())?;
    let playlist = Playlist {
        interval_ms: s.photo_interval.as_millis() as u64,
        credit: s.config.photo_credit,
        edges: library.long_edges.clone(),
        ..Playlist::default()
    };
    let pin_backoff = store.pin_backoff()?;
    store.set_language(s.panel_language);
    let (fleet, brokers, inbound) =
        fleet_settings(&s, &sources, &screen, clock.now(), trust.clone())?;
    let mut kiosk = Kiosk::new(store, clock, s.selection.clone())?
        .with_screen(screen)
        .with_sources(sources.iter().map(Source::name).collect(), s.offline_after)?
        .with_wall(s.photo_wall, playlist)?
        .with_approve(library.approve_mode.clone())
        .with_kiosk_mode(s.kiosk)
        .with_qr(s.config.qr.clone())
        .with_language(s.display_language);
    if let Some(inbox) = feed.as_ref().and_then(|f| f.fleet.clone()) {
        kiosk = kiosk.with_inbox(inbox);
    }
    let control = crate::control::Control::new(
        s.config.control_pin_hash.clone(),
        s.config.control_idle_lock_secs,
        &crate::bundle_cli::host_name(),
        photo_cli::inbox(&s.data_dir, "upload"),
    )
    .with_backoff(pin_backoff)
    .with_templates(s.config.emergency_templates.clone())
    .with_language(s.panel_language);
    let sync = SyncSettings {
        sources,
        poll_interval: s.poll_interval,
        trust,
        options: ImportOptions {
            venue_timezone: s.venue_timezone.clone(),
        },
    };
    if let Some((schedule, source)) = imported {
        if kiosk.stored_schedule_differs(&schedule) {
            kiosk.replace_schedule(schedule, &source)?;
        }
    }
    let options = WindowOptions {
        kiosk: s.kiosk,
        monitor: s.monitor.clone(),
        theme: s.theme,
        labels: kiosk_core::i18n::display::StartLabels::new(s.display_language.catalogue()),
    };
    let usb =
        s.config.bundle.enabled.then(|| {
            crate::bundle_cli::usb_settings(&s.config, &s.data_dir, s.venue_timezone.clone())
        });
    crate::startup::mark("store open, schedule and photos read");
    tracing::info!(?options, data_dir = %s.data_dir.display(), speed = s.speed, at = %start, "starting the display");
    let services = crate::Services {
        sync,
        fleet,
        brokers,
        inbound,
        library: Some(library),
        usb,
        feed,
        display: mode == Mode::Display,
        control: s.control,
        engine,
        blanking: s.blanking,
        data_dir: s.data_dir.clone(),
    };
    if mode == Mode::Display {
        // GTK panics without a display: wait for one instead (logged).
        crate::supervise::catch_stop_signals();
        if crate::screen::wait_for_display().is_none() {
            crate::supervise::stopping();
            return Ok(ExitCode::SUCCESS);
        }
    }
    // The window system failing is the shell's error, not the store's: it
    // belongs in the shell's own error type once it has one.
    crate::run_display(kiosk, control, options, services, listener).map_err(|e| Error::Store {
        path: s.data_dir.display().to_string(),
        message: format!("the window system failed: {e}"),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// How this screen reports: to the leader each URL feed source is served
/// by, and on each broker it follows (one connection per broker carries the
/// feed, the heartbeats, the last will and the replies).
fn fleet_settings(
    s: &Settings,
    sources: &[Source],
    screen: &ScreenIdentity,
    started: jiff::Timestamp,
    trust: kiosk_core::feed::Trust,
) -> kiosk_core::Result<(
    FleetSettings,
    Vec<BrokerFeed>,
    std::sync::mpsc::Receiver<Inbound>,
)> {
    let (reporter, inbound) = std::sync::mpsc::channel();
    let mut transports = Vec::new();
    let mut brokers = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        match source {
            Source::Url(url) => {
                if let Some(http) =
                    kiosk_core::fleet::report::HttpReporter::for_feed(url, &screen.id)
                {
                    tracing::info!(
                        to = http.url(),
                        "this screen reports to the leader it follows"
                    );
                    transports.push(Transport::Http(http));
                }
            }
            Source::Mqtt(mqtt) => {
                let broker = crate::serve_cli::broker(
                    mqtt.target.clone(),
                    &s.config.fleet,
                    s.mqtt_password.clone(),
                    mqtt.token.clone(),
                )?;
                let (follower, events) = kiosk_core::fleet::mqtt::MqttFollower::connect(
                    broker,
                    &screen.id,
                    &screen.name,
                    started.as_millisecond(),
                )
                .map_err(|source| Error::Fleet {
                    origin: mqtt.target.name(),
                    source,
                })?;
                transports.push(Transport::Mqtt(std::sync::Arc::new(follower)));
                brokers.push(BrokerFeed {
                    index,
                    events,
                    reporter: reporter.clone(),
                });
            }
            Source::File(_) => {}
        }
    }
    tracing::info!(screen = %screen.id, name = %screen.name, "this screen in the fleet");
    Ok((
        FleetSettings {
            interval: s.heartbeat_interval,
            thumbnails: s.config.fleet.thumbnails,
            transports,
            trust,
            started_ms: started.as_millisecond(),
        },
        brokers,
        inbound,
    ))
}
