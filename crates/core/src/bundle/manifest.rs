//! The manifest (`summit-kiosk/manifest.json`, `docs/bundle-format.md`): what
//! the bundle is and every file in it with its size and SHA-256. Parsing it
//! checks everything that can be checked without touching the files: names,
//! counts, declared sizes, kinds.

use std::collections::HashSet;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{BundleError, FORMAT_VERSION};
use crate::limits;

/// The most files one bundle may list.
pub const MAX_FILES: usize = 5_000;
/// Bytes of one photo.
pub const MAX_PHOTO_BYTES: u64 = 64 << 20;
/// Bytes of the announcements file.
pub const MAX_ANNOUNCEMENTS_BYTES: u64 = 1 << 20;
/// Bytes of all the files together.
pub const MAX_TOTAL_BYTES: u64 = 2 << 30;
/// Bytes of one component of a file name (a common file-system limit).
pub const MAX_NAME_COMPONENT_BYTES: usize = 255;
/// Bytes of a whole file name.
pub const MAX_NAME_BYTES: usize = 1_024;
/// The extensions a photo may have (compared in lower case).
pub const PHOTO_EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "webp"];

/// How far ahead of now a bundle's version may be (one year, in seconds).
pub const MAX_VERSION_AHEAD_SECS: u64 = 366 * 24 * 3600;

/// The highest `bundle_version` accepted at `now`: now in Unix seconds plus
/// [`MAX_VERSION_AHEAD_SECS`].
pub fn max_version(now: Timestamp) -> u64 {
    (now.as_second().max(0) as u64).saturating_add(MAX_VERSION_AHEAD_SECS)
}

