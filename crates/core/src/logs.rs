//! `summit-kiosk logs --since 1h`: which lines of the kiosk's log files a
//! technician asked for. Each entry starts with its UTC instant (the
//! `tracing` format); lines that do not (a multi-line message's tail) go
//! with the entry before them.

use jiff::{SignedDuration, Timestamp};

use crate::error::{Error, Result};

/// `--since`: a duration back from now ("1h", "30m", "2h 30m", "1 day") or
/// an instant (RFC 3339).
pub fn since(text: &str, now: Timestamp) -> Result<Timestamp> {
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    let bad = |e: jiff::Error| {
        Error::Time(format!(
            "--since {text:?} is neither a duration (e.g. 1h, 30m, 2d) nor an instant (RFC 3339): {e}"
        ))
    };
    // A technician's "2d" means 48 hours, whatever the zone's calendar does.
    let back: SignedDuration = text
        .parse::<jiff::Span>()
        .and_then(|span| span.to_duration(jiff::SpanRelativeTo::days_are_24_hours()))
        .map_err(bad)?;
    now.checked_sub(back.abs())
        .map_err(|e| Error::Time(format!("--since {text:?} is too far back: {e}")))
}

/// The instant an entry's first line starts with, if it starts with one.
pub fn line_time(line: &str) -> Option<Timestamp> {
    let first = line.split_whitespace().next()?;
    first.parse().ok()
}

/// Which lines of a log to keep: those of entries at or after `cutoff`.
/// Fed line by line, so a large file is streamed, never held whole.
#[derive(Debug, Clone)]
pub struct Since {
    cutoff: Timestamp,
    keep: bool,
}

impl Since {
    pub fn new(cutoff: Timestamp) -> Since {
        Since {
            cutoff,
            keep: false,
        }
    }

    pub fn keep(&mut self, line: &str) -> bool {
        if let Some(at) = line_time(line) {
            self.keep = at >= self.cutoff;
        }
        self.keep
    }
}
