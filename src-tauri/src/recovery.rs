//! When WebKit's web process dies (out of memory, a crash): load the page
//! again, which asks for the current snapshot; after repeated crashes (core's
//! `CrashWatch`), the simpler page. The window and web view are painted in
//! the theme's background meanwhile (`display::open`), so nothing flashes.

use tauri::{Manager, Runtime, WebviewWindow};

use kiosk_core::supervision::Recovery;

use crate::supervise::Supervisor;

/// The text-only display: no photo wall, little script and style.
pub const SIMPLE_PAGE: &str = "simple.html";

/// `tauri://localhost/…` → `tauri://localhost/simple.html`.
fn simple_uri(current: &str) -> String {
    let origin_end = current
        .find("://")
        .and_then(|scheme| current[scheme + 3..].find('/').map(|i| scheme + 3 + i))
        .unwrap_or(current.len());
    format!("{}/{SIMPLE_PAGE}", &current[..origin_end])
}

pub fn watch<R: Runtime>(window: &WebviewWindow<R>) {
    let app = window.app_handle().clone();
    let result = window.with_webview(move |webview| {
        use webkit2gtk::WebViewExt;
        let view = webview.inner();
        view.connect_load_changed(|_, event| {
            tracing::debug!(?event, "display page load");
        });
        view.connect_web_process_terminated(move |view, reason| {
            let (recovery, crashes) = app.state::<Supervisor>().web_process_crashed();
            let current = view.uri().map(|u| u.to_string()).unwrap_or_default();
            match recovery {
                Recovery::Simple if !current.ends_with(SIMPLE_PAGE) => {
                    tracing::error!(
                        ?reason,
                        crashes,
                        "the web process ended {crashes} times within 10 minutes; \
                             showing the simpler page (text only, no photo wall)"
                    );
                    view.load_uri(&simple_uri(&current));
                }
                _ => {
                    tracing::error!(
                        ?reason,
                        crashes,
                        "the web process ended; reloading the display"
                    );
                    view.reload();
                }
            }
        });
    });
    if let Err(e) = result {
        tracing::warn!("cannot watch the web process: {e}");
    }
}
