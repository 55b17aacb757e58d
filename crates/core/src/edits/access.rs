//! The organizer's correction of a session's badges: its languages,
//! recording, live captions and sign language (the links stay as imported).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::EditError;
use crate::draft::language_tag;
use crate::limits;
use crate::model::{Recording, SessionInfo};

/// A session's badges as the organizer sets them, all at once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Access {
    /// Language tags or names (`en`, `Deutsch`); kept as BCP 47 tags.
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub recording: Recording,
    #[serde(default)]
    pub captions: bool,
    #[serde(default)]
    #[ts(optional)]
    pub sign_language: Option<String>,
}

impl Access {
    /// What a session shows now.
    pub fn of(info: &SessionInfo) -> Access {
        Access {
            languages: info.languages.clone(),
            recording: info.recording,
            captions: info.captions,
            sign_language: info.sign_language.clone(),
        }
    }

    /// `info` with these badges, checked as an import's would be: known
    /// languages (at most [`limits::MAX_LANGUAGES_PER_SESSION`]), a short
    /// sign language name.
    pub fn applied(&self, session: &str, info: &SessionInfo) -> Result<SessionInfo, EditError> {
        let bad = |message: String| EditError::InvalidSession {
            session: session.to_string(),
            message,
        };
        let mut languages: Vec<String> = Vec::new();
        for text in self.languages.iter().filter(|t| !t.trim().is_empty()) {
            let tag = language_tag(text).ok_or_else(|| {
                bad(format!(
                    "{:?} is not a language; write a tag such as \"en\" or a name such as \"German\"",
                    text.chars().take(60).collect::<String>()
                ))
            })?;
            if !languages.contains(&tag) {
                languages.push(tag);
            }
        }
        if languages.len() > limits::MAX_LANGUAGES_PER_SESSION {
            return Err(bad(format!(
                "{} languages; at most {}",
                languages.len(),
                limits::MAX_LANGUAGES_PER_SESSION
            )));
        }
        let sign_language = self
            .sign_language
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let Some(s) = sign_language {
            if s.chars().count() > limits::MAX_SIGN_LANGUAGE_CHARS
                || s.chars().any(char::is_control)
            {
                return Err(bad(format!(
                    "the sign language is a short name (at most {} characters), e.g. \"DGS\"",
                    limits::MAX_SIGN_LANGUAGE_CHARS
                )));
            }
        }
        Ok(SessionInfo {
            links: info.links.clone(),
            languages,
            recording: self.recording,
            captions: self.captions,
            sign_language: sign_language.map(str::to_string),
        })
    }
}
