//! Files private by default: the data folder, the store (and its WAL and
//! SHM), logs and staging hold the schedule, the audit log and secrets'
//! neighbours, so they are the kiosk user's alone whatever umask the kiosk
//! was started with; and a rewritten config keeps its mode.

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Make everything this process creates from now on private (0600 files,
/// 0700 folders), whatever umask it inherited. Files meant for others (a
/// feed written for a web server) set their mode explicitly.
pub fn restrict_umask() {
    // SAFETY: umask has no preconditions; it only affects later creations.
    unsafe {
        libc::umask(0o077);
    }
}

/// Create `dir` (and missing parents) as 0700; an existing one open to
/// others is closed to them.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    tighten(dir, 0o700)
}

/// Create `file` empty as 0600 if it does not exist; an existing one open
/// to others is closed to them. (SQLite sets a new database file to 0644
/// itself, whatever the umask, unless the file already exists.)
pub fn private_file(file: &Path) -> io::Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => tighten(file, 0o600),
        Err(e) => Err(e),
    }
}

/// Close an existing file to others (nothing if there is no such file).
pub fn close_to_others(file: &Path) -> io::Result<()> {
    match tighten(file, 0o600) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Drop the group and other bits of `path`'s mode, if any, to `mode`.
fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Replace `path` with `bytes` atomically (a temporary file in the same
/// folder, synced, renamed over it), keeping the file's mode, or giving a
/// new file `new_mode` (whatever the umask).
pub fn write_atomically(path: &Path, bytes: &[u8], new_mode: u32) -> io::Result<()> {
    let mode = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions().mode() & 0o7777,
        Err(e) if e.kind() == io::ErrorKind::NotFound => new_mode,
        Err(e) => return Err(e),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.set_permissions(Permissions::from_mode(mode))?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
