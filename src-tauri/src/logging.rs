//! `tracing` to stderr and to a daily-rotated file in `<data_dir>/logs`, so a
//! kiosk nobody watches can explain itself afterwards.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// Keep the guard alive for the program's life, or the file loses its tail.
pub fn init(filter: &str, data_dir: Option<&Path>, keep_days: usize) -> Option<WorkerGuard> {
    let filter = || EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let (file_layer, guard) = match data_dir.map(|d| {
        // The appender prunes old files at start and complains if the folder is missing.
        let _ = std::fs::create_dir_all(d.join("logs"));
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("summit-kiosk")
            .filename_suffix("log")
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
        .with(stderr)
        .with(file_layer)
        .try_init();
    guard
}
