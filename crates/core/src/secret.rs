//! Secrets (the feed's bearer token, a source's token): held in a type that
//! never prints its value, read from files only when no one else can read
//! them, and taken out of URLs before a URL becomes a name.

use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::error::{Error, Result};

/// Bytes of a token file (a token is tens of bytes).
pub const MAX_SECRET_BYTES: u64 = 4096;

/// A secret value: `Debug` and every message show `…`, never the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into().trim().to_string())
    }

    /// The value, for the one place that sends or compares it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
    }
}

/// Refuse a file holding a secret that others may read: a regular file
/// (no link), owned by this user, with no group or other permissions.
pub fn check_private_file(path: &Path, what: &str) -> Result<std::fs::Metadata> {
    let fail = |message: String| Error::Config {
        path: path.to_path_buf(),
        message,
    };
    let meta =
        std::fs::symlink_metadata(path).map_err(|e| fail(format!("cannot read {what}: {e}")))?;
    if !meta.file_type().is_file() {
        return Err(fail(format!(
            "{what} must be a regular file, not a link or a folder"
        )));
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(fail(format!(
            "{what} may be read by others (mode {mode:04o}); make it private: chmod 600 {}",
            path.display()
        )));
    }
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(fail(format!(
            "{what} belongs to user {}, not to the user running the kiosk ({me})",
            meta.uid()
        )));
    }
    Ok(meta)
}

/// Read a token file: private ([`check_private_file`]), at most
/// [`MAX_SECRET_BYTES`], one line of text, not empty.
pub fn read_secret_file(path: &Path, what: &str) -> Result<Secret> {
    let fail = |message: String| Error::Config {
        path: path.to_path_buf(),
        message,
    };
    let meta = check_private_file(path, what)?;
    if meta.len() > MAX_SECRET_BYTES {
        return Err(fail(format!(
            "{what} is {} bytes, over the limit of {MAX_SECRET_BYTES}",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_SECRET_BYTES).read_to_end(&mut bytes))
        .map_err(|e| fail(format!("cannot read {what}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| fail(format!("{what} is not UTF-8 text")))?;
    let value = text.trim();
    if value.is_empty() {
        return Err(fail(format!("{what} is empty")));
    }
    if value.chars().any(char::is_control) {
        return Err(fail(format!(
            "{what} must be one line with no control characters"
        )));
    }
    Ok(Secret::new(value))
}
