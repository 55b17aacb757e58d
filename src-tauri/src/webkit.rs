//! WebKit set up as `kiosk_core::webview` chose for this machine: nothing
//! here decides, it applies. Three moments matter to WebKit: the renderer
//! is read from the environment when the first web view is made, the
//! network process's memory-pressure settings must be set before any
//! website-data manager exists, and the rest is per web view.

use kiosk_core::webview::{self, EngineChoice, Machine, WebviewConfig};
use tauri::{Runtime, WebviewWindow};

/// WebKit's switch for shared-memory buffers instead of DMA-BUF ones.
const DMABUF_OFF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// glibc's malloc settings, read by each WebKit process when it starts.
const TUNABLES: &str = "GLIBC_TUNABLES";

/// The main process's fixed mmap threshold ([`crate::memory::MMAP_THRESHOLD`]),
/// said as a tunable for WebKit's processes. glibc's default threshold
/// rises to the size of the largest block freed, so after the first photo
/// the wall's decoded frames (8 MiB at 1080p) came from the web process's
/// heap, which fragmented and grew by ~30 MiB in seven minutes of the 3-day
/// event at --speed 600.
fn mmap_threshold() -> String {
    format!(
        "glibc.malloc.mmap_threshold={}",
        crate::memory::MMAP_THRESHOLD
    )
}

/// Choose, and set what WebKit reads from the environment. Call it before
/// GTK starts and before any thread that could read the environment
/// (setting a variable races with readers in other threads).
pub fn prepare(config: &WebviewConfig) -> EngineChoice {
    let mut choice = webview::choose(config, &Machine::probe());
    if std::env::var_os(TUNABLES).is_some() {
        choice.reason = format!("{TUNABLES} is set in the environment; {}", choice.reason);
    } else {
        let tunable = mmap_threshold();
        std::env::set_var(TUNABLES, &tunable);
        choice.reason = format!("{}; WebKit's processes start with {tunable}", choice.reason);
    }
    if std::env::var_os(DMABUF_OFF).is_some() {
        // Someone set it by hand (a technician's override): theirs wins.
        choice.gpu = false;
        choice.reason = format!("{DMABUF_OFF} is set in the environment; {}", choice.reason);
    } else if !choice.gpu {
        std::env::set_var(DMABUF_OFF, "1");
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
