//! The control panel's words, resolved for the organizer's language
//! (`panel_language`): every fixed text the panel shows, sent once
//! (`control_labels`), and the sentences the core composes for the panel
//! (previews, audit lines) in the same language.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::Language;

/// Every `panel.*` text, for one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PanelLabels {
    /// The BCP 47 tag of the words (the page's `lang`): English where the
    /// configured language has no panel catalogue.
    pub lang: String,
    /// The configured language has no panel catalogue, so the words are
    /// English (French and Spanish, for now).
    pub fallback: bool,
    /// Key (`panel.tab.schedule`) to text, `{name}` placeholders unfilled.
    pub texts: BTreeMap<String, String>,
}

impl PanelLabels {
    pub fn new(language: Language) -> PanelLabels {
        let cat = language.catalogue();
        let texts = panel_keys()
            .into_iter()
            .map(|key| {
                let text = cat.text(key).to_string();
                (key.to_string(), text)
            })
            .collect();
        PanelLabels {
            lang: language.panel_words().tag().to_string(),
            fallback: language.panel_words() != language,
            texts,
        }
    }
}

/// The panel's keys, as the English catalogue (the reference) has them.
pub fn panel_keys() -> Vec<&'static str> {
    let cat = Language::En.catalogue();
    let mut keys: Vec<&'static str> = cat
        .texts
        .keys()
        .filter(|k| k.starts_with("panel."))
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}
