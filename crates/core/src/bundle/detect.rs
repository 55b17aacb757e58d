//! Finding sticks with a bundle, without D-Bus: look at where desktop and
//! udisks mount removable media, two levels deep, never through a link,
//! with a cap on the entries looked at.

use std::path::{Path, PathBuf};

use super::{BUNDLE_DIR, MANIFEST_FILE};

/// The most folder entries looked at under one root.
pub const MAX_ENTRIES_PER_ROOT: usize = 512;

/// Where removable media are mounted: `/media/<label>`, `/media/<user>/<label>`,
/// `/run/media/<user>/<label>`, `/mnt/<label>`.
pub fn default_mount_roots() -> Vec<PathBuf> {
    ["/media", "/run/media", "/mnt"]
        .iter()
        .map(PathBuf::from)
        .collect()
}

/// The folders holding `summit-kiosk/manifest.json`: each root itself, its
/// folders and their folders (links are not followed), sorted.
pub fn find_bundles(mount_roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for root in mount_roots {
        let mut budget = MAX_ENTRIES_PER_ROOT;
        let mut level = vec![root.clone()];
        for depth in 0..=2 {
            let mut next = Vec::new();
            for dir in &level {
                if has_bundle(dir) {
                    found.push(dir.clone());
                } else if depth < 2 {
                    next.extend(subfolders(dir, &mut budget));
                }
            }
            level = next;
        }
    }
    found.sort();
    found.dedup();
    found
}

fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

fn has_bundle(dir: &Path) -> bool {
    let bundle = dir.join(BUNDLE_DIR);
    is_real_dir(&bundle)
        && std::fs::symlink_metadata(bundle.join(MANIFEST_FILE)).is_ok_and(|m| m.is_file())
}

/// The real folders in `dir`, at most `budget` entries looked at in all.
fn subfolders(dir: &Path, budget: &mut usize) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut folders = Vec::new();
    for entry in entries {
        if *budget == 0 {
            tracing::debug!(dir = %dir.display(), "too many entries; the rest are not looked at");
            break;
        }
        *budget -= 1;
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            folders.push(entry.path());
        }
    }
    folders
}
