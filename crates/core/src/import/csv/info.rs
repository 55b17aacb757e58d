//! A row's links, languages and access columns (`url`, `slides`, `stream`,
//! `video`, `language`, `recording`, `captions`, `sign language`).

use super::{column_label, Col, Row};
use crate::draft::{http_url, keep_within_limits, read_tag, Problems};
use crate::model::{Link, LinkKind, SessionInfo};

pub(super) fn row_info(row: &Row, p: &mut Problems) -> SessionInfo {
    let mut info = SessionInfo::default();
    for (col, kind) in [
        (Col::Url, LinkKind::Page),
        (Col::Slides, LinkKind::Slides),
        (Col::Stream, LinkKind::Stream),
        (Col::Video, LinkKind::Video),
    ] {
        let Some(text) = row.get(col) else { continue };
        match http_url(text) {
            Some(url) => info.links.push(Link { kind, url }),
            None => p.error(row.cell(col), format!("{text:?} is not an http(s) address")),
        }
    }
    if let Some(text) = row.get(Col::Language) {
        for part in text.split([',', '/', '+', ';', '&']).map(str::trim) {
            if !part.is_empty() && !read_tag(&mut info, "language", part) {
                p.warn(
                    row.cell(Col::Language),
                    format!("{part:?} is not a language; the talk gets no language badge"),
                );
            }
        }
    }
    for col in [Col::Recording, Col::Captions, Col::SignLanguage] {
        if let Some(text) = row.get(col) {
            let before = info.clone();
            read_tag(&mut info, column_label(col), text);
            if info == before
                && !matches!(
                    text.to_lowercase().as_str(),
                    "no" | "nein" | "unknown" | "-"
                )
            {
                p.warn(
                    row.cell(col),
                    format!("{text:?} is not understood here; write yes or no (or the sign language, e.g. DGS)"),
                );
            }
        }
    }
    keep_within_limits(p, &row.place(), &mut info);
    info
}
