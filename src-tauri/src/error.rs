//! The shell's errors, and every code that can cross the IPC boundary, listed
//! once. At IPC an error is `{code, message}`: a sentence for the organizer,
//! a stable code for the UI and the tests.

use serde::Serialize;

use kiosk_core::edits::EditError;
use kiosk_core::pin::UnlockError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] kiosk_core::Error),
    #[error("{0}")]
    Edit(#[from] EditError),
    #[error("{message}")]
    Unlock {
        source: UnlockError,
        message: String,
    },
    #[error("The control panel is locked: enter the PIN.")]
    Locked,
    #[error("No such photo.")]
    UnknownPhoto,
    #[error("No source {0:?}.")]
    UnknownSource(String),
    #[error("Send the photo's bytes as the request body.")]
    BadUpload,
    #[error("The photo is {size_mb} MB; the limit is {limit_mb} MB.")]
    PhotoTooLarge { size_mb: u64, limit_mb: u64 },
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("the window system: {0}")]
    Window(String),
    #[error("no schedule has been imported yet; import one before changing it")]
    NoSchedule,
}

/// The codes the shell gives for its own errors.
pub const SHELL_CODES: &[&str] = &[
    "locked",
    "unknown_photo",
    "unknown_source",
    "bad_upload",
    "photo_too_large",
    "io",
    "window",
    "no_schedule",
];

/// The codes of kiosk-core errors the control commands can return (edits
/// and announcements are checked before the store sees them, so their
/// refusals keep their own codes below).
pub const CORE_CODES: &[&str] = &["store"];

/// The edit codes a control command can return (adding a session never
/// names its id, so `duplicate_id` cannot cross).
pub const EDIT_CODES: &[&str] = &[
    "no_session",
    "no_room",
    "nothing_to_delay",
    "overlap",
    "invalid_session",
    "invalid_announcement",
    "invalid_edit",
];

pub const UNLOCK_CODES: &[&str] = &["wrong_pin", "retry_later", "no_pin"];

/// Every code that can cross IPC, each once.
pub fn ipc_codes() -> Vec<&'static str> {
    [SHELL_CODES, CORE_CODES, EDIT_CODES, UNLOCK_CODES].concat()
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Core(e) => e.code(),
            Error::Edit(e) => e.code(),
            Error::Unlock { source, .. } => source.code(),
            Error::Locked => "locked",
            Error::UnknownPhoto => "unknown_photo",
            Error::UnknownSource(_) => "unknown_source",
            Error::BadUpload => "bad_upload",
            Error::PhotoTooLarge { .. } => "photo_too_large",
            Error::Io { .. } => "io",
            Error::Window(_) => "window",
            Error::NoSchedule => "no_schedule",
        }
    }
}

/// How an error crosses IPC.
#[derive(Debug, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        IpcError {
            code: self.code(),
            message: self.to_string(),
        }
        .serialize(s)
    }
}

impl From<tauri::Error> for Error {
    fn from(e: tauri::Error) -> Self {
        Error::Window(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
