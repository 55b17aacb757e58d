//! The shell's errors, and every code that can cross the IPC boundary, listed
//! once. At IPC an error is `{code, message}`: a sentence for the organizer,
//! a stable code for the UI and the tests.

use serde::Serialize;

use kiosk_core::edits::EditError;
use kiosk_core::pin::UnlockError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// kiosk-core's errors keep their own codes (an edit's refusal says
    /// `overlap`, `no_session`, …; a missing photo `not_found`).
    #[error(transparent)]
    Core(#[from] kiosk_core::Error),
    #[error("{message}")]
    Unlock {
        source: UnlockError,
        message: String,
    },
    #[error("The control panel is locked: enter the PIN.")]
    Locked,
    #[error("Send the photo's bytes as the request body.")]
    BadUpload,
    #[error("The photo is {size_mb} MB; the limit is {limit_mb} MB.")]
    PhotoTooLarge { size_mb: u64, limit_mb: u64 },
    #[error("the window system: {0}")]
    Window(String),
}

impl From<EditError> for Error {
    fn from(e: EditError) -> Self {
        Error::Core(e.into())
    }
}

/// The codes only the shell gives (none is one of kiosk-core's).
pub const SHELL_CODES: &[&str] = &["locked", "bad_upload", "photo_too_large", "window"];

/// The unlock's codes (kiosk-core's PIN lock).
pub const UNLOCK_CODES: &[&str] = &["wrong_pin", "retry_later", "no_pin"];

/// kiosk-core's codes that the control commands give (of
/// [`kiosk_core::error::ALL_CODES`]; a broken store file would add `store`
/// or `sqlite`). Adding a session never names its id, so `duplicate_id`
/// cannot cross.
pub const CORE_CODES: &[&str] = &[
    "no_session",
    "no_room",
    "nothing_to_delay",
    "overlap",
    "invalid_session",
    "invalid_announcement",
    "invalid_edit",
    "no_schedule",
    "nothing_to_roll_back",
    "not_found",
    "io",
    "unknown_screen",
];

/// Every code that can cross IPC, each once.
pub fn ipc_codes() -> Vec<&'static str> {
    [SHELL_CODES, UNLOCK_CODES, CORE_CODES].concat()
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Core(e) => e.code(),
            Error::Unlock { source, .. } => source.code(),
            Error::Locked => "locked",
            Error::BadUpload => "bad_upload",
            Error::PhotoTooLarge { .. } => "photo_too_large",
            Error::Window(_) => "window",
        }
    }

    /// Something the organizer named is not there (a photo, a source).
    pub fn not_found(what: String) -> Error {
        Error::Core(kiosk_core::Error::NotFound { what })
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
