//! What `summit-kiosk check FILE|URL` prints for a schedule that validates:
//! the format, the conference, its days, rooms and counts, and each warning.

use crate::draft::Validated;
use crate::import::Format;

/// The summary, one line per fact, ending with a newline.
pub fn check_summary(source: &str, format: Format, validated: &Validated) -> String {
    use std::fmt::Write;
    let s = &validated.schedule;
    let mut out = String::new();
    // Writing into a String cannot fail.
    let mut line = |text: String| {
        let _ = writeln!(out, "{text}");
    };
    line(format!(
        "{}: a valid schedule",
        crate::sync::Source::parse(source).name()
    ));
    line(format!("  format      {}", format.name()));
    line(format!("  conference  {}", s.conference.name));
    line(format!("  time zone   {}", s.conference.timezone));
    let days: Vec<String> = s
        .days
        .iter()
        .map(|d| match &d.label {
            Some(l) => format!("{} ({l})", d.date),
            None => d.date.to_string(),
        })
        .collect();
    line(format!(
        "  days        {}: {}",
        s.days.len(),
        days.join(", ")
    ));
    line(format!(
        "  rooms       {}: {}",
        s.rooms.len(),
        s.room_names().join(", ")
    ));
    line(format!("  tracks      {}", s.tracks.len()));
    line(format!("  speakers    {}", s.speakers.len()));
    line(format!("  sessions    {}", s.sessions.len()));
    if let (Some(first), Some(last)) = (
        s.sessions.iter().map(|x| x.start).min(),
        s.sessions.iter().map(|x| x.end).max(),
    ) {
        line(format!("  from        {}", s.local_rfc3339(first)));
        line(format!("  to          {}", s.local_rfc3339(last)));
    }
    line(format!("  warnings    {}", validated.warnings.len()));
    for w in &validated.warnings {
        line(format!("    - {w}"));
    }
    out
}
