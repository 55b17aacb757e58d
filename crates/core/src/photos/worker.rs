//! The photo worker: the pipeline in a child process of the same binary, with
//! an address-space limit, a CPU limit, no core dumps, and a wall-clock
//! timeout enforced by the parent. A photo that crashes the decoder kills only
//! the worker; the parent turns that into a quarantine reason.
//!
//! Protocol: the parent runs `PROGRAM ARGS… --input FILE --long-edge N…
//! (--out-dir DIR | --output FILE) --memory-mb M`; the worker reads the file
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

impl WorkerCommand {
    /// This very binary, in its hidden `photo-worker` mode.
    pub fn current_exe() -> std::io::Result<WorkerCommand> {
        Ok(WorkerCommand {
            program: std::env::current_exe()?,
            args: vec!["photo-worker".into()],
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
    let started = Instant::now();
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

/// Threads of this process (`u32::MAX` if unknown).
fn thread_count() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse::<u32>().ok())
        })
        .unwrap_or(u32::MAX)
}

/// Run one photo in a forked child of this very process: the same pipeline
/// and limits as [`run`], without paying for a second start of the binary
/// (which, linked to WebKit, costs ~0.1 s and ~50 MB).
///
/// Only for a process in which no thread of ours runs besides the caller
/// (the `photo render` command). WebKit's allocator starts a scavenger
/// thread when the binary loads; the child never calls into WebKit, and
/// glibc's `fork` leaves `malloc` and stdio usable in the child, so that
/// thread is no hazard. With more threads than that, `fallback` is used.
pub fn run_forked(
    input: &Path,
    long_edges: &[u32],
    destination: &Destination,
    limits: WorkerLimits,
    fallback: &WorkerCommand,
) -> Result<Ingested, PhotoError> {
    use std::os::fd::FromRawFd;
    use std::os::unix::process::ExitStatusExt;
    if thread_count() > 2 {
        return run(fallback, input, long_edges, destination, limits);
    }
    let worker_error = |what: String| PhotoError::Worker(what);
    let pipe = || {
        let mut fds = [0; 2];
        // SAFETY: pipe2 writes two descriptors into the array we own.
        match unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } {
            0 => Ok(fds),
            _ => Err(worker_error(format!(
                "cannot make a pipe for the photo worker: {}",
                std::io::Error::last_os_error()
            ))),
        }
    };
    let (reply, errors) = (pipe()?, pipe()?);
    // SAFETY: this process runs one thread (checked above), so the child
    // starts with every lock free; it only runs our code and `_exit`s.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(worker_error(format!(
            "cannot start the photo worker: {}",
            std::io::Error::last_os_error()
        )));
    }
    if pid == 0 {
        // SAFETY: the child owns these descriptors; stderr now goes to the parent.
        unsafe {
            libc::close(reply[0]);
            libc::close(errors[0]);
            libc::dup2(errors[1], 2);
        }
        limit_self(limits.memory_mb, limits.timeout.as_secs() + 1);
        let options = RenderOptions {
            long_edges: long_edges.to_vec(),
            ..RenderOptions::default()
        };
        let answer = match ingest(input, &options, destination) {
            Ok(done) => Reply::Ok(done),
            Err(e) => Reply::Error(e),
        };
        // SAFETY: the write end of the reply pipe is ours.
        let mut out = unsafe { std::fs::File::from_raw_fd(reply[1]) };
        let _ = std::io::Write::write_all(
            &mut out,
            serde_json::to_string(&answer)
                .unwrap_or_default()
                .as_bytes(),
        );
        // SAFETY: leave without running the parent's exit handlers twice.
        unsafe { libc::_exit(0) };
    }
    // SAFETY: the parent owns the read ends and closes the write ends.
    let (mut reply_r, mut errors_r) = unsafe {
        libc::close(reply[1]);
        libc::close(errors[1]);
        (
            std::fs::File::from_raw_fd(reply[0]),
            std::fs::File::from_raw_fd(errors[0]),
        )
    };
    let started = Instant::now();
    let mut raw = 0;
    loop {
        // SAFETY: waitpid on our own child.
        let done = unsafe { libc::waitpid(pid, &mut raw, libc::WNOHANG) };
        if done == pid {
            break;
        }
        if started.elapsed() >= limits.timeout {
            // SAFETY: our own child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut raw, 0);
            }
            return Err(timed_out(limits));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // Done, but after the limit (it finished between two looks): the limit
    // still holds, whatever the photo.
    if started.elapsed() > limits.timeout {
        return Err(timed_out(limits));
    }
    let status = std::process::ExitStatus::from_raw(raw);
    let mut text = String::new();
    let _ = (&mut reply_r).take(1 << 20).read_to_string(&mut text);
    let mut stderr = Vec::new();
    let _ = (&mut errors_r).take(64 << 10).read_to_end(&mut stderr);
    outcome(&text, &status, &String::from_utf8_lossy(&stderr), limits)
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
