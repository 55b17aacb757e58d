//! `summit-kiosk import FILE|URL`: into the store as a new revision.

use std::path::PathBuf;
use std::process::ExitCode;

use kiosk_core::store::Store;

pub fn cmd_import(
    source: &str,
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    venue_timezone: Option<String>,
) -> kiosk_core::Result<ExitCode> {
    super::quiet_logging();
    let (config, data_dir) = super::config_and_data_dir(config, data_dir)?;
    let (_, validated) =
        super::load_schedule(source, venue_timezone.or(config.venue_timezone.clone()))?;
    let mut store = Store::open(&super::store_path(&data_dir))?;
    let name = kiosk_core::sync::Source::parse(source).name();
    let revision = store.replace_schedule(&validated.schedule, &name)?;
    println!(
        "Imported {} ({} sessions, {} warnings) into {} as revision {revision}.",
        validated.schedule.conference.name,
        validated.schedule.sessions.len(),
        validated.warnings.len(),
        data_dir.display()
    );
    println!("A running kiosk shows it when restarted.");
    Ok(ExitCode::SUCCESS)
}
