//! The command line: the GUI (default) and every subcommand, all in the one
//! binary. `args` is the grammar; each command has its own file; what the
//! flags mean is resolved in kiosk-core.

mod args;
mod check;
mod gui;
mod import;
mod now;

use std::process::ExitCode;

use clap::Parser;

use kiosk_core::draft::Validated;
use kiosk_core::import::{self as importer, Format, ImportOptions};
use kiosk_core::photos::worker::Destination;
use kiosk_core::Error;

use args::{BundleCommand, Command, PhotoCommand, PhotosCommand};
pub use args::{Cli, ServeArgs};
use gui::Mode;

use crate::photo_cli;

pub fn main() -> ExitCode {
    std::sync::LazyLock::force(&crate::STARTED);
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Now(args)) => now::cmd_now(args),
        Some(Command::Check {
            file,
            venue_timezone,
            config,
        }) if std::path::Path::new(&file).is_dir() => {
            crate::bundle_cli::cmd_check_bundle(&file, venue_timezone, config)
        }
        Some(Command::Check {
            file,
            venue_timezone,
            config: _,
        }) => check::cmd_check(&file, venue_timezone),
        Some(Command::Bundle(BundleCommand::Make {
            schedule,
            photos,
            sign,
            version,
            output,
            venue_timezone,
        })) => {
            crate::bundle_cli::cmd_make(&schedule, photos, sign, version, &output, venue_timezone)
        }
        Some(Command::Bundle(BundleCommand::Keygen { secret_key })) => {
            crate::bundle_cli::cmd_keygen(&secret_key)
        }
        Some(Command::Import {
            file,
            config,
            data_dir,
            venue_timezone,
        }) => import::cmd_import(&file, config, data_dir, venue_timezone),
        Some(Command::Photo(PhotoCommand::Render(a))) => {
            quiet_logging();
            photo_cli::cmd_photo_render(&a.input, &a.output, a.long_edge, a.config.as_deref())
        }
        Some(Command::Photos(PhotosCommand::List {
            config,
            data_dir,
            json,
        })) => photo_cli::cmd_photos_list(config, data_dir, json),
        Some(Command::Photos(PhotosCommand::Ingest {
            folder,
            config,
            data_dir,
        })) => photo_cli::cmd_photos_ingest(folder, config, data_dir),
        Some(Command::PhotoWorker(a)) => {
            let destination = match (a.out_dir, a.output) {
                (Some(dir), _) => Destination::Cache(dir),
                (None, Some(file)) => Destination::File(file),
                (None, None) => unreachable!("clap requires one"),
            };
            Ok(photo_cli::photo_worker(
                &a.input,
                a.long_edges,
                destination,
                a.memory_mb,
                a.cpu_secs,
            ))
        }
        Some(Command::Control(args)) => gui::run_gui(args, Mode::ControlOnly),
        Some(Command::SetPin { config }) => crate::control_cli::cmd_set_pin(config),
        Some(Command::Serve(args)) => crate::serve_cli::cmd_serve(args),
        None => gui::run_gui(cli.gui, Mode::Display),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("summit-kiosk: error: {e}");
            match e {
                Error::UnknownRoom { .. } => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// One-shot commands print their result; the log only says what went wrong.
fn quiet_logging() {
    crate::logging::init("warn", None, 1);
}

/// A schedule from a file (any supported format) or a URL, validated.
fn load_schedule(
    source: &str,
    venue_timezone: Option<String>,
) -> kiosk_core::Result<(Format, Validated)> {
    let options = ImportOptions { venue_timezone };
    let (format, validated) = importer::load_source(source, &options)?;
    let name = kiosk_core::sync::Source::parse(source).name();
    for w in &validated.warnings {
        tracing::warn!("{name}: {w}");
    }
    Ok((format, validated))
}
