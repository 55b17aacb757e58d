//! USB bundles on a screen an attendee can reach: with the organizer's key
//! configured anywhere, only signed sticks; versions capped a year ahead;
//! an unsigned bundle's photos wait for approval.

use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use kiosk_core::bundle::{self, ApplyOutcome, PolicyMode};
use kiosk_core::config::Config;
use kiosk_core::i18n::Language;

use super::{edit_manifest, Kit, NEW_TITLE, TITLE};

fn config(text: &str) -> Config {
    Config::parse(Path::new("kiosk.toml"), text).expect("a valid config")
}

/// A kiosk's USB settings as the shell makes them from its config.
fn settings_from(kit: &Kit, config: &Config) -> bundle::Settings {
    let mut settings = kit.settings(config.bundle_policy().mode, &config.all_trusted_keys());
    settings.policy.require_newer = config.bundle.require_newer;
    settings
}

#[test]
fn any_trusted_key_requires_a_signature_whatever_the_policy_says() {
    let mut kit = Kit::new();
    let key_file = kit.path("organizer.key");
    let public = bundle::generate_keypair(&key_file).unwrap();
    let line = public.lines().nth(1).unwrap().to_string();
    let unsigned = kit.stick("unsigned", 10);
    let signed = kit.stick_with("signed", 11, &[(TITLE, NEW_TITLE)], Some(&key_file));
    for (what, text) in [
        (
            "top-level trusted_keys, default policy",
            format!("trusted_keys = [\"{line}\"]\n"),
        ),
        (
            "[bundle] trusted_keys, policy any",
            format!("[bundle]\npolicy = \"any\"\ntrusted_keys = [\"{line}\"]\n"),
        ),
        (
            "top-level key, policy same-conference",
            format!("trusted_keys = [\"{line}\"]\n[bundle]\npolicy = \"same-conference\"\n"),
        ),
    ] {
        let config = config(&text);
        assert_eq!(config.bundle_policy().mode, PolicyMode::Signed, "{what}");
        let settings = settings_from(&kit, &config);
        assert_eq!(settings.unverified_notice(Language::En), None, "{what}");
        let before = kit.revision();
        kit.refused(&unsigned, &settings, "unsigned", &["manifest.json.minisig"]);
        assert_eq!(kit.revision(), before, "{what}: nothing applied");
    }
    // The signed stick applies under the top-level key alone.
    let settings = settings_from(&kit, &config(&format!("trusted_keys = [\"{line}\"]\n")));
    match kit.process(&signed, &settings).unwrap() {
        ApplyOutcome::Applied(applied) => {
            assert!(applied.signed);
            assert_eq!(applied.photo_origin(), "usb");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(kit.title(), NEW_TITLE);
}

#[test]
fn with_no_key_sticks_apply_unverified_and_the_screen_says_so() {
    let mut kit = Kit::new();
    let config = config("");
    assert_eq!(config.bundle_policy().mode, PolicyMode::SameConference);
    let settings = settings_from(&kit, &config);
    let notice = |language| {
        settings
            .unverified_notice(language)
            .expect("a notice at start")
    };
    assert_eq!(
        notice(Language::En),
        "USB sticks are not verified on this screen: set trusted_keys to the organizer's key"
    );
    assert_eq!(
        notice(Language::De),
        "USB-Sticks werden an diesem Bildschirm nicht geprüft: trusted_keys auf den Schlüssel der Organisation setzen"
    );
    let stick = kit.stick("unsigned", 10);
    match kit.process(&stick, &settings).unwrap() {
        ApplyOutcome::Applied(applied) => {
            assert!(!applied.signed);
            // Its photos go where they wait for the organizer's approval.
            assert_eq!(
                applied.photo_origin(),
                kiosk_core::photos::UNSIGNED_USB_ORIGIN
            );
            assert_eq!(applied.photos.len(), 3);
            // What the screen says, in the venue's language.
            let version = applied.version;
            for (sessions, photos, language, expect) in [
                (49, 0, Language::En, format!("Schedule updated from USB: 49 sessions, version {version}")),
                (49, 3, Language::En, format!("Schedule updated from USB: 49 sessions, version {version}, 3 photos")),
                (49, 3, Language::De, format!("Programm vom USB-Stick aktualisiert: 49 Beiträge, Version {version}, 3 Fotos")),
                (12, 0, Language::Fr, format!("Programme mis à jour depuis la clé USB : 12 sessions, version {version}")),
                (2, 0, Language::Es, format!("Programa actualizado desde USB: 2 sesiones, versión {version}")),
            ] {
                assert_eq!(applied.notice(sessions, photos, language), expect);
            }
        }
        other => panic!("{other:?}"),
    }
    assert!(kiosk_core::photos::needs_approval(
        kiosk_core::photos::UNSIGNED_USB_ORIGIN,
        false
    ));
    assert!(!kiosk_core::photos::needs_approval("usb", false));
}

/// Versions are Unix seconds: one more than a year ahead is refused (it
/// would outrank every genuine stick to come), one within is taken.
#[test]
fn versions_are_capped_a_year_ahead() {
    let now = Timestamp::now();
    let secs = |d: SignedDuration| (now + d).as_second() as u64;
    for (days, taken) in [(300, true), (365, true), (368, false), (3650, false)] {
        let mut kit = Kit::new();
        let stick = kit.stick(&format!("ahead-{days}"), 10);
        let version = secs(SignedDuration::from_hours(24 * days));
        edit_manifest(&stick, |m| m.bundle_version = version);
        let settings = kit.settings(PolicyMode::SameConference, &[]);
        if taken {
            let outcome = kit.process(&stick, &settings).unwrap();
            assert!(matches!(outcome, ApplyOutcome::Applied(_)), "{days} days");
        } else {
            kit.refused(
                &stick,
                &settings,
                "manifest",
                &[
                    "manifest.json",
                    "more than a year ahead",
                    &version.to_string(),
                ],
            );
        }
    }
}

/// A store that took a huge version before the cap existed: genuine
/// sticks (versions = now) apply again instead of being "not newer".
#[test]
fn a_stored_version_beyond_the_cap_locks_nothing_out() {
    let mut kit = Kit::new();
    kit.store
        .record_bundle(
            "old-attack",
            "dask-summit-2020",
            i64::MAX as u64,
            "stick",
            "applied",
        )
        .unwrap();
    let now = Timestamp::now().as_second() as u64;
    let stick = kit.stick("genuine", now);
    let settings = kit.settings(PolicyMode::SameConference, &[]);
    match kit.process(&stick, &settings).unwrap() {
        // The shell removes the staging folder once the photos are taken.
        ApplyOutcome::Applied(applied) => std::fs::remove_dir_all(applied.staged_dir).unwrap(),
        other => panic!("{other:?}"),
    }
    assert_eq!(kit.title(), NEW_TITLE);
    // And an older genuine stick after it is still refused as not newer.
    let older = kit.stick_with("older", now - 10, &[(TITLE, "Older")], None);
    kit.refused(&older, &settings, "not_newer", &["manifest.json"]);
}
