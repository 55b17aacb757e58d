//! WebKit set up as `kiosk_core::webview` chose for this machine: nothing
//! here decides, it applies. Three moments matter to WebKit: the renderer
//! is read from the environment when the first web view is made, the
//! network process's memory-pressure settings must be set before any
//! website-data manager exists, and the rest is per web view.

use kiosk_core::webview::{self, EngineChoice, Machine, WebviewConfig};
use tauri::{Runtime, WebviewWindow};

/// WebKit's switch for shared-memory buffers instead of DMA-BUF ones.
const DMABUF_OFF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Choose, and set what WebKit reads from the environment. Call it before
/// GTK starts and before any thread that could read the environment
/// (setting a variable races with readers in other threads).
pub fn prepare(config: &WebviewConfig) -> EngineChoice {
    let mut choice = webview::choose(config, &Machine::probe());
    let mut theirs = Vec::new();
    let mut ours = Vec::new();
    for var in &choice.env {
        match std::env::var(var.name) {
            // A technician's own value wins, and the log says so.
            Ok(value) => theirs.push(format!("{}={value} (set in the environment)", var.name)),
            Err(_) => {
                std::env::set_var(var.name, &var.value);
                ours.push(format!("{}={} ({})", var.name, var.value, var.why));
            }
        }
    }
    if choice.gpu && std::env::var_os(DMABUF_OFF).is_some() {
        // Shared-memory buffers asked for by hand: no GPU compositing then.
        choice.gpu = false;
        theirs.push(format!("{DMABUF_OFF} (set in the environment)"));
    }
    if !ours.is_empty() {
        choice.reason = format!(
            "{}; WebKit's processes start with {}",
            choice.reason,
            ours.join(", ")
        );
    }
    if !theirs.is_empty() {
        choice.reason = format!("{}; kept {}", choice.reason, theirs.join(", "));
    }
    choice
}

/// Say once what was chosen and why.
pub fn log(choice: &EngineChoice) {
    tracing::info!(
        gpu = choice.gpu,
        memory_limit_mb = choice.memory_limit_mb,
        "web engine: {}; one web process per window (the control panel's only while it is open)",
        choice.reason
    );
}

/// Once GTK is up and before the first web view: the memory budget of
/// WebKit's network process (the web process's settings are fixed when its
/// context is made, inside wry, where Tauri 2 offers no hook).
pub fn before_first_webview(choice: &EngineChoice) {
    let mut settings = webkit2gtk::MemoryPressureSettings::new();
    settings.set_memory_limit(u32::try_from(choice.memory_limit_mb).unwrap_or(u32::MAX));
    webkit2gtk::WebsiteDataManager::set_memory_pressure_settings(&mut settings);
}

/// On a window's web view: a document viewer's cache (one local page, no
/// back/forward cache, a small memory cache) and the compositing policy.
/// Without a GPU, accelerated compositing off saved ~45 MB in the web
/// process at 1080p (165 against 215 MiB for the whole kiosk, measured A/B).
pub fn configure<R: Runtime>(window: &WebviewWindow<R>, choice: &EngineChoice) {
    let gpu = choice.gpu;
    let result = window.with_webview(move |webview| {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, LoadEvent, SettingsExt, WebContextExt,
            WebViewExt,
        };
        let view = webview.inner();
        // Start-up's steps inside WebKit: the web process answers (the
        // load is committed) and the page has loaded, once each.
        static COMMITTED: std::sync::Once = std::sync::Once::new();
        static FINISHED: std::sync::Once = std::sync::Once::new();
        view.connect_load_changed(|_, event| match event {
            LoadEvent::Committed => COMMITTED.call_once(|| {
                crate::startup::mark("the web process has the page (load committed)")
            }),
            LoadEvent::Finished => {
                FINISHED.call_once(|| crate::startup::mark("the page has loaded"))
            }
            _ => {}
        });
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_page_cache(false);
            settings.set_hardware_acceleration_policy(if gpu {
                HardwareAccelerationPolicy::Always
            } else {
                HardwareAccelerationPolicy::Never
            });
        }
    });
    if let Err(e) = result {
        tracing::warn!("cannot set up the web view: {e}");
    }
}
