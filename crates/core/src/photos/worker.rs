//! The photo worker: the pipeline in a child process (the small
//! `summit-kiosk-photo-worker` binary, `crates/photo-worker`), with an
//! address-space limit, a CPU limit, no core dumps, and a wall-clock
//! timeout enforced by the parent. A photo that crashes the decoder kills only
//! the worker; the parent turns that into a quarantine reason.
//!
//! Protocol: the parent runs `PROGRAM ARGS… --input FILE --long-edge N…
//! (--out-dir DIR | --output FILE) --memory-mb M --cpu-secs S`; the worker reads the file
//! itself (bounded), writes the renditions (each atomically: a temporary file,
//! then a rename) and prints one JSON [`Reply`] line on stdout.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{content_hash, rendition_name, PhotoError, RenderOptions, MAX_PHOTO_BYTES};

/// How to start a worker: the program (our own binary) and the arguments
/// that select the worker mode.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

/// The worker's executable, installed next to `summit-kiosk`.
pub const WORKER_BIN: &str = "summit-kiosk-photo-worker";
/// Names another worker executable (tests, unusual installs).
pub const WORKER_ENV: &str = "SUMMIT_KIOSK_PHOTO_WORKER";

impl WorkerCommand {
    /// The worker: `$SUMMIT_KIOSK_PHOTO_WORKER` if set, else
    /// `summit-kiosk-photo-worker` in the running executable's folder. A
    /// separate small binary, not this one: the kiosk is linked to WebKit,
    /// whose ~170 libraries cost ~0.1 s and ~50 MB to start for each photo.
    pub fn locate() -> Result<WorkerCommand, PhotoError> {
        let program = match std::env::var_os(WORKER_ENV) {
            Some(path) if !path.is_empty() => PathBuf::from(path),
            _ => {
                let exe = std::env::current_exe().map_err(|e| {
                    PhotoError::Worker(format!("cannot find the running program: {e}"))
                })?;
                exe.with_file_name(WORKER_BIN)
            }
        };
        if !program.is_file() {
            return Err(PhotoError::Worker(format!(
                "the photo worker {} is missing: install {WORKER_BIN} next to summit-kiosk, or name it in {WORKER_ENV}",
                program.display()
            )));
        }
        Ok(WorkerCommand {
            program,
            args: Vec::new(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerLimits {
    /// The worker's address space, in MiB.
    pub memory_mb: u64,
    /// Wall-clock time for one photo.
    pub timeout: Duration,
}

impl Default for WorkerLimits {
    fn default() -> Self {
        WorkerLimits {
            memory_mb: 1024,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Where the worker writes renditions.
#[derive(Debug, Clone)]
pub enum Destination {
    /// `<hash>-<edge>.jpg` files in a folder (the renditions cache).
    Cache(PathBuf),
    /// Exactly one rendition, to this file (`photo render`).
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenditionInfo {
    pub long_edge: u32,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub path: PathBuf,
}

/// What the worker learnt about a good photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ingested {
    /// The hex SHA-256 of the photo's bytes.
    pub hash: String,
    /// The photo's size, upright.
    pub width: u32,
    pub height: u32,
    /// EXIF Artist, if any.
    pub credit: Option<String>,
    pub renditions: Vec<RenditionInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Ok(Ingested),
    Error(PhotoError),
}

/// Run one photo through a worker process and wait for it, within `limits`.
pub fn run(
    command: &WorkerCommand,
    input: &Path,
    long_edges: &[u32],
    destination: &Destination,
    limits: WorkerLimits,
) -> Result<Ingested, PhotoError> {
    let mut cmd = Command::new(&command.program);
    cmd.args(&command.args).arg("--input").arg(input);
    for edge in long_edges {
        cmd.arg("--long-edge").arg(edge.to_string());
    }
    match destination {
        Destination::Cache(dir) => cmd.arg("--out-dir").arg(dir),
        Destination::File(file) => cmd.arg("--output").arg(file),
    };
    cmd.arg("--memory-mb").arg(limits.memory_mb.to_string());
    cmd.arg("--cpu-secs")
        .arg((limits.timeout.as_secs() + 1).to_string());
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let worker_error = |what: String| PhotoError::Worker(what);
    // The clock starts before the worker does: a parent descheduled between
    // the spawn and a later reading could see a worker finish "in time"
    // although it took longer than the limit.
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| worker_error(format!("cannot start the photo worker: {e}")))?;
    // Read both pipes on threads so a chatty worker cannot block on a full pipe.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = (&mut stdout).take(1 << 20).read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut stderr).take(64 << 10).read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(_)) if started.elapsed() > limits.timeout => return Err(timed_out(limits)),
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= limits.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(timed_out(limits));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                return Err(worker_error(format!(
                    "cannot wait for the photo worker: {e}"
                )))
            }
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    outcome(&stdout, &status, &stderr, limits)
}

/// The worker's answer: its last line of output as a [`Reply`], or, when it
/// gave none, why it ended (a crash, a signal, memory).
fn outcome(
    stdout: &str,
    status: &std::process::ExitStatus,
    stderr: &str,
    limits: WorkerLimits,
) -> Result<Ingested, PhotoError> {
    let last = stdout.lines().rev().find(|l| !l.trim().is_empty());
    match last.and_then(|line| serde_json::from_str::<Reply>(line).ok()) {
        Some(Reply::Ok(ingested)) => Ok(ingested),
        Some(Reply::Error(e)) => Err(e),
        None => Err(crash_reason(status, stderr, limits)),
    }
}

fn timed_out(limits: WorkerLimits) -> PhotoError {
    let limit = if limits.timeout < Duration::from_secs(1) {
        format!("{} ms", limits.timeout.as_millis())
    } else {
        format!("{:.1} s", limits.timeout.as_secs_f64())
    };
    PhotoError::Worker(format!(
        "the photo took longer than {limit} to process; the worker was stopped"
    ))
}

fn crash_reason(
    status: &std::process::ExitStatus,
    stderr: &str,
    limits: WorkerLimits,
) -> PhotoError {
    use std::os::unix::process::ExitStatusExt;
    if stderr.contains("memory allocation") || stderr.contains("out of memory") {
        return PhotoError::Worker(format!(
            "the photo needs more memory than the worker's limit of {} MiB",
            limits.memory_mb
        ));
    }
    let how = match (status.code(), status.signal()) {
        (_, Some(libc::SIGXCPU)) => "ran out of CPU time".to_string(),
        (_, Some(signal)) => format!("was killed by signal {signal}"),
        (Some(code), _) => format!("exited with status {code}"),
        _ => "ended without an answer".to_string(),
    };
    // A panic's message is on its "panicked at" line and the one after it.
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let last = match lines.iter().position(|l| l.contains("panicked at")) {
        Some(i) => lines[i..(i + 2).min(lines.len())].join(" "),
        None => lines.last().copied().unwrap_or("").to_string(),
    };
    PhotoError::Worker(if last.is_empty() {
        format!("the photo worker {how} on this file")
    } else {
        format!("the photo worker {how} on this file: {last}")
    })
}

/// Limit this process (the worker) before it touches the photo.
pub fn limit_self(memory_mb: u64, cpu_secs: u64) {
    let set = |resource, value: u64| {
        let limit = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit only reads the struct we pass.
        unsafe { libc::setrlimit(resource, &limit) };
    };
    set(libc::RLIMIT_AS, memory_mb.saturating_mul(1024 * 1024));
    set(libc::RLIMIT_CPU, cpu_secs);
    set(libc::RLIMIT_CORE, 0);
    set(libc::RLIMIT_FSIZE, 256 * 1024 * 1024);
}

/// Read a photo file: a regular file only (a FIFO or device is refused
/// without blocking), at most [`MAX_PHOTO_BYTES`].
pub fn read_photo(path: &Path) -> Result<Vec<u8>, PhotoError> {
    use std::os::unix::fs::OpenOptionsExt;
    let read_error = |e: std::io::Error| PhotoError::Read(e.to_string());
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
        .map_err(read_error)?;
    let meta = file.metadata().map_err(read_error)?;
    if !meta.is_file() {
        return Err(PhotoError::Read("it is not a regular file".into()));
    }
    if meta.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_PHOTO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge(bytes.len() as u64));
    }
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    Ok(bytes)
}

/// The worker's side, whole: limit this process, ingest `input`, and say
/// how it went as the one line the parent reads.
pub fn serve(
    input: &Path,
    long_edges: Vec<u32>,
    destination: &Destination,
    memory_mb: u64,
    cpu_secs: u64,
) -> String {
    limit_self(memory_mb, cpu_secs);
    let options = RenderOptions {
        long_edges,
        ..RenderOptions::default()
    };
    let reply = match ingest(input, &options, destination) {
        Ok(done) => Reply::Ok(done),
        Err(e) => Reply::Error(e),
    };
    serde_json::to_string(&reply).expect("a reply serializes")
}

/// The worker's side: ingest `input` and write the renditions.
pub fn ingest(
    input: &Path,
    options: &RenderOptions,
    destination: &Destination,
) -> Result<Ingested, PhotoError> {
    let bytes = read_photo(input)?;
    let hash = content_hash(&bytes);
    let rendered = super::render::render_owned(bytes, options)?;
    let write_error = |path: &Path, e: std::io::Error| {
        PhotoError::Worker(format!("cannot write {}: {e}", path.display()))
    };
    let mut renditions = Vec::new();
    for r in &rendered.renditions {
        let path = match destination {
            Destination::Cache(dir) => dir.join(rendition_name(&hash, r.long_edge)),
            Destination::File(file) => file.clone(),
        };
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, &r.jpeg).map_err(|e| write_error(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| write_error(&path, e))?;
        renditions.push(RenditionInfo {
            long_edge: r.long_edge,
            width: r.width,
            height: r.height,
            bytes: r.jpeg.len() as u64,
            path,
        });
    }
    Ok(Ingested {
        hash,
        width: rendered.width,
        height: rendered.height,
        credit: rendered.credit,
        renditions,
    })
}
