//! The control panel's words: its catalogues held to English's keys and
//! placeholders, every key used by the panel or the core and every used
//! key present, French and Spanish falling back to English on purpose,
//! `panel_language`, and the sentences the core makes for the panel (the
//! audit line and the preview of a delay) in German through a real store.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kiosk_core::config::Config;
use kiosk_core::control::{preview_in, EditIntent};
use kiosk_core::i18n::panel::{panel_keys, PanelLabels};
use kiosk_core::i18n::Language;
use kiosk_core::settings::{Flags, Settings};

use super::catalogue::{core_sources, placeholders, rust_sources};
use crate::edits::{at, delay, store_with, MORNING, ORIGIN};

fn panel(lang: Language) -> BTreeMap<String, String> {
    let source = lang
        .panel_source()
        .unwrap_or_else(|| panic!("{} has no panel catalogue", lang.tag()));
    serde_json::from_str(source)
        .unwrap_or_else(|e| panic!("panel/{}.json does not parse: {e}", lang.tag()))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The panel's page and modules, concatenated.
fn panel_sources() -> String {
    let mut out = std::fs::read_to_string(repo().join("ui/control.html")).unwrap();
    let dir = repo().join("ui/control");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "js") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    out
}

#[test]
fn german_has_every_panel_key_with_the_same_placeholders() {
    let en = panel(Language::En);
    assert!(en.len() > 250, "{} panel keys", en.len());
    assert!(
        en.keys().all(|k| k.starts_with("panel.")),
        "a key outside `panel.`"
    );
    let de = panel(Language::De);
    let missing: Vec<_> = en.keys().filter(|k| !de.contains_key(*k)).collect();
    let extra: Vec<_> = de.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing.is_empty(), "de lacks {missing:?}");
    assert!(extra.is_empty(), "de has unknown keys {extra:?}");
    for (key, text) in &de {
        assert!(!text.trim().is_empty(), "de: {key} is empty");
        assert_eq!(placeholders(text), placeholders(&en[key]), "de: {key}");
    }
    // Translated, not copied: most German texts differ from the English.
    let same = de.iter().filter(|(k, t)| en[*k] == **t).count();
    assert!(
        same * 10 < de.len(),
        "{same} of {} German texts are English",
        de.len()
    );
    // The display's catalogues hold no panel key, and the panel's no display key.
    for lang in Language::ALL {
        let display: BTreeMap<String, String> = serde_json::from_str(lang.source()).unwrap();
        assert!(
            display.keys().all(|k| !k.starts_with("panel.")),
            "{}",
            lang.tag()
        );
    }
}

#[test]
fn french_and_spanish_panels_fall_back_to_english_and_say_so() {
    let english = PanelLabels::new(Language::En);
    assert!(!english.fallback);
    assert_eq!(english.lang, "en");
    assert_eq!(english.texts.len(), panel_keys().len());
    for lang in [Language::Fr, Language::Es] {
        assert_eq!(lang.panel_source(), None, "{}", lang.tag());
        assert_eq!(lang.panel_words(), Language::En);
        let labels = PanelLabels::new(lang);
        assert!(labels.fallback, "{}", lang.tag());
        assert_eq!(labels.lang, "en", "the page says its words are English");
        assert_eq!(labels.texts, english.texts, "{}", lang.tag());
        // The display keeps its own language.
        assert_ne!(
            lang.catalogue().text("display.next"),
            Language::En.catalogue().text("display.next")
        );
    }
    let german = PanelLabels::new(Language::De);
    assert!(!german.fallback);
    assert_eq!(german.lang, "de");
    assert_eq!(german.texts["panel.tab.schedule"], "Programm");
    assert_eq!(german.texts["panel.unlock"], "Entsperren");
    let us = PanelLabels::new(Language::EnUs);
    assert_eq!((us.lang.as_str(), us.fallback), ("en-US", false));
}

#[test]
fn every_panel_key_is_used_and_every_used_key_exists() {
    let en = panel(Language::En);
    // The shell words a few answers too (`Nothing to undo.`).
    let used_text = format!(
        "{}{}{}",
        panel_sources(),
        core_sources(),
        rust_sources(&repo().join("src-tauri/src"))
    );
    let unused: Vec<_> = en
        .keys()
        .filter(|k| {
            !used_text.contains(&format!("'{k}'")) && !used_text.contains(&format!("\"{k}\""))
        })
        .collect();
    assert!(unused.is_empty(), "panel keys nothing uses: {unused:?}");
    let mut used = BTreeSet::new();
    for quote in ['\'', '"'] {
        for rest in used_text.split(&format!("{quote}panel.")).skip(1) {
            if let Some((key, _)) = rest.split_once(quote) {
                // `"panel."` alone is the prefix, not a key.
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                {
                    used.insert(format!("panel.{key}"));
                }
            }
        }
    }
    let unknown: Vec<_> = used.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        unknown.is_empty(),
        "panel keys used but in no catalogue: {unknown:?}"
    );
    assert!(
        used.len() >= en.len(),
        "{} used of {}",
        used.len(),
        en.len()
    );
}

