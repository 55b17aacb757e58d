//! `summit-kiosk check FILE|URL`: validate a schedule and summarise it.
//! (A folder is a USB bundle: `bundle_cli`.)

use std::process::ExitCode;

pub fn cmd_check(source: &str, venue_timezone: Option<String>) -> kiosk_core::Result<ExitCode> {
    super::quiet_logging();
    let (format, validated) = super::load_schedule(source, venue_timezone)?;
    print!(
        "{}",
        kiosk_core::check_report::check_summary(source, format, &validated)
    );
    Ok(ExitCode::SUCCESS)
}