/// Names at the top of the bundle folder that are the bundle's own.
const RESERVED: [&str; 3] = ["manifest.json", "manifest.json.minisig", "reports"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT_VERSION`] (1).
    pub format_version: u32,
    pub conference: ConferenceRef,
    /// Grows with each bundle made for the conference (unix seconds by default).
    pub bundle_version: u64,
    pub created_at: Timestamp,
    pub files: Vec<FileEntry>,
}

/// Which conference the bundle is for: the schedule's conference id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConferenceRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the bundle folder, `/`-separated.
    pub path: String,
    pub kind: FileKind,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// Exactly one: a schedule in any format kiosk-core imports.
    Schedule,
    /// A picture for the photo wall (jpg, jpeg, png, webp).
    Photo,
    /// At most one JSON file, carried through to the shell.
    Announcements,
}

impl FileKind {
    /// The limit on one file of this kind, and how it is named in messages.
    pub fn limit(self) -> (u64, &'static str) {
        match self {
            FileKind::Schedule => (limits::MAX_SCHEDULE_BYTES, "a schedule"),
            FileKind::Photo => (MAX_PHOTO_BYTES, "a photo"),
            FileKind::Announcements => (MAX_ANNOUNCEMENTS_BYTES, "announcements"),
        }
    }
}

impl Manifest {
    /// Parse and check manifest bytes read from `path`.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Manifest, BundleError> {
        let syntax = |offset: usize, message: String| {
            let (line, column) = crate::import::line_column(bytes, offset);
            BundleError::ManifestSyntax {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|e| syntax(e.valid_up_to(), "the manifest is not UTF-8 text".into()))?;
        let manifest: Manifest = serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            BundleError::ManifestSyntax {
                path: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
                message: format!("not a bundle manifest: {message}"),
            }
        })?;
        manifest.validate(path)?;
        Ok(manifest)
    }

    /// Everything about the manifest that does not need the files.
    pub fn validate(&self, path: &Path) -> Result<(), BundleError> {
        let fail = |message: String| BundleError::Manifest {
            path: path.to_path_buf(),
            message,
        };
        if self.format_version != FORMAT_VERSION {
            return Err(fail(format!(
                "format_version {} is not supported (this kiosk reads version {FORMAT_VERSION})",
                self.format_version
            )));
        }
        let id = self.conference.id.trim();
        if id.is_empty() || id.chars().count() > limits::MAX_ID_CHARS {
            return Err(fail(format!(
                "the conference id must be 1 to {} characters",
                limits::MAX_ID_CHARS
            )));
        }
        let cap = max_version(Timestamp::now());
        if self.bundle_version > cap {
            return Err(fail(format!(
                "bundle_version {} is more than a year ahead of now (at most {cap}): versions are \
                 Unix seconds, as `bundle make` writes them, so one stick cannot outrank every \
                 genuine one to come",
                self.bundle_version
            )));
        }
        if self.files.len() > MAX_FILES {
            return Err(fail(format!(
                "it lists {} files, over the limit of {MAX_FILES}",
                self.files.len()
            )));
        }
        self.check_names(path)?;
        self.check_kinds_and_sizes(path)
    }

    fn check_names(&self, path: &Path) -> Result<(), BundleError> {
        let mut exact = HashSet::new();
        let mut folded = HashSet::new();
        let mut folders = HashSet::new();
        for entry in &self.files {
            let name = entry.path.as_str();
            check_name(name).map_err(|reason| BundleError::BadName {
                path: path.to_path_buf(),
                name: name.to_string(),
                reason,
            })?;
            let new_exact = exact.insert(name);
            if !folded.insert(name.to_lowercase()) {
                return Err(BundleError::Duplicate {
                    path: path.to_path_buf(),
                    name: name.to_string(),
                    exact: !new_exact,
                });
            }
            let mut parent = name;
            while let Some((up, _)) = parent.rsplit_once('/') {
                folders.insert(up.to_lowercase());
                parent = up;
            }
        }
        let clash = self
            .files
            .iter()
            .find(|f| folders.contains(&f.path.to_lowercase()));
        match clash {
            Some(entry) => Err(BundleError::BadName {
                path: path.to_path_buf(),
                name: entry.path.clone(),
                reason: "it is both a file and the folder of another file".into(),
            }),
            None => Ok(()),
        }
    }

    fn check_kinds_and_sizes(&self, path: &Path) -> Result<(), BundleError> {
        let fail = |message: String| BundleError::Manifest {
            path: path.to_path_buf(),
            message,
        };
        let count = |kind| self.files.iter().filter(|f| f.kind == kind).count();
        match count(FileKind::Schedule) {
            1 => {}
            n => {
                return Err(fail(format!(
                    "it lists {n} schedules; a bundle has exactly one"
                )))
            }
        }
        if count(FileKind::Announcements) > 1 {
            return Err(fail("it lists more than one announcements file".into()));
        }
        let mut total: u64 = 0;
        for entry in &self.files {
            let bad_name = |reason: &str| BundleError::BadName {
                path: path.to_path_buf(),
                name: entry.path.clone(),
                reason: reason.to_string(),
            };
            if !is_sha256_hex(&entry.sha256) {
                return Err(bad_name("its sha256 is not 64 lower-case hex digits"));
            }
            if entry.kind == FileKind::Photo && !is_photo_name(&entry.path) {
                return Err(bad_name("a photo must end in .jpg, .jpeg, .png or .webp"));
            }
            let (limit, what) = entry.kind.limit();
            if entry.size > limit {
                return Err(BundleError::FileTooLarge {
                    path: path.to_path_buf(),
                    name: entry.path.clone(),
                    size: entry.size,
                    limit,
                    what,
                });
            }
            total = total.saturating_add(entry.size);
        }
        if total > MAX_TOTAL_BYTES {
            return Err(fail(format!(
                "its files total {total} bytes, over the limit of {MAX_TOTAL_BYTES}"
            )));
        }
        Ok(())
    }

    /// The one schedule entry (there is exactly one in a checked manifest).
    pub fn schedule(&self) -> &FileEntry {
        self.files
            .iter()
            .find(|f| f.kind == FileKind::Schedule)
            .expect("a checked manifest lists one schedule")
    }

    /// The manifest as written by `make`: pretty JSON with a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }
}

/// Whether `name` is a plain relative file name a bundle may list; the
/// reason if not. Plain: `/`-separated components, none empty, `.` or `..`,
/// none over 255 bytes, no backslash, NUL or other control character, not
/// starting with `/`, and not one of the bundle's own names at the top.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!("it is over {MAX_NAME_BYTES} bytes"));
    }
    if name.starts_with('/') {
        return Err("it is an absolute path; names are relative to the bundle folder".into());
    }
    if let Some(c) = name.chars().find(|c| *c == '\\' || c.is_control()) {
        return Err(match c {
            '\\' => "it contains a backslash; separate folders with /".into(),
            '\0' => "it contains a NUL character".into(),
            _ => format!("it contains the control character {:?}", c),
        });
    }
    for component in name.split('/') {
        match component {
            "" => return Err("it has an empty component (// or a trailing /)".into()),
            "." | ".." => {
                return Err(format!(
                    "it has a {component:?} component; names must stay inside the bundle folder"
                ))
            }
            c if c.len() > MAX_NAME_COMPONENT_BYTES => {
                return Err(format!(
                    "a component is over {MAX_NAME_COMPONENT_BYTES} bytes"
                ))
            }
            _ => {}
        }
    }
    let top = name.split('/').next().unwrap_or(name);
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(top)) {
        return Err(format!("{top:?} is the bundle's own name"));
    }
    Ok(())
}

/// Whether a name ends in one of [`PHOTO_EXTENSIONS`].
pub fn is_photo_name(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && !stem.ends_with('/')
            && PHOTO_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    })
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
