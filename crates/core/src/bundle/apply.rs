//! Applying a staged bundle, at most once per bundle, and the whole way from
//! a stick to the store ([`process`]).

use std::path::PathBuf;

use super::check::{self, dry_run, CheckedBundle, Current, Policy};
use super::files::Opener;
use super::manifest::FileKind;
use super::stage::{stage, StagedBundle};
use super::BundleError;
use crate::i18n::Language;
use crate::import::ImportOptions;
use crate::store::Store;
use crate::sync::ImportSummary;

/// A bundle applied to the store.
#[derive(Debug, Clone)]
pub struct Applied {
    pub id: String,
    pub conference: String,
    pub version: u64,
    /// The store's source name: `usb:<conference>@<version>`.
    pub source: String,
    /// What the schedule import changed (`revision: None`: the schedule was
    /// the one already shown).
    pub summary: ImportSummary,
    /// The staging folder; the caller removes it once the photos are ingested.
    pub staged_dir: PathBuf,
    /// Staged photos, for the photo ingest.
    pub photos: Vec<PathBuf>,
    /// The staged announcements file, if the bundle has one.
    pub announcements: Option<PathBuf>,
    /// Signed by a trusted key.
    pub signed: bool,
}

impl Settings {
    /// What the screen says at start when sticks are taken unverified (no
    /// trusted key, so anyone at the USB port can change the schedule).
    pub fn unverified_notice(&self, language: Language) -> Option<String> {
        (self.policy.mode != super::PolicyMode::Signed)
            .then(|| language.catalogue().text("notice.usb_unverified").into())
    }
}

impl Applied {
    /// What the screen says once it is applied: the store's `sessions`
    /// now, and the `photos` taken into the library.
    pub fn notice(&self, sessions: usize, photos: usize, language: Language) -> String {
        let (sessions, version, photos) = (
            sessions.to_string(),
            self.version.to_string(),
            photos.to_string(),
        );
        let mut args = vec![("sessions", sessions.as_str()), ("version", &version)];
        let key = if photos == "0" {
            "notice.usb_updated"
        } else {
            args.push(("photos", &photos));
            "notice.usb_updated_photos"
        };
        language.catalogue().fill(key, &args)
    }
}

impl BundleError {
    /// A short line for the screen; the full reason is in the log and on
    /// the stick.
    pub fn notice(&self, language: Language) -> String {
        let reason = self.to_string();
        let first = reason.lines().next().unwrap_or(&reason);
        let short: String = first.chars().take(160).collect();
        language
            .catalogue()
            .fill("notice.usb_refused", &[("reason", &short)])
    }
}

impl Applied {
    /// The photo library inbox its photos go to: an unsigned bundle's wait
    /// for approval ([`crate::photos::UNSIGNED_USB_ORIGIN`]).
    pub fn photo_origin(&self) -> &'static str {
        if self.signed {
            "usb"
        } else {
            crate::photos::UNSIGNED_USB_ORIGIN
        }
    }
}

/// What came of a bundle that was not refused.
#[derive(Debug, Clone)]
pub enum ApplyOutcome {
    Applied(Applied),
    /// This kiosk applied or refused this very bundle (same manifest bytes)
    /// before: nothing was done. Not a failure.
    AlreadySeen {
        id: String,
        conference: String,
        version: u64,
    },
}

/// What a kiosk needs to take bundles from sticks.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub policy: Policy,
    /// Minisign public keys (the base64 line or the whole `.pub` text).
    pub trusted_keys: Vec<String>,
    /// How the schedule is imported (the venue zone for zoneless formats).
    pub import: ImportOptions,
    /// Where staging folders are made (in the kiosk's data folder).
    pub staging_root: PathBuf,
}

/// The store, for the few short steps of [`process_shared`] that need it.
/// A kiosk shares it behind a mutex with the screens and the control panel:
/// those steps hold it briefly, never while a stick is read.
pub trait StoreAccess {
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T;
}

impl StoreAccess for std::sync::Mutex<Store> {
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        // A panic elsewhere while holding it leaves no half-made change (one
        // transaction per change): take it as it is.
        f(&mut self
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

impl StoreAccess for std::cell::RefCell<&mut Store> {
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.borrow_mut())
    }
}

/// Apply a staged bundle: unless it was seen before, validate the staged
/// schedule again, check the policy against the store, store the schedule
/// (one transaction, a new revision if it changed) and record the bundle.
/// `origin` names the stick in the record. On an error, or if seen before,
/// the staging folder is removed and the store is unchanged.
pub fn apply(
    staged: StagedBundle,
    store: &mut Store,
    origin: &str,
) -> Result<ApplyOutcome, BundleError> {
    let result = dry_run(&staged.dir, &staged.bundle.manifest, &staged.bundle.import)
        .and_then(|validated| commit(&staged, validated, store, origin));
    if !matches!(result, Ok(ApplyOutcome::Applied(_))) {
        if let Err(e) = staged.remove() {
            tracing::warn!(dir = %staged.dir.display(), error = %e, "cannot remove the staging folder");
        }
    }
    result
}

