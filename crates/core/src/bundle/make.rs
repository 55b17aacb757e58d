//! Making a bundle on a stick (or any folder): the schedule, validated first,
//! and the photos of a folder, copied into `summit-kiosk/` with a manifest
//! and, if asked, a minisign signature.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::files::{copy_hashing, sha256_hex};
use super::manifest::{check_name, is_photo_name, ConferenceRef, FileEntry, FileKind, Manifest};
use super::{sign, BundleError, BUNDLE_DIR, FORMAT_VERSION, MANIFEST_FILE, SIGNATURE_FILE};
use crate::import::{self, ImportOptions};

/// The folder a photo goes to in the bundle.
const PHOTOS_DIR: &str = "photos";

/// A bundle written by [`make`].
#[derive(Debug, Clone)]
pub struct MadeBundle {
    /// The bundle folder (`out_dir/summit-kiosk`).
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// Hex SHA-256 of the manifest bytes.
    pub id: String,
    pub signed: bool,
}

/// Make a bundle in `out_dir/summit-kiosk/`: refuse a schedule that does not
/// validate; copy it and the photos at the top of `photos` (jpg, jpeg, png,
/// webp; hidden files skipped); write the manifest (the conference from the
/// schedule, `version` or else the current unix time), signed with the
/// minisign secret key file of `sign` (and its password, if encrypted).
/// A folder that already holds a manifest is refused: remove it first.
pub fn make(
    schedule: &Path,
    photos: Option<&Path>,
    sign: Option<(&Path, Option<String>)>,
    version: Option<u64>,
    out_dir: &Path,
    import: &ImportOptions,
) -> Result<MadeBundle, BundleError> {
    let (_, validated) =
        import::load_file(schedule, import).map_err(|source| BundleError::Schedule {
            path: schedule.to_path_buf(),
            source,
        })?;
    let dir = out_dir.join(BUNDLE_DIR);
    let manifest_path = dir.join(MANIFEST_FILE);
    if std::fs::symlink_metadata(&manifest_path).is_ok() {
        return Err(make_error(
            &dir,
            "a bundle is already there; remove the folder first, or choose another",
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| make_error(&dir, e))?;
    let mut files = vec![copy_in(
        schedule,
        &dir,
        schedule_name(schedule),
        FileKind::Schedule,
    )?];
    if let Some(photos) = photos {
        for photo in photo_files(photos)? {
            let name = photo.file_name().unwrap_or_default().to_string_lossy();
            files.push(copy_in(
                &photo,
                &dir,
                format!("{PHOTOS_DIR}/{name}"),
                FileKind::Photo,
            )?);
        }
    }
    let conference = &validated.schedule.conference;
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        conference: ConferenceRef {
            id: conference.id.clone(),
            name: conference.name.clone(),
        },
        bundle_version: version.unwrap_or_else(|| Timestamp::now().as_second().max(0) as u64),
        created_at: Timestamp::now(),
        files,
    };
    manifest.validate(&manifest_path)?;
    let bytes = manifest.to_bytes();
    let signature_path = dir.join(SIGNATURE_FILE);
    let signed = match sign {
        Some((key, password)) => {
            let comment = format!(
                "summit-kiosk bundle {} version {}",
                manifest.conference.id, manifest.bundle_version
            );
            let text = sign::sign(&bytes, key, password, &comment)?;
            write_atomic(&signature_path, text.as_bytes())?;
            true
        }
        None => {
            let _ = std::fs::remove_file(&signature_path);
            false
        }
    };
    // The manifest last: a kiosk that sees it sees a whole bundle.
    write_atomic(&manifest_path, &bytes)?;
    tracing::info!(dir = %dir.display(), files = manifest.files.len(), signed, "bundle made");
    Ok(MadeBundle {
        id: sha256_hex(&bytes),
        dir,
        manifest,
        signed,
    })
}

fn make_error(path: &Path, message: impl ToString) -> BundleError {
    BundleError::Make {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// `schedule.<ext>`, keeping a plain extension of the source's name.
fn schedule_name(schedule: &Path) -> String {
    match schedule.extension().and_then(|e| e.to_str()) {
        Some(ext)
            if !ext.is_empty()
                && ext.len() <= 10
                && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            format!("schedule.{}", ext.to_ascii_lowercase())
        }
        _ => "schedule".to_string(),
    }
}

/// The photos at the top of `folder`, by name: regular files (not links)
/// with a photo extension and a name a manifest can carry.
fn photo_files(folder: &Path) -> Result<Vec<PathBuf>, BundleError> {
    let entries = std::fs::read_dir(folder).map_err(|e| make_error(folder, e))?;
    let mut photos = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| make_error(folder, e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            tracing::warn!(file = %entry.path().display(), "skipped: the name is not UTF-8");
            continue;
        };
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if !regular || name.starts_with('.') || !is_photo_name(&name) {
            continue;
        }
        if let Err(reason) = check_name(&name) {
            tracing::warn!(file = %entry.path().display(), %reason, "skipped");
            continue;
        }
        photos.push(entry.path());
    }
    photos.sort();
    Ok(photos)
}

/// Copy `source` to `dir/name`, checking its size against its kind's limit
/// first; its manifest entry.
fn copy_in(
    source: &Path,
    dir: &Path,
    name: String,
    kind: FileKind,
) -> Result<FileEntry, BundleError> {
    let fail = |e: std::io::Error| make_error(source, e);
    let mut input = File::open(source).map_err(fail)?;
    let size = input.metadata().map_err(fail)?.len();
    let (limit, what) = kind.limit();
    if size > limit {
        return Err(make_error(
            source,
            format!("it is {size} bytes, over the limit of {limit} bytes for {what}"),
        ));
    }
    let target = dir.join(&name);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| make_error(parent, e))?;
    }
    let mut output = File::create(&target).map_err(|e| make_error(&target, e))?;
    let (size, sha256) =
        copy_hashing(&mut input, &mut output).map_err(|e| make_error(&target, e))?;
    output.sync_all().map_err(|e| make_error(&target, e))?;
    Ok(FileEntry {
        path: name,
        kind,
        size,
        sha256,
    })
}

/// Write `bytes` to `path` through a temporary file renamed over it.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), BundleError> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    File::create(&temp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| make_error(path, e))
}
