//! The catalogues themselves, the clock patterns and `display_language`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use kiosk_core::config::Config;
use kiosk_core::i18n::{HourCycle, Language};
use kiosk_core::settings::{Flags, Settings};
use proptest::prelude::*;

fn keys(lang: Language) -> BTreeMap<String, String> {
    serde_json::from_str(lang.source())
        .unwrap_or_else(|e| panic!("{}.json does not parse: {e}", lang.tag()))
}

/// `{name}` placeholders of a text, sorted.
pub(super) fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Every Rust source under `dir`, concatenated.
pub(super) fn rust_sources(dir: &Path) -> String {
    fn walk(dir: &Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = String::new();
    walk(dir, &mut out);
    out
}

/// Every Rust source of kiosk-core, concatenated.
pub(super) fn core_sources() -> String {
    rust_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn every_language_has_every_key_with_the_same_placeholders() {
    let en = keys(Language::En);
    assert!(en.len() > 50, "the English catalogue is the reference");
    for lang in [Language::De, Language::Fr, Language::Es] {
        let other = keys(lang);
        let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
        assert!(
            extra.is_empty(),
            "{} has unknown keys {extra:?}",
            lang.tag()
        );
        for (key, text) in &other {
            assert!(!text.trim().is_empty(), "{}: {key} is empty", lang.tag());
            assert_eq!(
                placeholders(text),
                placeholders(&en[key]),
                "{}: {key} has other placeholders than English",
                lang.tag()
            );
        }
    }
}

#[test]
fn every_key_is_used_and_every_key_used_exists() {
    let en = keys(Language::En);
    let sources = core_sources();
    let unused: Vec<_> = en
        .keys()
        .filter(|k| !sources.contains(&format!("\"{k}\"")))
        .collect();
    assert!(unused.is_empty(), "keys no code uses: {unused:?}");
    // Every literal that looks like a key names one.
    let used: BTreeSet<String> = ["display.", "notice."]
        .iter()
        .flat_map(|prefix| {
            let opening = format!("\"{prefix}");
            sources
                .split(opening.as_str())
                .skip(1)
                .filter_map(|rest| rest.split_once('"').map(|(k, _)| k))
                .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .map(|k| format!("{prefix}{k}"))
                .collect::<Vec<_>>()
        })
        .collect();
    let unknown: Vec<_> = used.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        unknown.is_empty(),
        "keys used but in no catalogue: {unknown:?}"
    );
    assert!(
        used.len() >= en.len(),
        "{} used of {}",
        used.len(),
        en.len()
    );
}

fn zoned(text: &str) -> (Timestamp, TimeZone) {
    let z: jiff::ZonedDateTime = text.parse().unwrap();
    (z.timestamp(), z.time_zone().clone())
}

#[test]
fn the_clock_by_language() {
    let table = [
        (
            Language::EnUs,
            "2024-05-14T14:30:00+02:00[Europe/Berlin]",
            "2:30 PM",
        ),
        (
            Language::EnUs,
            "2024-05-14T00:05:00+02:00[Europe/Berlin]",
            "12:05 AM",
        ),
        (
            Language::EnUs,
            "2024-05-14T12:00:00+02:00[Europe/Berlin]",
            "12:00 PM",
        ),
        (
            Language::EnUs,
            "2024-05-14T09:07:00-04:00[America/New_York]",
            "9:07 AM",
        ),
        (
            Language::En,
            "2024-05-14T14:30:00+01:00[Europe/London]",
            "14:30",
        ),
        (
            Language::De,
            "2024-05-14T14:30:00+02:00[Europe/Berlin]",
            "14:30",
        ),
        (
            Language::De,
            "2024-05-14T09:07:00+02:00[Europe/Berlin]",
            "09:07",
        ),
        (
            Language::Fr,
            "2024-05-14T00:05:00+02:00[Europe/Paris]",
            "00:05",
        ),
        (
            Language::Es,
            "2024-05-14T23:59:00+02:00[Europe/Madrid]",
            "23:59",
        ),
    ];
    for (lang, when, expect) in table {
        let (at, tz) = zoned(when);
        assert_eq!(lang.time(at, &tz), expect, "{} at {when}", lang.tag());
    }
}

#[test]
fn durations_in_each_language() {
    let table = [
        (Language::EnUs, 25, "25 min"),
        (Language::EnUs, 125, "2 h 5 min"),
        (Language::De, 25, "25 Min."),
        (Language::De, 120, "2 Std."),
        (Language::De, 185, "3 Std. 5 Min."),
        (Language::Fr, 125, "2 h 5 min"),
        (Language::Es, 60, "60 min"),
    ];
    for (lang, minutes, expect) in table {
        assert_eq!(lang.catalogue().minutes(minutes), expect, "{}", lang.tag());
    }
}

proptest! {
    /// Whatever the instant and zone, the 12-hour clock and the 24-hour
    /// clock say the same time of day.
    #[test]
    fn twelve_and_twenty_four_hours_agree(secs in 0i64..4_102_444_800, zone in 0usize..4) {
        let tz = TimeZone::get(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"][zone]).unwrap();
        let at = Timestamp::from_second(secs).unwrap();
        let h24 = Language::De.time(at, &tz);
        let h12 = Language::EnUs.time(at, &tz);
        let (hh, mm) = h24.split_once(':').unwrap();
        let hour: u32 = hh.parse().unwrap();
        prop_assert_eq!(hh.len(), 2);
        let (clock, half) = h12.split_once(' ').unwrap();
        let (h, m) = clock.split_once(':').unwrap();
        let h: u32 = h.parse().unwrap();
        prop_assert!((1..=12).contains(&h), "{}", h12);
        prop_assert_eq!(m, mm);
        prop_assert_eq!(half, if hour < 12 { "AM" } else { "PM" });
        prop_assert_eq!(h % 12, hour % 12);
        let local = at.to_zoned_datetime(tz.clone());
        prop_assert_eq!(u32::try_from(local.hour()).unwrap(), hour);
        for lang in Language::ALL {
            let expect = if lang.hour_cycle() == HourCycle::H12 { &h12 } else { &h24 };
            prop_assert_eq!(&lang.time(at, &tz), expect);
        }
    }
}

#[test]
fn display_language_in_the_config_and_on_the_command_line() {
    let parse = |text: &str| Config::parse(Path::new("venue.toml"), text);
    assert_eq!(parse("").unwrap().display_language, Language::En);
    let table = [
        ("en", Language::En),
        ("en-GB", Language::En),
        ("en-US", Language::EnUs),
        ("de", Language::De),
        ("fr", Language::Fr),
        ("es", Language::Es),
    ];
    for (value, expect) in table {
        let config = parse(&format!("display_language = {value:?}")).unwrap();
        assert_eq!(config.display_language, expect, "{value}");
        let settings = Settings::resolve(config, Flags::default()).unwrap();
        assert_eq!(settings.display_language, expect);
    }
    // The flag wins over the file.
    let config = parse("display_language = \"fr\"").unwrap();
    let flags = Flags {
        display_language: Some(Language::De),
        ..Flags::default()
    };
    assert_eq!(
        Settings::resolve(config, flags).unwrap().display_language,
        Language::De
    );
}

#[test]
fn an_unknown_language_names_the_key_and_the_allowed_values() {
    for bad in ["\"klingon\"", "\"DE\"", "\"\"", "7"] {
        let err = Config::parse(
            Path::new("venue.toml"),
            &format!("theme = \"dark\"\ndisplay_language = {bad}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("venue.toml"), "{err}");
        assert!(err.contains("display_language"), "{bad}: {err}");
        if bad.starts_with('"') {
            for allowed in ["`en`", "`en-US`", "`de`", "`fr`", "`es`"] {
                assert!(err.contains(allowed), "{bad}: {allowed} not in {err}");
            }
        }
    }
}

/// The page's words before its first snapshot come with the window's
/// options, in the screen's language.
#[test]
fn the_waiting_line_is_in_the_screens_language() {
    use kiosk_core::i18n::display::StartLabels;
    for (lang, tag, waiting) in [
        (Language::En, "en", "Waiting for the schedule: {reason}"),
        (
            Language::EnUs,
            "en-US",
            "Waiting for the schedule: {reason}",
        ),
        (Language::De, "de", "Warte auf das Programm: {reason}"),
        (Language::Fr, "fr", "En attente du programme : {reason}"),
        (Language::Es, "es", "Esperando el programa: {reason}"),
    ] {
        let labels = StartLabels::new(lang.catalogue());
        assert_eq!((labels.lang, labels.waiting.as_str()), (tag, waiting));
    }
}