/// `Some` if this bundle was applied or refused here before; else checks
/// its policy against what the store holds.
fn seen_or_refused(
    bundle: &CheckedBundle,
    store: &Store,
) -> Result<Option<ApplyOutcome>, BundleError> {
    let conference = &bundle.manifest.conference.id;
    if store.bundle_seen(&bundle.id)? {
        return Ok(Some(ApplyOutcome::AlreadySeen {
            id: bundle.id.clone(),
            conference: conference.clone(),
            version: bundle.manifest.bundle_version,
        }));
    }
    bundle.check_policy(Some(&Current::from_store(store, conference)?))?;
    Ok(None)
}

/// The short part under the store: the checks again (the store may have
/// changed while the bundle was staged), then the schedule and the record.
fn commit(
    staged: &StagedBundle,
    validated: crate::draft::Validated,
    store: &mut Store,
    origin: &str,
) -> Result<ApplyOutcome, BundleError> {
    let bundle = &staged.bundle;
    if let Some(seen) = seen_or_refused(bundle, store)? {
        return Ok(seen);
    }
    let manifest = &bundle.manifest;
    let conference = manifest.conference.id.clone();
    let version = manifest.bundle_version;
    let source = format!("usb:{conference}@{version}");
    let summary = store.apply(&validated.schedule, &source)?;
    store.record_bundle(&bundle.id, &conference, version, origin, "applied")?;
    tracing::info!(bundle = %bundle.id, %source, %summary, "bundle applied");
    Ok(ApplyOutcome::Applied(Applied {
        id: bundle.id.clone(),
        conference,
        version,
        source,
        summary,
        staged_dir: staged.dir.clone(),
        photos: staged.paths(FileKind::Photo),
        announcements: staged.paths(FileKind::Announcements).into_iter().next(),
        signed: matches!(bundle.signature, super::SignatureState::Trusted { .. }),
    }))
}

/// [`process_shared`] with a store of one's own.
pub fn process(
    stick: &std::path::Path,
    settings: &Settings,
    store: &mut Store,
    opener: &dyn Opener,
) -> Result<ApplyOutcome, BundleError> {
    process_shared(stick, settings, &std::cell::RefCell::new(store), opener)
}

/// From a stick (its root or its bundle folder) to the store: read the
/// manifest; stop if this bundle was seen before; check the policy and the
/// files; stage (copy and hash) and validate the schedule **without the
/// store**; then, in a short step under it, check again and apply. A
/// refusal that the same manifest would always get
/// ([`BundleError::is_permanent`]) is recorded, so the stick is not checked
/// again; a failure that may pass (a stick pulled out, a damaged file, a
/// missing signature) is not, so the next insertion tries again. A refusal
/// of the manifest itself is not recorded either: it is found before any
/// file is read, and its conference and version cannot be trusted.
pub fn process_shared(
    stick: &std::path::Path,
    settings: &Settings,
    store: &impl StoreAccess,
    opener: &dyn Opener,
) -> Result<ApplyOutcome, BundleError> {
    let bundle = check::read(
        stick,
        &settings.policy,
        &settings.trusted_keys,
        &settings.import,
    )?;
    let origin = bundle.dir.display().to_string();
    let result = (|| {
        if let Some(seen) = store.with_store(|s| seen_or_refused(&bundle, s))? {
            return Ok(seen);
        }
        bundle.check_files()?;
        let staged = stage(&bundle, &settings.staging_root, opener)?;
        let validated = match dry_run(&staged.dir, &bundle.manifest, &bundle.import) {
            Ok(v) => v,
            Err(e) => {
                let _ = staged.remove();
                return Err(e);
            }
        };
        let outcome = store.with_store(|s| commit(&staged, validated, s, &origin));
        if !matches!(outcome, Ok(ApplyOutcome::Applied(_))) {
            if let Err(e) = staged.remove() {
                tracing::warn!(dir = %staged.dir.display(), error = %e, "cannot remove the staging folder");
            }
        }
        outcome
    })();
    if let Err(e) = &result {
        if e.is_permanent() {
            let outcome = format!("refused ({}): {e}", e.code());
            let manifest = &bundle.manifest;
            let recorded = store.with_store(|s| {
                s.record_bundle(
                    &bundle.id,
                    &manifest.conference.id,
                    manifest.bundle_version,
                    &origin,
                    &outcome,
                )
            });
            if let Err(store_error) = recorded {
                tracing::warn!(bundle = %bundle.id, error = %store_error, "cannot record the refusal");
            }
        }
    }
    result
}
