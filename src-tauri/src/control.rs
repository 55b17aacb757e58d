//! The organizer control panel: a second window (label `control`), never the
//! display, locked by a PIN (argon2id hash in the config) with back-off and
//! an idle lock. Every mutating command checks the unlock here, in Rust,
//! whatever window calls it (invariant 5); the capability files grant the
//! commands to the control window only.

use std::path::PathBuf;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

use kiosk_core::config::EmergencyTemplate;
use kiosk_core::control::{
    control_view, lock_view, ControlState, PanelInput, SourceInput, POLL_MS,
};
use kiosk_core::i18n::Language;
use kiosk_core::pin::{Lock, LockPolicy, PinBackoff};
use kiosk_core::store::Store;

use crate::error::{Error, Result};
use crate::kiosk::Kiosk;

pub const LABEL: &str = "control";
/// Pushed to the control window after any change it should show.
pub const CHANGED_EVENT: &str = "control-changed";

pub struct Control {
    lock: Mutex<Lock>,
    /// How changes made here are signed in the audit log.
    pub origin: String,
    /// Where uploaded photos go (the library's upload folder).
    pub uploads: PathBuf,
    /// The emergency messages prepared in the config.
    templates: Vec<EmergencyTemplate>,
    /// The panel's words (`panel_language`).
    pub language: Language,
}

impl Control {
    pub fn new(
        pin_hash: Option<String>,
        idle_lock_secs: u64,
        host: &str,
        uploads: PathBuf,
    ) -> Control {
        let policy = LockPolicy {
            idle: SignedDuration::from_secs(idle_lock_secs.max(10) as i64),
            ..LockPolicy::default()
        };
        Control {
            lock: Mutex::new(Lock::new(pin_hash, policy)),
            origin: format!("control panel on {host}"),
            uploads,
            templates: kiosk_core::config::default_emergency_templates(),
            language: Language::default(),
        }
    }

    /// The language of the panel's words and of the sentences made for it.
    pub fn with_language(mut self, language: Language) -> Control {
        self.language = language;
        self
    }

    /// The emergency templates the panel offers (the config's).
    pub fn with_templates(mut self, templates: Vec<EmergencyTemplate>) -> Control {
        self.templates = templates;
        self
    }

    /// Carry on the wrong-PIN streak stored before a restart.
    pub fn with_backoff(self, backoff: PinBackoff) -> Control {
        let lock = self.lock().clone();
        let policy = *lock.policy();
        *self.lock() = Lock::with_backoff(lock.hash().map(str::to_string), policy, backoff);
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lock> {
        crate::locks::lock(&self.lock)
    }

    /// Refuse unless unlocked; counts as activity (the idle lock restarts).
    pub fn require_unlocked(&self) -> Result<()> {
        if self.lock().touch(Timestamp::now()) {
            Ok(())
        } else {
            Err(Error::Locked)
        }
    }

    pub fn is_unlocked(&self) -> bool {
        self.lock().is_unlocked(Timestamp::now())
    }

    /// When the next PIN try may be made, if it must wait.
    pub fn retry_after(&self) -> Option<Timestamp> {
        self.lock().retry_after(Timestamp::now())
    }

    /// Try `pin`; the streak of wrong tries goes to `store`, so a restart
    /// does not reset the wait.
    pub fn unlock(&self, pin: &str, store: &Mutex<Store>) -> Result<()> {
        let now = Timestamp::now();
        let (tried, backoff) = {
            let mut lock = self.lock();
            let tried = lock.unlock(pin, now);
            (tried, lock.backoff())
        };
        if let Err(e) = crate::locks::lock(store).save_pin_backoff(&backoff) {
            tracing::error!("cannot store the PIN back-off: {e}");
        }
        tried.map_err(|e| {
            tracing::warn!(code = e.code(), "control panel: unlock refused");
            let wait = e
                .retry_after()
                .map(|t| t.duration_since(now).as_secs().max(1));
            Error::Unlock {
                message: match (&e, wait) {
                    (kiosk_core::pin::UnlockError::NoPin(m), _) => {
                        format!("{m}. Run `summit-kiosk set-pin` on this kiosk, then restart it.")
                    }
                    (kiosk_core::pin::UnlockError::TooSoon { .. }, Some(secs)) => {
                        format!("Too many wrong tries. Try again in {secs} s.")
                    }
                    (_, Some(secs)) => format!("Wrong PIN. Try again in {secs} s."),
                    (_, None) => "Wrong PIN.".into(),
                },
                source: e,
            }
        })?;
        tracing::info!("control panel unlocked");
        Ok(())
    }

    pub fn relock(&self) {
        self.lock().lock();
    }
}

/// What `control_state` answers: the lock, and, unlocked, the panel's view
/// built by kiosk-core from the kiosk's cached state.
pub fn state(kiosk: &Kiosk, control: &Control, day: Option<&str>) -> ControlState {
    let now = Timestamp::now();
    let shown = kiosk.shown();
    let conference = shown
        .schedule()
        .map_or_else(String::new, |s| s.conference.name.clone());
    let (locked, retry_after) = {
        let lock = control.lock();
        (
            !lock.is_unlocked(now),
            lock.retry_after(now).map(|t| t.duration_since(now)),
        )
    };
    let lock = lock_view(locked, retry_after, &conference);
    if locked {
        return ControlState {
            lock,
            view: None,
            poll_ms: POLL_MS,
        };
    }
    let sources = kiosk.source_views();
    let edges = kiosk.photo_edges();
    let view = control_view(&PanelInput {
        now: kiosk.clock().now(),
        records: &shown.records,
        photos: &shown.photos,
        approve_mode: kiosk.approve_mode(),
        sources: sources
            .iter()
            .map(|s| SourceInput {
                name: &s.state.source,
                state: &s.state,
                active: s.active,
                next_check: s.next_check,
            })
            .collect(),
        photo_edges: &edges,
        day,
        templates: &control.templates,
        screens: kiosk
            .inbox()
            .map(|inbox| inbox.view(kiosk.screen().map(|s| s.id.as_str())))
            .unwrap_or_default(),
    });
    ControlState {
        lock,
        view: Some(view),
        poll_ms: POLL_MS,
    }
}

/// Open the control window (or bring it to the front).
pub fn open<R: Runtime>(app: &AppHandle<R>, kiosk_mode: bool) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(LABEL) {
        window.unminimize()?;
        window.show()?;
        window.set_focus()?;
        return Ok(());
    }
    let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("control.html".into()))
        .title("Summit Kiosk — control panel")
        .inner_size(1440.0, 900.0)
        .min_inner_size(960.0, 640.0)
        // Over a fullscreen display on the same screen.
        .always_on_top(kiosk_mode)
        .build()?;
    window.set_focus()?;
    // When the organizer closes the panel, the display comes back to the front.
    let handle = app.clone();
    window.on_window_event(move |event| {
        if let tauri::WindowEvent::Destroyed = event {
            if let Some(display) = handle.get_webview_window(crate::display::LABEL) {
                // Unmap and map it again: some window managers leave the
                // area the panel covered unpainted until then.
                let _ = display.hide();
                let _ = display.show();
                let _ = display.set_focus();
            }
        }
    });
    tracing::info!("control panel opened");
    Ok(())
}

/// Tell the control window something changed.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    let _ = app.emit_to(LABEL, CHANGED_EVENT, ());
}
