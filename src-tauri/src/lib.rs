//! The Tauri shell: windows, commands and events over kiosk-core. Every
//! decision lives in the core crate; this crate wires it to a window.

mod bundle_cli;
pub mod cli;
pub mod commands;
pub mod control;
mod control_cli;
pub mod display;
pub mod error;
pub mod fleet;
mod instance;
pub mod kiosk;
mod locks;
mod logging;
mod memory;
mod photo_cli;
pub mod photos;
pub mod recovery;
pub mod screen;
mod serve_cli;
pub mod startup;
pub mod supervise;
pub mod sync;
pub mod usb;
pub mod webkit;

use std::os::unix::net::UnixListener;

use tauri::{Builder, Manager, Runtime};

pub use crate::kiosk::Kiosk;

/// When the process started, for the start-up time in the log.
pub static STARTED: std::sync::LazyLock<std::time::Instant> =
    std::sync::LazyLock::new(std::time::Instant::now);

/// The app's state and commands on any runtime, so `tauri::test::mock_builder()`
/// drives the real command set in tests.
pub fn app_builder<R: Runtime>(
    builder: Builder<R>,
    kiosk: Kiosk,
    control: control::Control,
) -> Builder<R> {
    use commands::{control as c, photos as p};
    builder
        .manage(kiosk)
        .manage(control)
        .manage(supervise::Supervisor::from_env())
        .register_asynchronous_uri_scheme_protocol(photos::SCHEME, photos::serve)
        .register_asynchronous_uri_scheme_protocol(
            kiosk_core::fleet::view::THUMBNAIL_SCHEME,
            fleet::serve_thumbnail,
        )
        .invoke_handler(tauri::generate_handler![
            commands::get_snapshot,
            commands::get_photos,
            commands::report_render,
            c::open_control_panel,
            c::control_labels,
            c::control_state,
            c::unlock,
            c::lock,
            c::plan_delay,
            c::apply_edit,
            c::undo,
            c::add_announcement,
            c::remove_announcement,
            c::set_room_status,
            c::post_emergency,
            c::clear_emergency,
            p::set_photo_hidden,
            p::set_photo_approved,
            p::set_approve_mode,
            p::upload_photo,
            c::sync_now,
            c::set_active_source,
            c::rollback,
            commands::screens::command_screen,
        ])
}

/// What the shell runs beside the windows.
pub struct Services {
    pub sync: sync::SyncSettings,
    /// How this screen reports to the fleet.
    pub fleet: fleet::FleetSettings,
    /// The feeds followed on brokers (their connections' events).
    pub brokers: Vec<sync::BrokerFeed>,
    /// Replies and commands for the reporter.
    pub inbound: std::sync::mpsc::Receiver<fleet::Inbound>,
    pub library: Option<kiosk_core::photos::library::Library>,
    pub usb: Option<usb::UsbSettings>,
    /// Serve the feed.
    pub feed: Option<serve_cli::FeedService>,
    /// Open the display window (not for `summit-kiosk control` alone).
    pub display: bool,
    /// Open the control panel at start.
    pub control: bool,
    /// How the web engine renders (see `webkit::prepare`).
    pub engine: kiosk_core::webview::EngineChoice,
    /// Whether, and when, the screen may blank.
    pub blanking: kiosk_core::blanking::BlankingPolicy,
    /// Where the screen settings found at start are kept until restored.
    pub data_dir: std::path::PathBuf,
}

/// The generated context (config, embedded `ui/`, capabilities).
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Open the windows and run until the last one closes.
pub fn run_display(
    kiosk: Kiosk,
    control: control::Control,
    options: display::WindowOptions,
    services: Services,
    listener: UnixListener,
) -> tauri::Result<()> {
    let Services {
        sync,
        fleet: fleet_settings,
        brokers,
        inbound,
        library,
        usb,
        feed,
        display: open_display,
        control: open_control,
        engine,
        blanking,
        data_dir,
    } = services;
    let kiosk = match feed {
        Some(feed) => kiosk.with_feed(feed.start().map_err(tauri::Error::Io)?),
        None => kiosk,
    };
    let app = app_builder(Builder::default(), kiosk, control)
        .setup(move |app| {
            startup::mark("GTK and the app are up");
            webkit::before_first_webview(&engine);
            if let Some(library) = library {
                app.manage(photos::PhotoServer {
                    renditions: library.renditions.clone(),
                    served: Default::default(),
                });
                photos::start(app.handle().clone(), library);
            }
            if let Some(usb) = usb {
                usb::start(app.handle().clone(), usb);
            }
            let handle = app.handle().clone();
            if open_display {
                let window = display::open(&handle, &options)?;
                webkit::configure(&window, &engine);
                startup::mark("display window created");
                recovery::watch(&window);
                screen::start_blanking_control(handle.clone(), blanking, data_dir.clone());
            }
            supervise::stop_on_signals(handle.clone());
            if open_control || !open_display {
                control::open(&handle, options.kiosk)?;
            }
            display::start_ticker(handle.clone());
            sync::start(handle.clone(), sync, brokers);
            fleet::start(handle.clone(), fleet_settings, inbound);
            let kiosk_mode = options.kiosk;
            instance::serve(listener, move |ask| match ask {
                instance::Ask::Focus => {
                    if let Some(w) = handle.get_webview_window(display::LABEL) {
                        let _ = w.unminimize();
                        let _ = w.show();
                        let _ = w.set_focus();
                    }
                }
                instance::Ask::Control => {
                    if let Err(e) = control::open(&handle, kiosk_mode) {
                        tracing::error!("cannot open the control panel: {e}");
                    }
                }
            });
            Ok(())
        })
        .build(context())?;
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            supervise::stopping();
            // Put the screen's blanking settings back before the process ends.
            screen::stop_blanking_control(app);
        }
    });
    Ok(())
}
