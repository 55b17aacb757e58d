//! What can go wrong with a USB bundle. Every message names the stick's
//! folder or file and the problem, in words a venue tech can act on; `code()`
//! is stable for the IPC boundary, the report file and tests.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: no bundle here (no summit-kiosk/manifest.json)")]
    NoBundle { path: PathBuf },
    #[error("{path}: cannot read: {source}; was the stick pulled out?")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The manifest or its signature file.
    #[error("{path}: the file is {size} bytes, over the limit of {limit} bytes")]
    ManifestTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path}: line {line}, column {column}: {message}")]
    ManifestSyntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("{path}: file name {name:?} is refused: {reason}")]
    BadName {
        path: PathBuf,
        name: String,
        reason: String,
    },
    #[error("{path}: file name {name:?} is listed twice{}", if *.exact { "" } else { " (names differing only in case are the same file on a USB stick)" })]
    Duplicate {
        path: PathBuf,
        name: String,
        exact: bool,
    },
    #[error(
        "{path}: {name:?} is declared as {size} bytes, over the limit of {limit} bytes for {what}"
    )]
    FileTooLarge {
        path: PathBuf,
        name: String,
        size: u64,
        limit: u64,
        what: &'static str,
    },
    #[error("{path}: the file is missing from the stick")]
    Missing { path: PathBuf },
    #[error("{path}: refused: {reason}")]
    NotRegular { path: PathBuf, reason: String },
    #[error("{path}: size mismatch: the manifest says {expected} bytes, the file has {found}")]
    SizeMismatch {
        path: PathBuf,
        expected: u64,
        found: String,
    },
    #[error("{path}: SHA-256 mismatch: the manifest says {expected}, the file has {actual}")]
    HashMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("{path}: bad signature: {message}")]
    BadSignature { path: PathBuf, message: String },
    #[error("{path}: the bundle is not signed, and this kiosk accepts signed bundles only")]
    Unsigned { path: PathBuf },
    #[error("{path}: signed by key {key_id}, which this kiosk does not trust")]
    UntrustedKey { path: PathBuf, key_id: String },
    #[error("trusted key #{index} is not a minisign public key: {message}")]
    BadKey { index: usize, message: String },
    #[error("{path}: the bundle is for conference {bundle:?}, but this kiosk shows {loaded:?}")]
    OtherConference {
        path: PathBuf,
        bundle: String,
        loaded: String,
    },
    #[error(
        "{path}: bundle version {version} is not newer than version {latest}, already applied"
    )]
    NotNewer {
        path: PathBuf,
        version: u64,
        latest: u64,
    },
    /// `source` names the file (`path`) itself.
    #[error("the schedule is refused: {source}")]
    Schedule {
        path: PathBuf,
        #[source]
        source: crate::Error,
    },
    #[error("{path}: cannot write the staged copy: {source}")]
    Staging {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot make the bundle: {message}")]
    Make { path: PathBuf, message: String },
    #[error("{path}: cannot write the report: {source}")]
    Report {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::Error),
}

impl BundleError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            BundleError::NoBundle { .. } => "no_bundle",
            BundleError::Io { .. } => "io",
            BundleError::ManifestTooLarge { .. } => "manifest_too_large",
            BundleError::ManifestSyntax { .. } => "manifest_syntax",
            BundleError::Manifest { .. } => "manifest",
            BundleError::BadName { .. } => "bad_name",
            BundleError::Duplicate { .. } => "duplicate_name",
            BundleError::FileTooLarge { .. } => "file_too_large",
            BundleError::Missing { .. } => "missing_file",
            BundleError::NotRegular { .. } => "not_regular_file",
            BundleError::SizeMismatch { .. } => "size_mismatch",
            BundleError::HashMismatch { .. } => "hash_mismatch",
            BundleError::BadSignature { .. } => "bad_signature",
            BundleError::Unsigned { .. } => "unsigned",
            BundleError::UntrustedKey { .. } => "untrusted_key",
            BundleError::BadKey { .. } => "bad_key",
            BundleError::OtherConference { .. } => "other_conference",
            BundleError::NotNewer { .. } => "not_newer",
            BundleError::Schedule { .. } => "invalid_schedule",
            BundleError::Staging { .. } => "staging",
            BundleError::Make { .. } => "make",
            BundleError::Report { .. } => "report",
            BundleError::Store(_) => "store",
        }
    }

    /// Whether the same manifest will be refused for the same reason every
    /// time, whatever the stick's files or this kiosk's keys and schedule:
    /// a mistake in the manifest itself, a version not newer than one applied
    /// (versions only grow), or a schedule that does not validate (its bytes
    /// are fixed by the manifest's SHA-256). Such refusals are recorded so a
    /// re-inserted stick is not checked again; the others (a stick pulled out,
    /// a file damaged on the stick, a missing signature, another conference)
    /// may go away, so they are retried on the next insertion.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            BundleError::Manifest { .. }
                | BundleError::BadName { .. }
                | BundleError::Duplicate { .. }
                | BundleError::FileTooLarge { .. }
                | BundleError::NotNewer { .. }
                | BundleError::Schedule { .. }
        )
    }
}
