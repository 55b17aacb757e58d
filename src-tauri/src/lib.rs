//! The Tauri shell: windows, commands and events over kiosk-core. Every
//! decision lives in the core crate; this crate wires it to a window.

mod bundle_cli;
pub mod cli;
pub mod commands;
pub mod display;
mod instance;
pub mod kiosk;
mod logging;
mod photo_cli;
pub mod photos;
pub mod sync;
pub mod usb;

use std::os::unix::net::UnixListener;

use tauri::{Builder, Manager, Runtime};

pub use crate::kiosk::Kiosk;

/// When the process started, for the start-up time in the log.
pub static STARTED: std::sync::LazyLock<std::time::Instant> =
    std::sync::LazyLock::new(std::time::Instant::now);

/// The app's state and commands on any runtime, so `tauri::test::mock_builder()`
/// drives the real command set in tests.
pub fn app_builder<R: Runtime>(builder: Builder<R>, kiosk: Kiosk) -> Builder<R> {
    builder
        .manage(kiosk)
        .register_asynchronous_uri_scheme_protocol(photos::SCHEME, photos::serve)
        .invoke_handler(tauri::generate_handler![
            commands::get_snapshot,
            commands::get_photos
        ])
}

/// The generated context (config, embedded `ui/`, capabilities).
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Open the display window and run until it closes.
pub fn run_display(
    kiosk: Kiosk,
    options: display::WindowOptions,
    sync: sync::SyncSettings,
    library: Option<kiosk_core::photos::library::Library>,
    usb: Option<usb::UsbSettings>,
    listener: UnixListener,
) -> tauri::Result<()> {
    let app = app_builder(Builder::default(), kiosk)
        .setup(move |app| {
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
            let window = display::open(&handle, &options)?;
            reload_when_web_process_dies(&window);
            display::start_ticker(handle.clone());
            sync::start(handle.clone(), sync);
            instance::serve(listener, move || {
                if let Some(w) = handle.get_webview_window(display::LABEL) {
                    let _ = w.unminimize();
                    let _ = w.show();
                    let _ = w.set_focus();
                }
            });
            Ok(())
        })
        .build(context())?;
    app.run(|_, _| {});
    Ok(())
}

/// WebKit's web process can be killed (out of memory, a crash): reload the
/// page rather than leave a blank screen. The page asks for the current
/// snapshot when it loads.
fn reload_when_web_process_dies<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    let result = window.with_webview(|webview| {
        use webkit2gtk::WebViewExt;
        webview
            .inner()
            .connect_web_process_terminated(|view, reason| {
                tracing::error!(?reason, "the web process ended; reloading the display");
                view.reload();
            });
    });
    if let Err(e) = result {
        tracing::warn!("cannot watch the web process: {e}");
    }
}
