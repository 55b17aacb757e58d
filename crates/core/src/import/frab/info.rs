//! What a frab/pretalx event says beyond its title and time: its page, its
//! links and attachments by kind, its languages, whether it may be
//! recorded, and what its tags say (captions, sign language, streaming).

use super::FrabEvent;
use crate::draft::{classify_link, http_url, keep_within_limits, language_tag, read_tag, Problems};
use crate::model::{Link, LinkKind, Recording, SessionInfo};

pub(super) fn event_info(ev: &FrabEvent, place: &str, p: &mut Problems) -> SessionInfo {
    let mut info = SessionInfo::default();
    if let Some(url) = ev.url.as_deref().and_then(http_url) {
        info.links.push(Link {
            kind: LinkKind::Page,
            url,
        });
    }
    for link in &ev.links {
        // Relative and mailto links are of no use on a screen.
        if let Some(url) = http_url(&link.href) {
            info.links.push(Link {
                kind: classify_link(&url, &link.title),
                url,
            });
        }
    }
    if let Some(text) = ev.language.as_deref() {
        for part in text
            .split([',', '/', '+', ';', '&'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match language_tag(part) {
                Some(tag) if !info.languages.contains(&tag) => info.languages.push(tag),
                Some(_) => {}
                None => p.warn(
                    format!("{place}.language"),
                    format!("{part:?} is not a language; the talk gets no language badge"),
                ),
            }
        }
    }
    for tag in &ev.tags {
        read_tag(&mut info, "", tag);
    }
    let opted_out = ev
        .do_not_record
        .as_deref()
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "true" || v == "1");
    if opted_out {
        info.recording = Recording::NotRecorded;
    }
    keep_within_limits(p, place, &mut info);
    info
}
