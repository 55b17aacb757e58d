//! The core crate's one error type. Every variant names *where* the problem is
//! (a file, a place in it, a store) and *what* it is, in words an organizer or a
//! venue tech can act on.

use std::path::PathBuf;

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
    #[error("{path}: cannot read: {source}")]
    Read {
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
    #[error("store {path}: {message}")]
    Store { path: String, message: String },
    #[error("store {path}: {source}")]
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
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// A stable machine-readable code, used at the IPC boundary and by tests.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Read { .. } => "read",
            Error::TooLarge { .. } => "too_large",
            Error::Empty { .. } => "empty",
            Error::Syntax { .. } => "syntax",
            Error::Invalid { .. } => "invalid",
            Error::UnknownRoom { .. } => "unknown_room",
            Error::Store { .. } | Error::Sqlite { .. } => "store",
            Error::Config { .. } => "config",
            Error::Time(_) => "time",
            Error::Fetch { .. } => "fetch",
            Error::Feed { source, .. } => source.code(),
        }
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
