//! `summit-kiosk now`: what each room's screen shows at an instant.

use std::process::ExitCode;

use jiff::Timestamp;

use kiosk_core::store::Store;
use kiosk_core::{demo, now_report, parse_instant};

use super::args::NowArgs;

pub fn cmd_now(args: NowArgs) -> kiosk_core::Result<ExitCode> {
    super::quiet_logging();
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => Timestamp::now(),
    };
    let schedule = match &args.schedule {
        Some(source) => {
            super::load_schedule(source, args.venue_timezone.clone())?
                .1
                .schedule
        }
        None => demo::rebased(at),
    };
    // Through a store, as the display reads it, so both see the same thing.
    let mut store = Store::open_in_memory()?;
    store.replace_schedule(&schedule, "now")?;
    let schedule = store.load()?.expect("just stored");
    let report = now_report::now_report(&schedule, at, args.room.as_deref())?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        );
    } else {
        print_text(&report);
    }
    Ok(ExitCode::SUCCESS)
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
