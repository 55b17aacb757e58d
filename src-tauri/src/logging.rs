//! `tracing` to stderr (or the journal under systemd) and to a daily-rotated
//! file in `<data_dir>/logs`, so a kiosk nobody watches can explain itself
//! afterwards (`summit-kiosk logs` reads the files).

use std::io::IsTerminal;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// The log files' name: `summit-kiosk.YYYY-MM-DD.log`.
pub const FILE_PREFIX: &str = "summit-kiosk";
pub const FILE_SUFFIX: &str = "log";

/// True when stderr is the journal stream systemd connected (it sets
/// `JOURNAL_STREAM` to that stream's `device:inode`); a child that inherited
/// the variable but was redirected elsewhere does not match.
fn stderr_is_journal() -> bool {
    use std::os::unix::fs::MetadataExt;
    let Some(value) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let Some((dev, ino)) = value.to_str().and_then(|v| v.split_once(':')) else {
        return false;
    };
    let stderr = std::fs::metadata("/proc/self/fd/2");
    matches!(
        (stderr, dev.parse::<u64>(), ino.parse::<u64>()),
        (Ok(meta), Ok(dev), Ok(ino)) if meta.dev() == dev && meta.ino() == ino
    )
}

/// Keep the guard alive for the program's life, or the file loses its tail.
pub fn init(filter: &str, data_dir: Option<&Path>, keep_days: usize) -> Option<WorkerGuard> {
    let filter = || EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Under systemd the journal gets structured entries with priorities,
    // instead of lines on stderr it would store a second time.
    let journald = stderr_is_journal()
        .then(|| match tracing_journald::layer() {
            Ok(layer) => Some(layer.with_filter(filter())),
            Err(e) => {
                eprintln!("summit-kiosk: cannot log to the journal: {e}; logging to stderr");
                None
            }
        })
        .flatten();
    let stderr = journald.is_none().then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            // Colour codes only for a person at a terminal, not in files or pipes.
            .with_ansi(std::io::stderr().is_terminal())
            .with_filter(filter())
    });
    let (file_layer, guard) = match data_dir.map(|d| {
        // The appender prunes old files at start and complains if the folder is missing.
        let _ = std::fs::create_dir_all(d.join("logs"));
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix(FILE_PREFIX)
            .filename_suffix(FILE_SUFFIX)
            .max_log_files(keep_days.max(1))
            .build(d.join("logs"))
    }) {
        Some(Ok(appender)) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (
                Some(
                    fmt::layer()
                        .with_ansi(false)
                        .with_writer(writer)
                        .with_filter(filter()),
                ),
                Some(guard),
            )
        }
        Some(Err(e)) => {
            eprintln!("summit-kiosk: cannot open the log folder: {e}; logging to stderr only");
            (None, None)
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(journald)
        .with(stderr)
        .with(file_layer)
        .try_init();
    guard
}
