//! The command line: the GUI (default) and every subcommand, all in the one
//! binary. `args` is the grammar; each command has its own file; what the
//! flags mean is resolved in kiosk-core.

mod args;
mod autostart;
mod check;
mod doctor;
mod generate;
mod gui;
mod import;
mod logs;
mod now;

use std::process::ExitCode;

use clap::Parser;

use kiosk_core::draft::Validated;
use kiosk_core::import::{self as importer, Format, ImportOptions};
use kiosk_core::Error;

use args::{BundleCommand, Command, PhotoCommand, PhotosCommand};
pub use args::{Cli, ServeArgs};
use gui::Mode;

use crate::photo_cli;

pub fn main() -> ExitCode {
    std::sync::LazyLock::force(&crate::STARTED);
    crate::memory::limit_arenas();
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Some(Command::Now(_) | Command::Check { .. } | Command::Logs { .. })
    ) {
        // A report piped into `head` ends quietly, as other Unix tools do,
        // instead of panicking on the closed pipe. Only these commands,
        // which write and exit: the kiosk and the server keep Rust's
        // default (a closed pipe is an error to handle, not a death).
        // SAFETY: set once at start, before any other thread runs.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
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
        Some(Command::Photos(PhotosCommand::List { place, json })) => {
            photo_cli::cmd_photos_list(place.config, place.data_dir, json)
        }
        Some(Command::Photos(PhotosCommand::Ingest {
            folder,
            config,
            data_dir,
        })) => photo_cli::cmd_photos_ingest(folder, config, data_dir),
        Some(Command::Control(args)) => gui::run_gui(args, Mode::ControlOnly),
        Some(Command::SetPin { config }) => crate::control_cli::cmd_set_pin(config),
        Some(Command::Serve(args)) => crate::serve_cli::cmd_serve(args),
        Some(Command::Doctor { place, json }) => {
            doctor::cmd_doctor(place.config, place.data_dir, json)
        }
        Some(Command::Logs { since, place }) => {
            logs::cmd_logs(&since, place.config, place.data_dir)
        }
        Some(Command::InstallAutostart {
            room,
            lobby,
            monitor,
            config,
            no_enable,
        }) => autostart::cmd_install_autostart(autostart::Request {
            room,
            lobby,
            monitor,
            config,
            enable: !no_enable,
        }),
        Some(Command::GenerateAssets { out }) => generate::cmd_generate_assets(&out),
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

/// The store in a data folder.
fn store_path(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("store.sqlite")
}

/// The config (`--config` or the usual path) and the data folder
/// (`--data-dir`, else the config's).
fn config_and_data_dir(
    config: Option<std::path::PathBuf>,
    data_dir: Option<std::path::PathBuf>,
) -> kiosk_core::Result<(kiosk_core::config::Config, std::path::PathBuf)> {
    let config = kiosk_core::config::Config::load(config.as_deref())?;
    let data_dir = data_dir.unwrap_or_else(|| config.data_dir());
    Ok((config, data_dir))
}
