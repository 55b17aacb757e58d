//! `summit-kiosk now`: what each room's screen shows at an instant.

use std::process::ExitCode;

use jiff::Timestamp;

use kiosk_core::store::Store;
use kiosk_core::{demo, now_report, parse_instant, Error};

use super::args::NowArgs;

pub fn cmd_now(args: NowArgs) -> kiosk_core::Result<ExitCode> {
    super::quiet_logging();
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => Timestamp::now(),
    };
    let schedule = match (&args.schedule, args.demo) {
        (Some(source), _) => now_report::through_store(
            &super::load_schedule(source, args.venue_timezone.clone())?
                .1
                .schedule,
        )?,
        (None, true) => now_report::through_store(&demo::rebased(at))?,
        (None, false) => stored_schedule(args.config.clone(), args.data_dir.clone())?,
    };
    let report = now_report::now_report(&schedule, at, args.room.as_deref())?;
    if args.json {
        println!("{}", now_report::to_json(&report));
    } else {
        print_text(&report);
    }
    Ok(ExitCode::SUCCESS)
}

/// What a data folder's store shows: the last import with the organizer's
/// local changes, as the display shows it. The store must exist: `now`
/// never creates one.
fn stored_schedule(
    config: Option<std::path::PathBuf>,
    data_dir: Option<std::path::PathBuf>,
) -> kiosk_core::Result<kiosk_core::model::Schedule> {
    let (_, data_dir) = super::config_and_data_dir(config, data_dir)?;
    let path = super::store_path(&data_dir);
    let missing = |what: &str| Error::Store {
        path: path.display().to_string(),
        message: format!(
            "{what}; give --schedule FILE, --demo, or the --data-dir of a kiosk that has one"
        ),
    };
    if !path.is_file() {
        return Err(missing("no store here"));
    }
    Store::open(&path)?
        .effective_schedule()?
        .ok_or_else(|| missing("the store holds no schedule yet"))
}

fn print_text(report: &now_report::NowReport) {
    println!("{} ({})", report.at, report.timezone);
    for room in &report.rooms {
        println!("\n{}", room.room);
        let line = |label: &str, e: &Option<now_report::Entry>| match e {
            Some(e) => println!(
                "  {label:5} {}–{}  {}{}",
                &e.start[11..16],
                &e.end[11..16],
                e.title,
                if e.speakers.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", e.speakers.join(", "))
                }
            ),
            None => println!("  {label:5} —"),
        };
        line("now", &room.now);
        line("next", &room.next);
    }
}
