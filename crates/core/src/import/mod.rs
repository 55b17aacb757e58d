//! Importers: every format organizers export, detected from the content (not
//! the file name), parsed into one [`Draft`] and validated into a schedule.
//!
//! Each format module has `parse(origin, bytes, options) -> Result<Draft>`.
//! `bytes` is already bounded in size ([`crate::limits::MAX_SCHEDULE_BYTES`]).

mod common;
pub mod csv;
pub mod frab;
pub mod ical;
pub mod sessionize;
pub mod sqlite;

use std::path::Path;

use crate::draft::{validate, Draft, Validated};
use crate::error::{Error, Result};
use crate::fetch::looks_like_html;
use crate::limits;

pub use common::{line_column, utf8};

/// What an importer needs beyond the bytes.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The configured venue zone (IANA), for formats whose times carry no
    /// zone (Sessionize, floating iCalendar times, CSV). `None`: such a file
    /// is an error that says to configure one.
    pub venue_timezone: Option<String>,
}

impl ImportOptions {
    /// The configured venue zone, if one is set (blank is none).
    pub fn venue_zone(&self) -> Option<&str> {
        self.venue_timezone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The project's own JSON (`docs/schedule-format.md`).
    KioskJson,
    /// frab / pretalx `schedule.xml` (c3voc schema).
    FrabXml,
    /// frab / pretalx `schedule.json` (c3voc schema).
    FrabJson,
    /// Sessionize "All data" JSON.
    Sessionize,
    /// CSV with a header.
    Csv,
    /// iCalendar.
    Ical,
    /// The SQLite exchange file (`assets/exchange-schema.sql`).
    Sqlite,
    /// Another kiosk's feed (`summit-kiosk serve`).
    Feed,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::KioskJson => "Summit Kiosk JSON",
            Format::FrabXml => "frab/pretalx schedule XML",
            Format::FrabJson => "frab/pretalx schedule JSON",
            Format::Sessionize => "Sessionize JSON",
            Format::Csv => "CSV",
            Format::Ical => "iCalendar",
            Format::Sqlite => "SQLite exchange file",
            Format::Feed => "Summit Kiosk feed",
        }
    }
}

/// Tell the format from the first bytes and, for JSON, the top-level keys.
pub fn detect(bytes: &[u8]) -> Format {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"SQLite format 3\0") {
        return Format::Sqlite;
    }
    let head: Vec<u8> = bytes
        .iter()
        .copied()
        .skip_while(u8::is_ascii_whitespace)
        .take(4096)
        .collect();
    let head_text = String::from_utf8_lossy(&head);
    if head_text.starts_with('<') {
        return Format::FrabXml;
    }
    if head_text
        .to_ascii_uppercase()
        .starts_with("BEGIN:VCALENDAR")
    {
        return Format::Ical;
    }
    if head_text.starts_with('{') && crate::feed::Feed::sniff(&head) {
        return Format::Feed;
    }
    if head_text.starts_with('{') || head_text.starts_with('[') {
        // Top-level keys decide; a cheap scan of the start is not enough for
        // big files, so parse just the key names.
        if let Ok(serde_json::Value::Object(map)) =
            serde_json::from_slice::<serde_json::Value>(bytes)
        {
            if map.contains_key("schedule") {
                return Format::FrabJson;
            }
            if map.contains_key("sessions")
                && (map.contains_key("categories") || map.contains_key("questions"))
            {
                return Format::Sessionize;
            }
            if map.contains_key("sessions")
                && map.get("sessions").is_some_and(|s| {
                    s.as_array()
                        .and_then(|a| a.first())
                        .is_some_and(|first| first.get("startsAt").is_some())
                })
            {
                return Format::Sessionize;
            }
        }
        // A file that does not parse (cut short, say) is still told by its
        // start, so its own importer can say where it breaks.
        let first_key = head_text
            .trim_start_matches(['{', '['])
            .trim_start()
            .strip_prefix('"')
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("");
        if first_key == "schedule" {
            return Format::FrabJson;
        }
        if head_text.contains("\"startsAt\"") {
            return Format::Sessionize;
        }
        return Format::KioskJson;
    }
    Format::Csv
}

/// Parse bytes of any supported format (not the SQLite file: see
/// [`load_file`]) and validate them.
pub fn parse_bytes(
    origin: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<(Format, Validated)> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty {
            origin: origin.to_string(),
        });
    }
    if looks_like_html(bytes) {
        return Err(Error::Syntax {
            origin: origin.to_string(),
            line: 1,
            column: 1,
            message: "this is a web page (HTML), not a schedule".into(),
        });
    }
    let format = detect(bytes);
    let draft: Draft = match format {
        Format::KioskJson => {
            return crate::schedule_json::parse(origin, bytes).map(|v| (format, v))
        }
        Format::FrabXml => frab::xml::parse(origin, bytes, options)?,
        Format::FrabJson => frab::json::parse(origin, bytes, options)?,
        Format::Sessionize => sessionize::parse(origin, bytes, options)?,
        Format::Csv => csv::parse(origin, bytes, options)?,
        Format::Ical => ical::parse(origin, bytes, options)?,
        Format::Feed => return crate::feed::parse(origin, bytes).map(|(v, _)| (format, v)),
        Format::Sqlite => {
            return Err(Error::Syntax {
                origin: origin.to_string(),
                line: 1,
                column: 1,
                message: "an SQLite file can only be read from a file, not from a URL".into(),
            })
        }
    };
    validate(origin, draft).map(|v| (format, v))
}

/// Read a schedule file of any supported format, bounded in size first.
pub fn load_file(path: &Path, options: &ImportOptions) -> Result<(Format, Validated)> {
    let origin = path.display().to_string();
    let mut head = [0u8; 16];
    let is_sqlite = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .is_ok_and(|n| n == 16 && &head == b"SQLite format 3\0");
    if is_sqlite {
        let draft = sqlite::load(path, options)?;
        return validate(&origin, draft).map(|v| (Format::Sqlite, v));
    }
    let bytes = crate::read_bounded(path, limits::MAX_SCHEDULE_BYTES)?;
    parse_bytes(&origin, &bytes, options)
}

/// A schedule from a file path or an http(s) URL, in any supported format.
pub fn load_source(source: &str, options: &ImportOptions) -> Result<(Format, Validated)> {
    let lower = source.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let source = crate::sync::UrlSource::parse(source);
        let url = source.name.as_str();
        let limits = crate::fetch::FetchLimits::default();
        match crate::fetch::fetch_source(&source, &crate::fetch::Validator::default(), &limits)? {
            crate::fetch::Fetched::Body {
                bytes,
                content_type,
                ..
            } => {
                crate::fetch::check_content_type(url, content_type.as_deref(), &bytes)?;
                parse_bytes(url, &bytes, options)
            }
            crate::fetch::Fetched::NotModified => Err(Error::Fetch {
                url: url.to_string(),
                message: "the server answered 304 Not Modified to a request without a validator"
                    .into(),
                retry_after: None,
            }),
        }
    } else {
        load_file(Path::new(source), options)
    }
}
