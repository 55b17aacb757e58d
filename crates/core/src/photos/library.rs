//! The photo library: the folders photos arrive in (the configured photo
//! folder, and the kiosk's own upload and USB folders: one ingest path for
//! all), scanned and fed through the worker, with each file's outcome kept
//! in the store so a file is processed once per version of its content.

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::error::Result;
use crate::store::{NewPhoto, PhotoFile, Store};

use super::worker::{self, Destination, WorkerCommand, WorkerLimits};
use super::{is_photo_name, PhotoError};

/// Files looked at per folder.
pub const MAX_FILES: usize = 20_000;
/// Sub-folder depth looked into.
pub const MAX_DEPTH: usize = 3;

/// One folder photos arrive in, and what to call photos from it.
#[derive(Debug, Clone)]
pub struct Folder {
    pub path: PathBuf,
    /// `folder`, `upload` or `usb`.
    pub origin: String,
}

#[derive(Debug, Clone)]
pub struct Library {
    pub folders: Vec<Folder>,
    /// The renditions cache.
    pub renditions: PathBuf,
    pub worker: WorkerCommand,
    pub limits: WorkerLimits,
    pub long_edges: Vec<u32>,
    /// New photos wait for the organizer's approval (the control panel can
    /// switch it while the kiosk runs).
    pub approve_mode: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// A file changed more recently than this is still being written: wait.
    pub settle: Duration,
    /// Workers run at once.
    pub parallel: usize,
}

/// A file in a photo folder, as found.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// What the worker opens: `path`, or for a link inside the folder, its target.
    pub read_path: PathBuf,
    pub origin: String,
    pub fingerprint: String,
    pub modified: SystemTime,
    /// Refused without opening it (a link out of the folder, not a file).
    pub problem: Option<PhotoError>,
}

/// What one pass over the folders did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassReport {
    /// Photos new to the wall.
    pub added: Vec<String>,
    /// Files that became (or stayed) good photos this pass.
    pub ingested: usize,
    /// Files refused this pass, and why.
    pub quarantined: Vec<(String, String)>,
    /// Files that are gone.
    pub forgotten: usize,
    /// Files still being written; look again after `settle`.
    pub unsettled: usize,
}

impl PassReport {
    pub fn changed(&self) -> bool {
        self.ingested > 0 || !self.quarantined.is_empty() || self.forgotten > 0
    }
}

/// Size, modification time and inode: a file's version.
fn fingerprint(meta: &std::fs::Metadata) -> String {
    format!(
        "{}:{}.{:09}:{}",
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ino()
    )
}