#[test]
fn panel_language_defaults_to_the_display_language() {
    let parse = |text: &str| Config::parse(Path::new("venue.toml"), text);
    let resolve = |text: &str, flags: Flags| {
        Settings::resolve(parse(text).unwrap(), flags)
            .unwrap()
            .panel_language
    };
    let table = [
        ("", Flags::default(), Language::En),
        ("display_language = \"de\"", Flags::default(), Language::De),
        (
            "display_language = \"de\"\npanel_language = \"en\"",
            Flags::default(),
            Language::En,
        ),
        ("panel_language = \"de\"", Flags::default(), Language::De),
        ("panel_language = \"fr\"", Flags::default(), Language::Fr),
        (
            "panel_language = \"en-US\"",
            Flags::default(),
            Language::EnUs,
        ),
        (
            "display_language = \"fr\"",
            Flags {
                display_language: Some(Language::De),
                ..Flags::default()
            },
            Language::De,
        ),
        (
            "panel_language = \"es\"",
            Flags {
                display_language: Some(Language::De),
                ..Flags::default()
            },
            Language::Es,
        ),
    ];
    for (text, flags, expect) in table {
        assert_eq!(resolve(text, flags), expect, "{text:?}");
    }
}

#[test]
fn an_unknown_panel_language_names_the_file_the_line_and_the_allowed_values() {
    for bad in ["\"klingon\"", "\"DE\"", "\"\"", "7"] {
        let err = Config::parse(
            Path::new("venue.toml"),
            &format!("theme = \"dark\"\npanel_language = {bad}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("venue.toml"), "{err}");
        assert!(err.contains("line 2"), "{bad}: {err}");
        assert!(err.contains("panel_language"), "{bad}: {err}");
        if bad.starts_with('"') {
            for allowed in ["`en`", "`en-US`", "`de`", "`fr`", "`es`"] {
                assert!(err.contains(allowed), "{bad}: {allowed} not in {err}");
            }
        }
    }
}

#[test]
fn the_audit_line_and_the_preview_of_a_delay_in_german() {
    let mut store = store_with(MORNING);
    store.set_language(Language::De);
    let recorded = store
        .record_edit(delay("R1", "10:05", 10), ORIGIN, at("10:06"))
        .unwrap();
    let line =
        "R1 ab 10:05 um 10 Minuten verschoben (1 Programmpunkt rückt 10 Minuten nach hinten, \
                der letzte, „A“, jetzt 10:10–10:40; „B“ fängt es auf (jetzt 10:40–10:45))";
    assert_eq!(recorded.what, line);
    assert_eq!(store.audit(10).unwrap()[0].what, line);
    store.undo_last(ORIGIN, at("10:07")).unwrap();
    assert_eq!(
        store.audit(10).unwrap()[0].what,
        format!("Zurückgenommen: {line}")
    );

    // The preview the panel shows before the organizer confirms.
    let records = kiosk_core::control::Records::read(&store).unwrap();
    let schedule = records.effective.as_ref().unwrap();
    let intent = |minutes| EditIntent::Delay {
        room: "R1".into(),
        minutes,
        from_session: None,
    };
    let de = preview_in(Language::De.catalogue(), schedule, intent(1), at("10:05")).unwrap();
    assert_eq!(de.title, "R1 um 1 Minute verschieben");
    assert_eq!(
        de.summary,
        "Ab jetzt (10:05). 1 Programmpunkt rückt 1 Minute nach hinten, der letzte, „A“, \
         jetzt 10:01–10:31; „B“ fängt es auf (jetzt 10:31–10:45)."
    );
    // French falls back to the English words, as the panel's labels do.
    let fr = preview_in(Language::Fr.catalogue(), schedule, intent(10), at("10:05")).unwrap();
    assert_eq!(fr.title, "Delay R1 by 10 minutes");
}

#[test]
fn a_title_holding_a_placeholder_stays_as_written() {
    let cat = Language::De.catalogue();
    assert_eq!(
        cat.fill(
            "panel.audit.session",
            &[("title", "„{time}“"), ("time", "10:00")]
        ),
        "„{time}“ (10:00)"
    );
    assert_eq!(cat.fill("panel.preview.sentence", &[]), "{text}.");
}
