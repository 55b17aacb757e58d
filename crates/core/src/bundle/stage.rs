//! Staging: a private copy of exactly the files a checked manifest names,
//! each verified (size and SHA-256) while it is copied, since the stick may
//! have changed or been pulled out since the check. On any failure the
//! staging folder is removed and nothing else has been written.

use std::fs::{DirBuilder, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::check::CheckedBundle;
use super::files::{file_error, verify_stream, Opener};
use super::manifest::{FileEntry, FileKind};
use super::BundleError;

/// A bundle copied off the stick into a private folder. The folder stays
/// after [`super::apply`] so the photo ingest can read the staged photos;
/// remove it with [`StagedBundle::remove`] (or [`clean_staging`] at start).
#[derive(Debug, Clone)]
pub struct StagedBundle {
    /// The private staging folder (mode 0700).
    pub dir: PathBuf,
    /// What was checked on the stick; `bundle.dir` is the stick's folder.
    pub bundle: CheckedBundle,
}

impl StagedBundle {
    /// The staged paths of the files of `kind`, in manifest order.
    pub fn paths(&self, kind: FileKind) -> Vec<PathBuf> {
        self.bundle
            .manifest
            .files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| self.dir.join(&f.path))
            .collect()
    }

    /// Remove the staging folder and everything in it.
    pub fn remove(&self) -> io::Result<()> {
        std::fs::remove_dir_all(&self.dir)
    }
}

/// Copy the files of `checked` into a fresh private folder under
/// `staging_root`, reading through `opener`.
pub fn stage(
    checked: &CheckedBundle,
    staging_root: &Path,
    opener: &dyn Opener,
) -> Result<StagedBundle, BundleError> {
    let dir = fresh_dir(staging_root, &checked.id)?;
    let guard = RemoveOnDrop(Some(dir.clone()));
    for entry in &checked.manifest.files {
        copy_one(checked, entry, &dir, opener)?;
    }
    guard.keep();
    tracing::info!(
        bundle = %checked.id, from = %checked.dir.display(), to = %dir.display(),
        files = checked.manifest.files.len(), "bundle staged"
    );
    Ok(StagedBundle {
        dir,
        bundle: checked.clone(),
    })
}

/// Remove every staging folder left under `staging_root` (by a crash, or
/// after the photos were ingested); how many were removed.
pub fn clean_staging(staging_root: &Path) -> io::Result<usize> {
    let mut removed = 0;
    let entries = match std::fs::read_dir(staging_root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let is_stage = entry.file_name().to_string_lossy().starts_with(PREFIX);
        if is_stage && entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

const PREFIX: &str = "bundle-";

/// A new folder `bundle-<id>-<pid>-<n>` (0700) under `root` (created 0700 if
/// missing); never one that already exists.
fn fresh_dir(root: &Path, id: &str) -> Result<PathBuf, BundleError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let staging = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BundleError::Staging { path, source }
    };
    private_dirs()
        .recursive(true)
        .create(root)
        .map_err(staging(root))?;
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let short = &id[..id.len().min(12)];
        let dir = root.join(format!("{PREFIX}{short}-{}-{n}", std::process::id()));
        match private_dirs().create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(staging(&dir)(e)),
        }
    }
}

fn private_dirs() -> DirBuilder {
    let mut builder = DirBuilder::new();
    builder.mode(0o700);
    builder
}

/// Copy one file off the stick into `dir`, verifying it on the way.
fn copy_one(
    checked: &CheckedBundle,
    entry: &FileEntry,
    dir: &Path,
    opener: &dyn Opener,
) -> Result<(), BundleError> {
    let source = checked.dir.join(&entry.path);
    let target = dir.join(&entry.path);
    let staging = |source| BundleError::Staging {
        path: target.clone(),
        source,
    };
    if let Some(parent) = target.parent() {
        private_dirs()
            .recursive(true)
            .create(parent)
            .map_err(staging)?;
    }
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&target)
        .map_err(staging)?;
    let mut reader = opener
        .open(&checked.dir, &entry.path)
        .map_err(|e| file_error(source.clone(), e))?;
    verify_stream(&source, &mut reader, entry, Some((&target, &mut out)))
}

/// Removes the staging folder unless told to keep it.
struct RemoveOnDrop(Option<PathBuf>);

impl RemoveOnDrop {
    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot remove the staging folder");
            }
        }
    }
}
