//! The photo commands: `photo render`, `photos list`, `photos ingest`. Each
//! photo is decoded by the `summit-kiosk-photo-worker` binary (see
//! `kiosk_core::photos::worker`), never in this WebKit-linked process.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use kiosk_core::config::Config;
use kiosk_core::photos::library::{Folder, Library};
use kiosk_core::photos::worker::{self, Destination, WorkerCommand, WorkerLimits};
use kiosk_core::store::Store;
use kiosk_core::Error;

/// The kiosk's own photo folders under the data dir: what the control panel
/// uploads and what USB bundles bring go through the same ingest as the
/// configured folder.
pub fn inbox(data_dir: &Path, origin: &str) -> PathBuf {
    inboxes(data_dir).join(origin)
}

/// The inboxes' folder: one sub-folder per origin.
pub fn inboxes(data_dir: &Path) -> PathBuf {
    data_dir.join("photos")
}

pub fn renditions_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("photos").join("renditions")
}

pub fn worker_limits(config: &Config) -> WorkerLimits {
    WorkerLimits {
        memory_mb: config.photo_worker_memory_mb.max(64),
        timeout: Duration::from_millis(config.photo_worker_timeout_ms.max(1)),
    }
}

fn worker_command() -> kiosk_core::Result<WorkerCommand> {
    WorkerCommand::locate().map_err(|e| Error::Config {
        path: PathBuf::from(worker::WORKER_BIN),
        message: e.to_string(),
    })
}

/// The library of a kiosk: the configured folder (or `folder`), the upload
/// and USB inboxes, and (for the demo) the demo photos.
pub fn library(
    config: &Config,
    data_dir: &Path,
    folder: Option<PathBuf>,
    demo: bool,
) -> kiosk_core::Result<Library> {
    let mut folders = Vec::new();
    if let Some(path) = folder.or(config.photos.clone()) {
        folders.push(Folder {
            path,
            origin: "folder".into(),
        });
    }
    if demo {
        let path = inbox(data_dir, "demo");
        kiosk_core::demo::write_demo_photos(&path)
            .map_err(Error::io("write the demo photos into", &path))?;
        folders.push(Folder {
            path,
            origin: "demo".into(),
        });
    }
    for origin in ["upload", "usb", kiosk_core::photos::UNSIGNED_USB_ORIGIN] {
        folders.push(Folder {
            path: inbox(data_dir, origin),
            origin: origin.into(),
        });
    }
    Ok(Library {
        folders,
        renditions: renditions_dir(data_dir),
        worker: worker_command()?,
        limits: worker_limits(config),
        long_edges: config.photo_long_edges.clone(),
        approve_mode: std::sync::Arc::new(config.photo_approve.into()),
        settle: Duration::from_millis(1500),
        parallel: std::thread::available_parallelism().map_or(2, |n| n.get()),
    })
}

pub fn cmd_photo_render(
    input: &Path,
    output: &Path,
    long_edge: u32,
    config: Option<&Path>,
) -> kiosk_core::Result<ExitCode> {
    let config = Config::load(config)?;
    match worker::run(
        &worker_command()?,
        input,
        &[long_edge],
        &Destination::File(output.to_path_buf()),
        worker_limits(&config),
    ) {
        Ok(done) => {
            let r = &done.renditions[0];
            println!(
                "{}: {} × {} upright; wrote {} ({} × {}, {} bytes)",
                input.display(),
                done.width,
                done.height,
                output.display(),
                r.width,
                r.height,
                r.bytes
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("summit-kiosk: error: {}: {e}", input.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn open_store(config: &Config, data_dir: Option<PathBuf>) -> kiosk_core::Result<(PathBuf, Store)> {
    let data_dir = data_dir.unwrap_or_else(|| config.data_dir());
    let store = Store::open(&data_dir.join("store.sqlite"))?;
    Ok((data_dir, store))
}

pub fn cmd_photos_list(
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    json: bool,
) -> kiosk_core::Result<ExitCode> {
    let config = Config::load(config.as_deref())?;
    let (data_dir, store) = open_store(&config, data_dir)?;
    let photos = store.photos()?;
    let quarantined: Vec<_> = store
        .photo_files()?
        .into_iter()
        .filter(|f| f.quarantine.is_some())
        .collect();
    if json {
        let out = serde_json::json!({ "photos": photos, "quarantined": quarantined });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializes")
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} photos in {}", photos.len(), data_dir.display());
    for p in &photos {
        let state = match (p.hidden, p.approved) {
            (true, _) => "hidden",
            (false, false) => "awaiting approval",
            (false, true) => "on the wall",
        };
        println!(
            "  {}  {:>5} × {:<5} {:<17} {}",
            &p.hash[..12],
            p.width,
            p.height,
            state,
            p.path.as_deref().unwrap_or("")
        );
    }
    println!("{} files quarantined", quarantined.len());
    for f in &quarantined {
        println!("  {}: {}", f.path, f.quarantine.as_deref().unwrap_or(""));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn cmd_photos_ingest(
    folder: Option<PathBuf>,
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
) -> kiosk_core::Result<ExitCode> {
    crate::logging::init("warn", None, 1);
    let config = Config::load(config.as_deref())?;
    let (data_dir, store) = open_store(&config, data_dir)?;
    let mut library = library(&config, &data_dir, folder, false)?;
    // Asked for by a person: take files as they are now.
    library.settle = Duration::ZERO;
    let store = Mutex::new(store);
    let started = std::time::Instant::now();
    let report = library.pass(&store)?;
    println!(
        "{} files ingested ({} new photos), {} quarantined, {} forgotten, in {:.2} s",
        report.ingested,
        report.added.len(),
        report.quarantined.len(),
        report.forgotten,
        started.elapsed().as_secs_f64()
    );
    for (path, reason) in &report.quarantined {
        println!("  quarantined {path}: {reason}");
    }
    Ok(ExitCode::SUCCESS)
}
