//! kiosk-core: everything Summit Kiosk decides, with no Tauri and no WebKit.
//!
//! sources → importers ([`schedule_json`], validated through [`draft`]) →
//! [`store`] → [`snapshot`] (a pure function of schedule, instant and room) →
//! the display window, which only renders.

pub mod blanking;
pub mod bundle;
pub mod check_report;
pub mod clock;
pub mod config;
pub mod control;
pub mod demo;
pub mod doctor;
pub mod draft;
pub mod edits;
pub mod error;
pub mod feed;
pub mod fetch;
pub mod fleet;
pub mod glance;
pub mod i18n;
pub mod import;
pub mod limits;
pub mod logs;
pub mod model;
pub mod now_report;
pub mod photos;
pub mod pin;
pub mod private;
pub mod schedule_json;
pub mod secret;
pub mod settings;
pub mod snapshot;
pub mod store;
pub mod supervision;
pub mod sync;
pub mod webview;

use std::io::Read;
use std::path::Path;

pub use error::{Error, Result};

/// Read a whole file, refusing it before reading if it is over `limit` bytes
/// (and stopping at `limit` if it grows while being read).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if meta.is_dir() {
        return Err(read_err(std::io::Error::other(
            "it is a folder, not a file",
        )));
    }
    if meta.len() > limit {
        return Err(Error::TooLarge {
            origin: path.display().to_string(),
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge {
            origin: path.display().to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Parse an instant for `--at`: RFC 3339 with an offset or `Z`, or `now`
/// with an offset (`now+30s`, `now-2m`: a screen whose clock is wrong by
/// exactly that much, for rehearsals and tests).
pub fn parse_instant(text: &str) -> Result<jiff::Timestamp> {
    let trimmed = text.trim();
    if let Some(offset) = trimmed.strip_prefix("now") {
        let now = jiff::Timestamp::now();
        if offset.is_empty() {
            return Ok(now);
        }
        let (sign, amount) = offset.split_at(1);
        let parsed = amount
            .parse::<jiff::SignedDuration>()
            .ok()
            .filter(|_| sign == "+" || sign == "-");
        return match parsed {
            Some(d) => now
                .checked_add(if sign == "-" { -d } else { d })
                .map_err(|e| Error::Time(format!("{text:?}: {e}"))),
            None => Err(Error::Time(format!(
                "{text:?} is not an instant: after `now` write + or - and a duration, e.g. now+30s or now-2m"
            ))),
        };
    }
    trimmed.parse::<jiff::Timestamp>().map_err(|e| {
        Error::Time(format!(
            "{text:?} is not an instant: {e}; write RFC 3339 with an offset, e.g. 2020-02-26T10:20:00-05:00 or 2020-02-26T15:20:00Z, or now+30s"
        ))
    })
}
