//! `summit-kiosk check FILE|URL`: validate a schedule and summarise it.
//! (A folder is a USB bundle: `bundle_cli`.)

use std::process::ExitCode;

use kiosk_core::draft::Validated;

pub fn cmd_check(source: &str, venue_timezone: Option<String>) -> kiosk_core::Result<ExitCode> {
    super::quiet_logging();
    let (format, Validated { schedule, warnings }) = super::load_schedule(source, venue_timezone)?;
    let s = &schedule;
    println!(
        "{}: a valid schedule",
        kiosk_core::sync::Source::parse(source).name()
    );
    println!("  format      {}", format.name());
    println!("  conference  {}", s.conference.name);
    println!("  time zone   {}", s.conference.timezone);
    let days: Vec<String> = s
        .days
        .iter()
        .map(|d| match &d.label {
            Some(l) => format!("{} ({l})", d.date),
            None => d.date.to_string(),
        })
        .collect();
    println!("  days        {}: {}", s.days.len(), days.join(", "));
    println!(
        "  rooms       {}: {}",
        s.rooms.len(),
        s.room_names().join(", ")
    );
    println!("  tracks      {}", s.tracks.len());
    println!("  speakers    {}", s.speakers.len());
    println!("  sessions    {}", s.sessions.len());
    if let (Some(first), Some(last)) = (
        s.sessions.iter().map(|x| x.start).min(),
        s.sessions.iter().map(|x| x.end).max(),
    ) {
        println!("  from        {}", s.local_rfc3339(first));
        println!("  to          {}", s.local_rfc3339(last));
    }
    println!("  warnings    {}", warnings.len());
    for w in &warnings {
        println!("    - {w}");
    }
    Ok(ExitCode::SUCCESS)
}
