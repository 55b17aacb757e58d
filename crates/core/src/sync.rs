//! Keeping the store in step with its sources: a watched file (any format,
//! the SQLite exchange file included) or a polled URL. One check of a source
//! says whether it changed and, if so, brings the validated schedule; the
//! shell decides when to check and applies what comes back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;

use crate::draft::Validated;
use crate::error::Result;
use crate::fetch::{self, FetchLimits, Fetched, Validator};
use crate::import::{self, Format, ImportOptions};
use crate::model::Schedule;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Url(String),
}

impl Source {
    pub fn parse(text: &str) -> Source {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Source::Url(t.to_string())
        } else {
            Source::File(PathBuf::from(t))
        }
    }

    /// How the source is named in the store, logs and messages.
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Url(u) => u.clone(),
        }
    }
}

/// What the store remembers of a source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub source: String,
    pub last_attempt: Option<Timestamp>,
    pub last_success: Option<Timestamp>,
    /// When the current run of failures began; `None` while it works.
    pub failing_since: Option<Timestamp>,
    pub failures: u32,
    pub last_error: Option<String>,
    /// ETag / Last-Modified of the last good response (URLs).
    pub validator: Validator,
    /// Size and modification times of the file and its WAL (files).
    pub fingerprint: Option<String>,
}

impl SyncState {
    pub fn succeeded(&mut self, at: Timestamp) {
        self.last_attempt = Some(at);
        self.last_success = Some(at);
        self.failing_since = None;
        self.failures = 0;
        self.last_error = None;
    }

    pub fn failed(&mut self, at: Timestamp, error: &str) {
        self.last_attempt = Some(at);
        self.failing_since.get_or_insert(at);
        self.failures = self.failures.saturating_add(1);
        self.last_error = Some(error.to_string());
    }

    /// Failing for at least `after`, as of `now`.
    pub fn offline(&self, now: Timestamp, after: Duration) -> bool {
        self.failing_since
            .is_some_and(|since| now.duration_since(since).as_secs_f64() >= after.as_secs_f64())
    }
}

/// What an import changed, by session id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// The new revision; `None` when nothing changed.
    pub revision: Option<i64>,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub sessions: usize,
}

impl ImportSummary {
    pub fn between(old: Option<&Schedule>, new: &Schedule) -> ImportSummary {
        let old_sessions: std::collections::HashMap<&str, &crate::model::Session> = old
            .map(|o| o.sessions.iter().map(|s| (s.id.as_str(), s)).collect())
            .unwrap_or_default();
        let mut summary = ImportSummary {
            sessions: new.sessions.len(),
            ..ImportSummary::default()
        };
        for s in &new.sessions {
            match old_sessions.get(s.id.as_str()) {
                None => summary.added += 1,
                Some(o) if *o != s => summary.changed += 1,
                Some(_) => {}
            }
        }
        let new_ids: std::collections::HashSet<&str> =
            new.sessions.iter().map(|s| s.id.as_str()).collect();
        summary.removed = old_sessions
            .keys()
            .filter(|id| !new_ids.contains(*id))
            .count();
        summary
    }
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} sessions: {} added, {} changed, {} removed",
            self.sessions, self.added, self.changed, self.removed
        )
    }
}

/// The outcome of one check of a source.
#[derive(Debug)]
pub enum Checked {
    /// Same as last time (a 304, or a file that has not changed).
    Unchanged,
    /// A new version, validated.
    Changed {
        format: Format,
        validated: Box<Validated>,
        validator: Validator,
        fingerprint: Option<String>,
        /// From another kiosk's feed: the announcements it shows
        /// (`None` for every other format).
        announcements: Option<Vec<crate::edits::Announcement>>,
    },
}

/// Size and modification time of a file and of its SQLite WAL, if any: a
/// change by another program, in place, by rename or through the WAL,
/// changes this.
pub fn fingerprint(path: &Path) -> Option<String> {
    let stamp = |p: &Path| {
        std::fs::metadata(p).ok().map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let inode = std::os::unix::fs::MetadataExt::ino(&m);
            format!("{}:{modified}:{inode}", m.len())
        })
    };
    let main = stamp(path)?;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    Some(match stamp(Path::new(&wal)) {
        Some(w) => format!("{main}+{w}"),
        None => main,
    })
}

/// Check a source once against what the store knows of it.
pub fn check(
    source: &Source,
    known: &SyncState,
    options: &ImportOptions,
    limits: &FetchLimits,
) -> Result<Checked> {
    match source {
        Source::File(path) => {
            let before = fingerprint(path);
            if before.is_some() && before == known.fingerprint {
                return Ok(Checked::Unchanged);
            }
            let (format, validated) = import::load_file(path, options)?;
            Ok(Checked::Changed {
                format,
                validated: Box::new(validated),
                validator: Validator::default(),
                fingerprint: before,
                announcements: None,
            })
        }
        Source::Url(url) => match fetch::fetch(url, &known.validator, limits)? {
            Fetched::NotModified => Ok(Checked::Unchanged),
            Fetched::Body {
                bytes,
                content_type,
                validator,
            } => {
                fetch::check_content_type(url, content_type.as_deref(), &bytes)?;
                let (format, validated) = import::parse_bytes(url, &bytes, options)?;
                let announcements = if format == import::Format::Feed {
                    Some(crate::feed::parse(url, &bytes)?.1)
                } else {
                    None
                };
                Ok(Checked::Changed {
                    format,
                    validated: Box::new(validated),
                    validator,
                    fingerprint: None,
                    announcements,
                })
            }
        },
    }
}

/// May a schedule from source `index` (0 = highest priority) replace the one
/// shown, which came from source `active`? Yes, unless the active source
/// ranks higher and still works. The organizer's `preferred` source ranks
/// above all; the others rank by their place in the configuration.
pub fn may_replace(
    index: usize,
    active: Option<usize>,
    preferred: Option<usize>,
    active_works: bool,
) -> bool {
    let rank = |i: usize| if Some(i) == preferred { 0 } else { i + 1 };
    match active {
        Some(a) if rank(a) < rank(index) => !active_works,
        _ => true,
    }
}
