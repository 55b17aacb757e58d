//! The screens' words in the venue's language, and its clock.
//!
//! One JSON catalogue per language (`en.json`, `de.json`, `fr.json`,
//! `es.json`), embedded in the binary: a flat map from key to text, with
//! `{name}` placeholders. Chosen over Fluent because the display's words are
//! ~60 labels with at most two placeholders and no plural forms to select
//! (units are abbreviated: `25 min`, `25 Min.`), serde_json is already here,
//! and Fluent's bundles would bring their own locale and plural-rule
//! crates and wrap every placeholder in bidi isolation marks the screen
//! would have to strip. A test holds every catalogue to the same keys and
//! placeholders and every key to a use in this crate.
//!
//! Times: jiff formats by pattern, not by locale, and ICU would be a large
//! dependency for five patterns, so each [`Language`] names its pattern here
//! (12-hour `2:30 PM` for US English, 24-hour `14:30` for the others).
//! Schedule content (titles, names, rooms) is never translated.
//!
//! The control panel's words (`panel.*` keys, [`panel`]) live in their own
//! files under `panel/`, so the display's catalogues and the panel's grow
//! apart without conflicts. English and German are complete; French and
//! Spanish have no panel catalogue yet and fall back to English, by design
//! ([`Language::panel_source`]) and said in the labels the panel gets.

pub mod display;
pub mod panel;

use std::collections::HashMap;
use std::sync::OnceLock;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A language the screens speak (`display_language` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Language {
    /// English with the 24-hour clock (`14:30`), as the kiosk always showed.
    #[default]
    #[serde(rename = "en", alias = "en-GB")]
    #[cfg_attr(feature = "clap", value(name = "en", alias = "en-GB"))]
    En,
    /// English with the US 12-hour clock (`2:30 PM`).
    #[serde(rename = "en-US")]
    #[cfg_attr(feature = "clap", value(name = "en-US"))]
    EnUs,
    #[serde(rename = "de")]
    #[cfg_attr(feature = "clap", value(name = "de"))]
    De,
    #[serde(rename = "fr")]
    #[cfg_attr(feature = "clap", value(name = "fr"))]
    Fr,
    #[serde(rename = "es")]
    #[cfg_attr(feature = "clap", value(name = "es"))]
    Es,
}

/// Whether a language's clock has 12 or 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HourCycle {
    H12,
    H24,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::En,
        Language::EnUs,
        Language::De,
        Language::Fr,
        Language::Es,
    ];

    /// The BCP 47 tag (`lang` of the page, the config's value).
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::EnUs => "en-US",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Es => "es",
        }
    }

    pub fn hour_cycle(self) -> HourCycle {
        match self {
            Language::EnUs => HourCycle::H12,
            _ => HourCycle::H24,
        }
    }

    /// The time of day as people of this language read it: `2:30 PM`, `14:30`.
    pub fn time(self, at: Timestamp, tz: &TimeZone) -> String {
        let pattern = match self.hour_cycle() {
            HourCycle::H12 => "%-I:%M %p",
            HourCycle::H24 => "%H:%M",
        };
        at.to_zoned_datetime(tz.clone())
            .strftime(pattern)
            .to_string()
    }

    /// The catalogue's source text (for the tests that hold them together).
    pub fn source(self) -> &'static str {
        match self {
            Language::En | Language::EnUs => include_str!("en.json"),
            Language::De => include_str!("de.json"),
            Language::Fr => include_str!("fr.json"),
            Language::Es => include_str!("es.json"),
        }
    }

    /// The control panel's catalogue, if this language has one. French and
    /// Spanish have none yet: their panel speaks English (the catalogue's
    /// fallback), which [`Language::panel_words`] says.
    pub fn panel_source(self) -> Option<&'static str> {
        match self {
            Language::En | Language::EnUs => Some(include_str!("panel/en.json")),
            Language::De => Some(include_str!("panel/de.json")),
            Language::Fr | Language::Es => None,
        }
    }

    /// The language the panel's words are in: this one, or English where
    /// this one has no panel catalogue.
    pub fn panel_words(self) -> Language {
        match self.panel_source() {
            Some(_) => self,
            None => Language::En,
        }
    }

    /// This language's words.
    pub fn catalogue(self) -> &'static Catalogue {
        static CATALOGUES: OnceLock<HashMap<Language, Catalogue>> = OnceLock::new();
        let all = CATALOGUES.get_or_init(|| {
            Language::ALL
                .iter()
                .map(|&l| (l, Catalogue::parse(l)))
                .collect()
        });
        &all[&self]
    }
}

/// One language's words and clock.
#[derive(Debug)]
pub struct Catalogue {
    pub language: Language,
    texts: HashMap<String, String>,
}

impl Catalogue {
    fn parse(language: Language) -> Catalogue {
        // Embedded and checked by the tests: a broken catalogue cannot ship.
        let mut texts: HashMap<String, String> =
            serde_json::from_str(language.source()).unwrap_or_default();
        if let Some(panel) = language.panel_source() {
            let panel: HashMap<String, String> = serde_json::from_str(panel).unwrap_or_default();
            texts.extend(panel);
        }
        Catalogue { language, texts }
    }

    /// The text for `key`, falling back to English (a test keeps every
    /// catalogue complete; the fallback only keeps a screen readable).
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        match self.texts.get(key) {
            Some(text) => text,
            None if self.language.source() != Language::En.source() => {
                Language::En.catalogue().text(key)
            }
            None => key,
        }
    }

    /// The text for `key` with each `{name}` replaced by its value, in one
    /// pass: a value that itself holds `{time}` (a title is anyone's text)
    /// stays as written.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut out = String::new();
        let mut rest = self.text(key);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                let (_, value) = args.iter().find(|(n, _)| *n == name)?;
                Some((value, close))
            });
            match value {
                Some((value, close)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The time of day in this language's clock.
    pub fn time(&self, at: Timestamp, tz: &TimeZone) -> String {
        self.language.time(at, tz)
    }

    /// Minutes for people: `25 min`, `2 h`, `2 h 5 min` (hours from 120
    /// minutes on), in this language's units.
    pub fn minutes(&self, n: i64) -> String {
        if n >= 120 {
            let (h, m) = ((n / 60).to_string(), (n % 60).to_string());
            if n % 60 == 0 {
                self.fill("display.hours", &[("h", &h)])
            } else {
                self.fill("display.hours_minutes", &[("h", &h), ("m", &m)])
            }
        } else {
            self.fill("display.minutes", &[("m", &n.to_string())])
        }
    }

    /// The short weekday (`Thu`, `Do`, `jeu.`).
    pub fn weekday(&self, day: jiff::civil::Weekday) -> &str {
        use jiff::civil::Weekday::*;
        self.text(match day {
            Monday => "display.mon",
            Tuesday => "display.tue",
            Wednesday => "display.wed",
            Thursday => "display.thu",
            Friday => "display.fri",
            Saturday => "display.sat",
            Sunday => "display.sun",
        })
    }
}
