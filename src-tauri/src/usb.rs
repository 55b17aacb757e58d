//! USB sticks: look under the mount roots every couple of seconds for a
//! `summit-kiosk/` bundle, apply it through kiosk-core's bundle pipeline (at
//! most once per bundle), hand its photos to the photo library, say so on the
//! screen, and leave a report on the stick.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};

use kiosk_core::bundle::{self, ApplyOutcome, SafeOpener, Settings};

use crate::kiosk::Kiosk;

/// How often the mount roots are looked at (a directory listing each).
const SCAN_EVERY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct UsbSettings {
    pub mount_roots: Vec<PathBuf>,
    pub bundle: Settings,
    /// The photo library's inboxes (`<photos>/<origin>`): a bundle's photos
    /// go to the one its signature calls for.
    pub photo_inboxes: PathBuf,
    /// This kiosk's name in reports.
    pub host: String,
}

pub fn start<R: Runtime>(app: AppHandle<R>, settings: UsbSettings) {
    let kiosk = app.state::<Kiosk>();
    if let Some(text) = settings.bundle.unverified_notice(kiosk.language()) {
        tracing::warn!("{text}");
        kiosk.show_notice(text, Duration::from_secs(60));
    }
    if let Err(e) = std::fs::create_dir_all(&settings.bundle.staging_root) {
        tracing::warn!("cannot make the staging folder: {e}; USB bundles are off");
        return;
    }
    // Left over from a crash or a pulled stick: nothing in staging is kept.
    let _ = bundle::clean_staging(&settings.bundle.staging_root);
    std::thread::Builder::new()
        .name("usb".into())
        .spawn(move || run(app, settings))
        .expect("spawn the USB thread");
}

fn run<R: Runtime>(app: AppHandle<R>, settings: UsbSettings) {
    // Sticks handled since they were inserted: one attempt per insertion.
    let mut handled: HashSet<PathBuf> = HashSet::new();
    loop {
        let present: HashSet<PathBuf> = bundle::find_bundles(&settings.mount_roots)
            .into_iter()
            .collect();
        handled.retain(|p| {
            let still = present.contains(p);
            if !still {
                tracing::info!(stick = %p.display(), "USB stick removed");
            }
            still
        });
        for stick in present {
            if handled.insert(stick.clone()) {
                handle(&app, &settings, &stick);
            }
        }
        std::thread::sleep(SCAN_EVERY);
    }
}

/// Take one stick: apply its bundle (or say why not), on screen and on the stick.
pub fn handle<R: Runtime>(app: &AppHandle<R>, settings: &UsbSettings, stick: &std::path::Path) {
    tracing::info!(stick = %stick.display(), "USB bundle found");
    let kiosk = app.state::<Kiosk>();
    // Staging and hashing (up to the bundle's size) happen outside the
    // store's lock; only the checks and the final apply take it, briefly,
    // so the panel and the screens never wait for the stick.
    let outcome = bundle::process_shared(stick, &settings.bundle, kiosk.store(), &SafeOpener);
    let notice = match &outcome {
        Ok(ApplyOutcome::Applied(applied)) => {
            let inbox = settings.photo_inboxes.join(applied.photo_origin());
            let photos = take_photos(&applied.photos, &inbox, &applied.conference);
            if let Err(e) = std::fs::remove_dir_all(&applied.staged_dir) {
                tracing::warn!(dir = %applied.staged_dir.display(), "cannot remove the staging folder: {e}");
            }
            if let Err(e) = kiosk.reload_from_store() {
                tracing::error!("cannot show the schedule from USB: {e}");
            }
            Some(applied.notice(kiosk.session_count(), photos, kiosk.language()))
        }
        Ok(ApplyOutcome::AlreadySeen { version, .. }) => {
            tracing::info!(stick = %stick.display(), version, "USB bundle seen before; nothing to do");
            None
        }
        Err(e) => {
            tracing::warn!(stick = %stick.display(), code = e.code(), "USB bundle not applied: {e}");
            Some(e.notice(kiosk.language()))
        }
    };
    if let Some(text) = notice {
        kiosk.show_notice(text, Duration::from_secs(60));
    }
    let report = bundle::report_text(&outcome, &settings.host, jiff::Timestamp::now());
    match bundle::write_report(stick, &settings.host, &report) {
        Ok(path) => tracing::info!(report = %path.display(), "report written to the stick"),
        Err(e) => tracing::warn!("cannot write the report to the stick: {e}"),
    }
}

/// Copy the staged photos into the library's USB folder (the photo thread
/// ingests them like any other); how many.
fn take_photos(photos: &[PathBuf], inbox: &std::path::Path, conference: &str) -> usize {
    let dir = inbox.join(bundle::safe_host(conference));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::warn!(dir = %dir.display(), "cannot make the USB photo folder: {e}");
        return 0;
    }
    photos
        .iter()
        .filter(|p| {
            let Some(name) = p.file_name() else {
                return false;
            };
            let target = dir.join(name);
            let temp = dir.join(format!(".{}.part", name.to_string_lossy()));
            let ok = std::fs::copy(p, &temp).and_then(|_| std::fs::rename(&temp, &target));
            if let Err(e) = &ok {
                tracing::warn!(photo = %p.display(), "cannot take the photo from the bundle: {e}");
                let _ = std::fs::remove_file(&temp);
            }
            ok.is_ok()
        })
        .count()
}
