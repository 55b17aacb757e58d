//! Badges beside a session: its languages, whether it is recorded or
//! streamed, live captions, sign language. Each has its words: never
//! colour alone.

use serde::Serialize;

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

/// The badges for a session's info, in a fixed order: languages,
/// recording, captions, sign language.
pub fn badges(info: &SessionInfo) -> Vec<Badge> {
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
    match info.recording {
        Recording::Recorded => push(BadgeKind::Recorded, "Recorded".into()),
        Recording::Streamed => push(BadgeKind::Streamed, "Streamed live".into()),
        Recording::NotRecorded => push(BadgeKind::NotRecorded, "Not recorded".into()),
        Recording::Unknown => {}
    }
    if info.captions {
        push(BadgeKind::Captions, "Live captions".into());
    }
    if let Some(sign) = &info.sign_language {
        let lower = sign.to_lowercase();
        let text = if lower.contains("sign") || lower.contains("gebärden") {
            sign.clone()
        } else {
            format!("Sign language: {sign}")
        };
        push(BadgeKind::SignLanguage, text);
    }
    out
}
