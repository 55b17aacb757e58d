//! Badges beside a session: its languages, whether it is recorded or
//! streamed, live captions, sign language. Each has its words: never
//! colour alone.

use serde::Serialize;

use crate::i18n::{Catalogue, Language};
use crate::model::{Recording, SessionInfo};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeKind {
    Language,
    Recorded,
    Streamed,
    NotRecorded,
    Captions,
    SignLanguage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Badge {
    pub kind: BadgeKind,
    pub text: String,
}

/// [`badges_in`] in English.
pub fn badges(info: &SessionInfo) -> Vec<Badge> {
    badges_in(Language::En.catalogue(), info)
}

/// The badges for a session's info, in a fixed order: languages,
/// recording, captions, sign language; their words from `cat`.
pub fn badges_in(cat: &Catalogue, info: &SessionInfo) -> Vec<Badge> {
    let mut out = Vec::new();
    let mut push = |kind, text: String| out.push(Badge { kind, text });
    if !info.languages.is_empty() {
        // `EN`, `DE · EN`: the tags as people see them on programme sites.
        let text = info
            .languages
            .iter()
            .map(|t| t.to_uppercase())
            .collect::<Vec<_>>()
            .join(" · ");
        push(BadgeKind::Language, text);
    }
    let recording = match info.recording {
        Recording::Recorded => Some((BadgeKind::Recorded, "display.recorded")),
        Recording::Streamed => Some((BadgeKind::Streamed, "display.streamed")),
        Recording::NotRecorded => Some((BadgeKind::NotRecorded, "display.not_recorded")),
        Recording::Unknown => None,
    };
    if let Some((kind, key)) = recording {
        push(kind, cat.text(key).to_string());
    }
    if info.captions {
        push(
            BadgeKind::Captions,
            cat.text("display.captions").to_string(),
        );
    }
    if let Some(sign) = &info.sign_language {
        // A name that already says "sign language" (`DGS – Deutsche
        // Gebärdensprache`) is shown as written.
        let lower = sign.to_lowercase();
        let named = ["sign", "gebärden", "signes", "signos"]
            .iter()
            .any(|w| lower.contains(w));
        let text = if named {
            sign.clone()
        } else {
            cat.fill("display.sign_language", &[("name", sign)])
        };
        push(BadgeKind::SignLanguage, text);
    }
    out
}
