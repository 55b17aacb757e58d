//! The core crate's one error type. Every variant names *where* the problem is
//! (a file, a place in it, a store) and *what* it is, in words an organizer or a
//! venue tech can act on.

use std::path::PathBuf;

use crate::edits::EditError;

/// One problem found while validating a schedule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where in the source: a JSON path such as `sessions[3] ("d1-prefect").end`.
    pub place: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading a file failed (see [`Error::Io`] for everything else done to one).
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing, creating or renaming a file or folder failed; `op` says
    /// what was being done (`write`, `create the folder`, …).
    #[error("{path}: cannot {op}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: the file is {size} bytes, over the limit of {limit} bytes for a schedule")]
    TooLarge {
        origin: String,
        size: u64,
        limit: u64,
    },
    #[error("{origin}: the file is empty")]
    Empty { origin: String },
    #[error("{origin}: line {line}, column {column}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: the schedule is not valid:\n{}", list(.problems))]
    Invalid {
        origin: String,
        problems: Vec<Problem>,
    },
    #[error("no room named {room:?}; the rooms are: {}", .known.join(", "))]
    UnknownRoom { room: String, known: Vec<String> },
    /// Something asked for by name is not there; `what` names its kind and
    /// name (`source "https://…"`, `photo 3fa4…`).
    #[error("{what} is not there")]
    NotFound { what: String },
    /// An organizer's change refused; the message names the session, room
    /// or announcement, and the code says why (`overlap`, `no_session`, …).
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("store {path}: no schedule has been imported yet; import one before changing it")]
    NoSchedule { path: String },
    #[error("store {path}: there is no earlier imported schedule kept to roll back to")]
    NothingToRollBack { path: String },
    /// A parser panicked on a source's content (caught; the schedule on
    /// screen stays).
    #[error(
        "{source_name}: reading this source crashed the importer; the schedule on screen stays"
    )]
    ImporterPanicked { source_name: String },
    /// The store file itself is unusable: another program's, from a newer
    /// version, or holding data this version cannot read back.
    #[error("store {path}: {message}")]
    Store { path: String, message: String },
    /// SQLite refused: the store's or an exchange file's.
    #[error("{path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("config {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("{0}")]
    Time(String),
    #[error("{url}: {message}")]
    Fetch {
        url: String,
        message: String,
        /// What the server asked for in `Retry-After`.
        retry_after: Option<std::time::Duration>,
    },
    #[error("{origin}: {source}")]
    Feed {
        origin: String,
        #[source]
        source: crate::feed::FeedError,
    },
    /// A screen's report, a command to one, or the fleet's transport;
    /// `origin` names the screen, peer or broker.
    #[error("{origin}: {source}")]
    Fleet {
        origin: String,
        #[source]
        source: crate::fleet::FleetError,
    },
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every code [`Error::code`] gives, each once: the IPC boundary's and the
/// tests' vocabulary.
pub const ALL_CODES: &[&str] = &[
    "read",
    "io",
    "too_large",
    "empty",
    "syntax",
    "invalid",
    "unknown_room",
    "not_found",
    "no_session",
    "no_room",
    "nothing_to_delay",
    "overlap",
    "invalid_session",
    "duplicate_id",
    "invalid_announcement",
    "invalid_room_status",
    "invalid_emergency",
    "invalid_edit",
    "no_schedule",
    "nothing_to_roll_back",
    "importer_panicked",
    "store",
    "sqlite",
    "config",
    "time",
    "fetch",
    "feed_unsigned",
    "feed_untrusted_key",
    "feed_bad_signature",
    "feed_malformed",
    "feed_expected",
    "feed_replayed",
    "feed_key",
    "report_too_large",
    "report_malformed",
    "report_invalid",
    "report_unauthenticated",
    "report_rate_limited",
    "screen_rate_limited",
    "fleet_full",
    "report_replayed",
    "command_refused",
    "unknown_screen",
    "report_transport",
];

impl Error {
    /// A stable machine-readable code (one of [`ALL_CODES`]), used at the
    /// IPC boundary and by tests.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Read { .. } => "read",
            Error::Io { .. } => "io",
            Error::TooLarge { .. } => "too_large",
            Error::Empty { .. } => "empty",
            Error::Syntax { .. } => "syntax",
            Error::Invalid { .. } => "invalid",
            Error::UnknownRoom { .. } => "unknown_room",
            Error::NotFound { .. } => "not_found",
            Error::Edit(e) => e.code(),
            Error::NoSchedule { .. } => "no_schedule",
            Error::NothingToRollBack { .. } => "nothing_to_roll_back",
            Error::ImporterPanicked { .. } => "importer_panicked",
            Error::Store { .. } => "store",
            Error::Sqlite { .. } => "sqlite",
            Error::Config { .. } => "config",
            Error::Time(_) => "time",
            Error::Fetch { .. } => "fetch",
            Error::Feed { source, .. } => source.code(),
            Error::Fleet { source, .. } => source.code(),
        }
    }

    /// An I/O failure other than reading, at `path`.
    pub fn io(op: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { op, path, source }
    }
}

impl Error {
    /// A serde_json error as a syntax error at its line and column; `what`
    /// names the format a data error means it is not ("a frab/pretalx schedule").
    pub fn json_syntax(origin: &str, e: &serde_json::Error, what: &str) -> Error {
        use serde_json::error::Category;
        let text = e.to_string();
        // serde_json appends " at line L column C"; the error prints the place.
        let text = match text.rfind(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        let message = match e.classify() {
            Category::Syntax | Category::Eof => format!("not valid JSON: {text}"),
            Category::Data => format!("not {what}: {text}"),
            Category::Io => text,
        };
        Error::Syntax {
            origin: origin.to_string(),
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
