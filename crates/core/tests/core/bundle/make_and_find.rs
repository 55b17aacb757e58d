//! `bundle make`, the report on the stick, finding bundles under mount
//! roots, and the policy's TOML.

use super::*;

#[test]
fn make_refuses_to_overwrite_a_bundle() {
    let kit = Kit::new();
    let stick = kit.stick("stick", 1);
    let schedule = kit.schedule("again.json", &[]);
    let err = bundle::make(
        &schedule,
        None,
        None,
        None,
        &stick,
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "make");
    assert!(err.to_string().contains("already there"), "{err}");
    // The default version is the time of making.
    let fresh = kit.path("fresh");
    let made = bundle::make(
        &schedule,
        None,
        None,
        None,
        &fresh,
        &ImportOptions::default(),
    )
    .unwrap();
    let now = jiff::Timestamp::now().as_second() as u64;
    assert!(made.manifest.bundle_version.abs_diff(now) < 60);
    assert!(!made.signed);
    assert_eq!(made.manifest.files.len(), 1);
}

#[test]
fn a_report_that_cannot_be_written_is_an_error_to_log() {
    let kit = Kit::new();
    let stick = kit.stick("stick", 1);
    fs::write(stick.join("summit-kiosk/reports"), "a file in the way").unwrap();
    let err = bundle::write_report(&stick, "k", "text").unwrap_err();
    assert_eq!(err.code(), "report", "{err}");
    assert!(err.to_string().contains("reports"), "{err}");
    let err = bundle::write_report(&kit.path("nowhere"), "k", "text").unwrap_err();
    assert_eq!(err.code(), "no_bundle");
    for (host, name) in [
        ("screen-1", "screen-1"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("", "kiosk"),
        ("...", "kiosk"),
        ("écran 2", "_cran_2"),
    ] {
        assert_eq!(bundle::safe_host(host), name, "{host}");
    }
    let text = bundle::report_text(
        &Err(BundleError::Unsigned {
            path: "/media/x/summit-kiosk/manifest.json.minisig".into(),
        }),
        "k",
        jiff::Timestamp::UNIX_EPOCH,
    );
    assert!(text.contains("result: refused: unsigned"), "{text}");
    assert!(
        text.contains("reason: /media/x/summit-kiosk/manifest.json.minisig"),
        "{text}"
    );
}

#[test]
fn bundles_are_found_under_mount_roots_without_following_links() {
    let kit = Kit::new();
    let media = kit.path("media");
    let user_stick = media.join("alice/STICK");
    let direct_stick = media.join("DIRECT");
    let too_deep = media.join("a/b/c");
    for dir in [&user_stick, &direct_stick, &too_deep] {
        fs::create_dir_all(dir.join("summit-kiosk")).unwrap();
        fs::write(dir.join("summit-kiosk/manifest.json"), "{}").unwrap();
    }
    fs::create_dir_all(media.join("alice/EMPTY")).unwrap();
    symlink(&direct_stick, media.join("alice/LINK")).unwrap();
    let mnt = kit.path("mnt");
    fs::create_dir_all(&mnt).unwrap();
    let found = bundle::find_bundles(&[media.clone(), mnt, kit.path("absent")]);
    assert_eq!(found, vec![direct_stick, user_stick]);
    assert_eq!(
        bundle::default_mount_roots(),
        [PathBuf::from("/media"), "/run/media".into(), "/mnt".into()]
    );
    // Bounded: a root with more entries than the cap still returns.
    let crowded = kit.path("crowded");
    for i in 0..(bundle::MAX_ENTRIES_PER_ROOT + 10) {
        fs::create_dir_all(crowded.join(format!("d{i}"))).unwrap();
    }
    assert!(bundle::find_bundles(&[crowded]).is_empty());
}

#[test]
fn the_policy_reads_from_toml() {
    #[derive(serde::Deserialize)]
    struct Config {
        bundle: Policy,
    }
    let read = |text: &str| toml::from_str::<Config>(text).map(|c| c.bundle);
    assert_eq!(read("[bundle]\n").unwrap(), Policy::default());
    assert_eq!(
        Policy::default(),
        Policy {
            mode: PolicyMode::SameConference,
            require_newer: true
        }
    );
    assert_eq!(
        read("[bundle]\nmode = \"signed\"\nrequire-newer = false\n").unwrap(),
        Policy {
            mode: PolicyMode::Signed,
            require_newer: false
        }
    );
    assert_eq!(
        read("[bundle]\nmode = \"any\"\n").unwrap().mode,
        PolicyMode::Any
    );
    assert_eq!(
        read("[bundle]\nmode = \"same-conference\"\n").unwrap().mode,
        PolicyMode::SameConference
    );
    assert!(read("[bundle]\nmode = \"whatever\"\n").is_err());
    assert!(read("[bundle]\nmdoe = \"any\"\n").is_err());
}
