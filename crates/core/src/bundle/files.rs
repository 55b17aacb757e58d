//! Reading files off a stick safely: regular files only, reached without a
//! symbolic link at any step and without leaving the stick's file system,
//! and streamed through SHA-256 against the manifest's size and sum.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::manifest::FileEntry;
use super::BundleError;

/// Opens a file of a bundle for reading: `dir` is the bundle folder, `name`
/// a checked manifest name. Staging reads through it, so tests can stand in
/// a stick that is pulled out half-way.
pub trait Opener {
    fn open(&self, dir: &Path, name: &str) -> io::Result<Box<dyn Read>>;
}

impl<F> Opener for F
where
    F: Fn(&Path, &str) -> io::Result<Box<dyn Read>>,
{
    fn open(&self, dir: &Path, name: &str) -> io::Result<Box<dyn Read>> {
        self(dir, name)
    }
}

/// The real opener: [`open_regular`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SafeOpener;

impl Opener for SafeOpener {
    fn open(&self, dir: &Path, name: &str) -> io::Result<Box<dyn Read>> {
        Ok(Box::new(open_regular(dir, name)?.0))
    }
}

/// Why a path on the stick is refused although it exists (a symbolic link, a
/// folder, a device...), carried inside an `io::Error` through [`Opener`].
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refused(reason: impl Into<String>) -> io::Error {
    io::Error::other(Refused(reason.into()))
}

/// `O_NOFOLLOW | O_NONBLOCK` where their values are known (Linux), so the
/// kernel too refuses a last component swapped for a link, and a FIFO swapped
/// in cannot block the open. The checks below stand without them.
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "x86", target_arch = "riscv64")
))]
const OPEN_FLAGS: i32 = 0x20000 | 0o4000;
#[cfg(all(target_os = "linux", any(target_arch = "aarch64", target_arch = "arm")))]
const OPEN_FLAGS: i32 = 0x8000 | 0o4000;
#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "riscv64",
        target_arch = "aarch64",
        target_arch = "arm"
    )
)))]
const OPEN_FLAGS: i32 = 0;

/// Open `dir/name` for reading if every component after `dir` is a real
/// folder (not a link), the last a regular file, all on `dir`'s file system,
/// and the file opened is the one looked at (same device and inode).
pub fn open_regular(dir: &Path, name: &str) -> io::Result<(File, Metadata)> {
    let device = std::fs::symlink_metadata(dir)?.dev();
    let parts: Vec<&str> = name.split('/').collect();
    let mut path = dir.to_path_buf();
    let mut seen = None;
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = std::fs::symlink_metadata(&path)?;
        let last = i + 1 == parts.len();
        let what = if last { "the file" } else { "its folder" };
        if meta.file_type().is_symlink() {
            return Err(refused(format!(
                "{what} {:?} is a symbolic link; a bundle holds plain files only",
                path_tail(dir, &path)
            )));
        }
        if meta.dev() != device {
            return Err(refused(format!(
                "{what} {:?} is on another file system than the bundle",
                path_tail(dir, &path)
            )));
        }
        if !last && !meta.is_dir() {
            return Err(refused(format!(
                "{:?} is not a folder",
                path_tail(dir, &path)
            )));
        }
        if last && !meta.is_file() {
            return Err(refused(
                "it is not a regular file (a folder, device or pipe)",
            ));
        }
        seen = Some(meta);
    }
    let seen = seen.ok_or_else(|| refused("the name is empty"))?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(OPEN_FLAGS)
        .open(&path)?;
    let opened = file.metadata()?;
    if !opened.is_file() || opened.dev() != seen.dev() || opened.ino() != seen.ino() {
        return Err(refused("the file changed while it was being opened"));
    }
    Ok((file, opened))
}

fn path_tail(dir: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(dir).unwrap_or(path).to_path_buf()
}

/// An `io::Error` from opening or reading `path` on the stick, as a bundle
/// error: refused, missing, or unreadable.
pub fn file_error(path: PathBuf, e: io::Error) -> BundleError {
    if let Some(Refused(reason)) = e.get_ref().and_then(|inner| inner.downcast_ref()) {
        return BundleError::NotRegular {
            path,
            reason: reason.clone(),
        };
    }
    match e.kind() {
        io::ErrorKind::NotFound => BundleError::Missing { path },
        _ => BundleError::Io { path, source: e },
    }
}

/// Where a stream's bytes go besides the hash: nowhere, or a staged file.
pub type Sink<'a> = Option<(&'a Path, &'a mut dyn Write)>;

/// Read `reader` (the file `source` on the stick) to its end, stopping one
/// byte past the declared size, check its size and SHA-256 against `entry`,
/// and write what is read to `sink` if any.
pub fn verify_stream(
    source: &Path,
    reader: &mut dyn Read,
    entry: &FileEntry,
    mut sink: Sink<'_>,
) -> Result<(), BundleError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut limited = reader.take(entry.size.saturating_add(1));
    let mut total: u64 = 0;
    loop {
        let n = match limited.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(file_error(source.to_path_buf(), e)),
        };
        total += n as u64;
        if total > entry.size {
            return Err(size_mismatch(
                source,
                entry,
                format!("more than {} bytes", entry.size),
            ));
        }
        hasher.update(&buf[..n]);
        if let Some((path, out)) = sink.as_mut() {
            out.write_all(&buf[..n])
                .map_err(|source| BundleError::Staging {
                    path: path.to_path_buf(),
                    source,
                })?;
        }
    }
    if total != entry.size {
        return Err(size_mismatch(source, entry, format!("{total} bytes")));
    }
    let actual = hex(&hasher.finalize());
    if actual != entry.sha256 {
        return Err(BundleError::HashMismatch {
            path: source.to_path_buf(),
            expected: entry.sha256.clone(),
            actual,
        });
    }
    Ok(())
}

pub fn size_mismatch(path: &Path, entry: &FileEntry, found: String) -> BundleError {
    BundleError::SizeMismatch {
        path: path.to_path_buf(),
        expected: entry.size,
        found,
    }
}

/// Lower-case hex of SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Copy a whole stream to `out`; its size and SHA-256 in lower-case hex.
pub fn copy_hashing(reader: &mut dyn Read, out: &mut dyn Write) -> io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
        size += n as u64;
    }
    Ok((size, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Read at most `limit` bytes of an opened stick file, refusing it without
/// reading if its size says it is over.
pub fn read_capped(
    path: &Path,
    file: File,
    meta: &Metadata,
    limit: u64,
) -> Result<Vec<u8>, BundleError> {
    let too_large = |size| BundleError::ManifestTooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| file_error(path.to_path_buf(), e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}