/// Every photo file in `folder` (by name), up to [`MAX_DEPTH`] deep and
/// [`MAX_FILES`] files. Links are followed only to files inside the folder.
pub fn scan(folder: &Folder) -> Vec<Candidate> {
    let mut found = Vec::new();
    let Ok(root) = folder.path.canonicalize() else {
        return found;
    };
    let mut stack = vec![(folder.path.clone(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if found.len() >= MAX_FILES {
                tracing::warn!(folder = %folder.path.display(), "more than {MAX_FILES} files; the rest are not looked at");
                return found;
            }
            let path = entry.path();
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if meta.is_dir() {
                if depth < MAX_DEPTH && !hidden {
                    stack.push((path, depth + 1));
                }
                continue;
            }
            if !is_photo_name(&path) {
                continue;
            }
            found.push(candidate(&root, path, &meta, &folder.origin));
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

fn candidate(root: &Path, path: PathBuf, meta: &std::fs::Metadata, origin: &str) -> Candidate {
    let mut c = Candidate {
        fingerprint: fingerprint(meta),
        modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        read_path: path.clone(),
        path,
        origin: origin.to_string(),
        problem: None,
    };
    if meta.file_type().is_symlink() {
        match c.path.canonicalize() {
            Err(e) => c.problem = Some(PhotoError::Read(format!("it is a broken link: {e}"))),
            Ok(target) if !target.starts_with(root) => {
                c.problem = Some(PhotoError::Outside(format!(
                    "it is a link to {}, outside the photo folder; only files inside the folder are shown",
                    target.display()
                )))
            }
            Ok(target) => match std::fs::metadata(&target) {
                Ok(m) if m.is_file() => {
                    c.fingerprint = format!("{}>{}", fingerprint(&m), target.display());
                    c.modified = m.modified().unwrap_or(c.modified);
                    c.read_path = target;
                }
                Ok(_) => c.problem = Some(PhotoError::Read("it links to something that is not a file".into())),
                Err(e) => c.problem = Some(PhotoError::Read(e.to_string())),
            },
        }
    } else if !meta.is_file() {
        c.problem = Some(PhotoError::Read(
            "it is not a regular file (a pipe, socket or device)".into(),
        ));
    }
    c
}

fn key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl Library {
    /// Every candidate file in every folder.
    pub fn scan(&self) -> Vec<Candidate> {
        self.folders.iter().flat_map(scan).collect()
    }

    /// Whether `path` lies in one of the library's folders.
    fn holds(&self, path: &str) -> bool {
        self.folders
            .iter()
            .any(|f| Path::new(path).starts_with(&f.path))
    }

    /// Look at every folder once: ingest new and changed files (in parallel,
    /// each in a worker), quarantine bad ones, forget removed ones. The store
    /// is locked only to read and to record, never while a worker runs.
    pub fn pass(&self, store: &Mutex<Store>) -> Result<PassReport> {
        std::fs::create_dir_all(&self.renditions).map_err(crate::Error::io(
            "create the renditions folder",
            &self.renditions,
        ))?;
        let candidates = self.scan();
        let known: Vec<PhotoFile> = lock(store).photo_files()?;
        let mut report = PassReport::default();
        let present: HashSet<String> = candidates.iter().map(|c| key(&c.path)).collect();
        let gone: Vec<String> = known
            .iter()
            .filter(|f| self.holds(&f.path) && !present.contains(&f.path))
            .map(|f| f.path.clone())
            .collect();
        report.forgotten = lock(store).forget_photo_files(&gone)?;
        let stored: std::collections::HashMap<&str, &str> = known
            .iter()
            .map(|f| (f.path.as_str(), f.fingerprint.as_str()))
            .collect();
        let now = SystemTime::now();
        let mut todo = Vec::new();
        for c in candidates {
            if stored.get(key(&c.path).as_str()) == Some(&c.fingerprint.as_str()) {
                continue;
            }
            let age = now.duration_since(c.modified).unwrap_or_default();
            if c.problem.is_none() && age < self.settle {
                report.unsettled += 1;
                continue;
            }
            todo.push(c);
        }
        let next = AtomicUsize::new(0);
        let report = Mutex::new(report);
        let outcome: Mutex<Result<()>> = Mutex::new(Ok(()));
        std::thread::scope(|scope| {
            for _ in 0..self.parallel.clamp(1, 16).min(todo.len().max(1)) {
                scope.spawn(|| {
                    while let Some(c) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if let Err(e) = self.ingest_one(c, store, &report) {
                            *outcome.lock().unwrap_or_else(|p| p.into_inner()) = Err(e);
                        }
                    }
                });
            }
        });
        outcome.into_inner().unwrap_or_else(|p| p.into_inner())?;
        Ok(report.into_inner().unwrap_or_else(|p| p.into_inner()))
    }

    fn ingest_one(
        &self,
        c: &Candidate,
        store: &Mutex<Store>,
        report: &Mutex<PassReport>,
    ) -> Result<()> {
        let result = match &c.problem {
            Some(problem) => Err(problem.clone()),
            None => worker::run(
                &self.worker,
                &c.read_path,
                &self.long_edges,
                &Destination::Cache(self.renditions.clone()),
                self.limits,
            ),
        };
        // Changed while the worker read it: still being written; next pass.
        if c.problem.is_none() {
            let now = std::fs::metadata(&c.path).map(|m| fingerprint(&m));
            let same = match &now {
                Ok(f) => c.fingerprint.starts_with(f.as_str()),
                Err(_) => false,
            };
            if !same {
                lock_report(report).unsettled += 1;
                return Ok(());
            }
        }
        let path = key(&c.path);
        match result {
            Ok(ingested) => {
                let credit = ingested.credit.clone().or_else(|| {
                    c.path
                        .file_stem()
                        .and_then(|s| super::clean_credit(&s.to_string_lossy()))
                });
                let photo = NewPhoto {
                    hash: ingested.hash.clone(),
                    width: ingested.width,
                    height: ingested.height,
                    credit,
                    origin: c.origin.clone(),
                    needs_approval: super::needs_approval(
                        &c.origin,
                        self.approve_mode.load(Ordering::Relaxed),
                    ),
                };
                let added = lock(store).record_photo_file(&path, &c.fingerprint, Ok(&photo))?;
                let mut r = lock_report(report);
                r.ingested += 1;
                if added {
                    r.added.push(ingested.hash);
                }
                tracing::info!(file = %path, hash = %photo.hash, "photo ready");
            }
            Err(problem) => {
                let reason = problem.to_string();
                tracing::warn!(file = %path, "photo quarantined: {reason}");
                lock(store).record_photo_file(&path, &c.fingerprint, Err(&reason))?;
                lock_report(report).quarantined.push((path, reason));
            }
        }
        Ok(())
    }
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|p| p.into_inner())
}

fn lock_report(report: &Mutex<PassReport>) -> std::sync::MutexGuard<'_, PassReport> {
    report.lock().unwrap_or_else(|p| p.into_inner())
}
