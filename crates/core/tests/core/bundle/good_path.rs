//! The good path: made, checked, staged, applied once, reported; newer
//! bundles, signed bundles, odd file names on the stick.

use super::*;

#[test]
fn a_good_bundle_is_made_checked_staged_applied_and_reported() {
    let mut kit = Kit::new();
    let stick = kit.stick("stick", 100);
    add_file(
        &stick,
        "announcements.json",
        FileKind::Announcements,
        br#"{"text": "Lunch at 12:30"}"#,
    );
    let manifest = read_manifest(&stick);
    assert_eq!(manifest.conference.id, "dask-summit-2020");
    assert_eq!(manifest.bundle_version, 100);
    let names: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        names,
        [
            "schedule.json",
            "photos/a.jpg",
            "photos/b.png",
            "photos/c.webp",
            "announcements.json"
        ]
    );

    let current = Current::from_store(&kit.store, "dask-summit-2020").unwrap();
    let checked = bundle::check(
        &stick,
        &Policy::default(),
        &[],
        Some(&current),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(checked.signature, SignatureState::Unsigned);
    assert_eq!(checked.dir, stick.join("summit-kiosk"));
    let staged = bundle::stage(&checked, &kit.staging(), &SafeOpener).unwrap();
    let mode = fs::metadata(&staged.dir).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o700
    );

    let outcome = bundle::apply(staged, &mut kit.store, "test stick").unwrap();
    let ApplyOutcome::Applied(applied) = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(kit.revision(), 2);
    assert_eq!(kit.title(), NEW_TITLE);
    assert_eq!(applied.source, "usb:dask-summit-2020@100");
    assert_eq!(
        (applied.summary.changed, applied.summary.revision),
        (1, Some(2))
    );
    assert_eq!(applied.version, 100);
    assert_eq!(applied.photos.len(), 3);
    for photo in &applied.photos {
        assert!(photo.starts_with(&applied.staged_dir));
        let original = kit.photos().join(photo.file_name().unwrap());
        assert_eq!(fs::read(photo).unwrap(), fs::read(original).unwrap());
    }
    let announcements = applied.announcements.as_ref().unwrap();
    assert_eq!(
        fs::read(announcements).unwrap(),
        br#"{"text": "Lunch at 12:30"}"#
    );
    assert!(kit.store.bundle_seen(&applied.id).unwrap());
    assert_eq!(
        kit.store.latest_bundle_version("dask-summit-2020").unwrap(),
        Some(100)
    );

    let at: jiff::Timestamp = "2020-02-26T15:00:00Z".parse().unwrap();
    let staged_dir = applied.staged_dir.clone();
    let text = bundle::report_text(&Ok(outcome), "screen-1", at);
    for fragment in [
        "kiosk: screen-1",
        "at: 2020-02-26T15:00:00Z",
        "applied dask-summit-2020 version 100",
        "new schedule revision 2",
        "photos: 3",
        "announcements: yes",
    ] {
        assert!(text.contains(fragment), "{fragment:?} missing from {text}");
    }
    let report = bundle::write_report(&stick, "screen-1/../x", &text).unwrap();
    assert_eq!(report, stick.join("summit-kiosk/reports/screen-1_.._x.txt"));
    assert_eq!(fs::read_to_string(&report).unwrap(), text);
    // Written again: replaced, and no temporary file left.
    bundle::write_report(&stick, "screen-1/../x", "second").unwrap();
    let reports: Vec<_> = fs::read_dir(report.parent().unwrap()).unwrap().collect();
    assert_eq!(reports.len(), 1);
    assert_eq!(fs::read_to_string(&report).unwrap(), "second");

    fs::remove_dir_all(&staged_dir).unwrap();
    kit.assert_staging_empty();
}

#[test]
fn process_applies_a_bundle_at_most_once_from_any_stick() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    let first = kit.stick("first", 100);
    let second = kit.path("second");
    fs::create_dir(&second).unwrap();
    copy_tree(&first.join("summit-kiosk"), &second.join("summit-kiosk"));

    let outcome = kit.process(&first, &settings).unwrap();
    assert!(matches!(outcome, ApplyOutcome::Applied(_)), "{outcome:?}");
    assert_eq!(kit.revision(), 2);
    for stick in [&first, &second, &first] {
        let again = kit.process(stick, &settings).unwrap();
        let ApplyOutcome::AlreadySeen { version, .. } = again else {
            panic!("{again:?}")
        };
        assert_eq!(version, 100);
        assert_eq!(kit.revision(), 2, "no new revision");
    }
    let text = bundle::report_text(
        &kit.process(&second, &settings),
        "lobby",
        jiff::Timestamp::now(),
    );
    assert!(text.contains("already seen"), "{text}");
    assert!(text.contains("nothing done"), "{text}");

    // A stick given as its bundle folder works the same.
    let again = kit
        .process(&second.join("summit-kiosk"), &settings)
        .unwrap();
    assert!(matches!(again, ApplyOutcome::AlreadySeen { .. }));
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_newer_bundle_applies_and_an_unchanged_schedule_makes_no_revision() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    let v1 = kit.stick_with("v1", 1, &[], None);
    let outcome = kit.process(&v1, &settings).unwrap();
    let ApplyOutcome::Applied(applied) = outcome else {
        panic!()
    };
    assert_eq!(applied.summary.revision, None, "the demo is already shown");
    assert_eq!(kit.revision(), 1);
    let v2 = kit.stick("v2", 2);
    assert!(matches!(
        kit.process(&v2, &settings).unwrap(),
        ApplyOutcome::Applied(_)
    ));
    assert_eq!((kit.revision(), kit.title()), (2, NEW_TITLE.to_string()));
}

#[test]
fn a_signed_bundle_is_accepted_under_signed_with_the_key_in_either_form() {
    let kit = Kit::new();
    let key_file = kit.path("bundle.key");
    let public = bundle::generate_keypair(&key_file).unwrap();
    let mode = fs::metadata(&key_file).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    let stick = kit.stick_with("signed", 5, &[(TITLE, NEW_TITLE)], Some(&key_file));
    assert!(stick.join("summit-kiosk/manifest.json.minisig").is_file());
    let base64_line = public.lines().nth(1).unwrap().to_string();
    for keys in [vec![public.clone()], vec![base64_line]] {
        let policy = Policy {
            mode: PolicyMode::Signed,
            require_newer: true,
        };
        let checked =
            bundle::check(&stick, &policy, &keys, None, &ImportOptions::default()).unwrap();
        assert!(
            matches!(checked.signature, SignatureState::Trusted { .. }),
            "{:?}",
            checked.signature
        );
    }
    let err = bundle::check(
        &stick,
        &Policy::default(),
        &["not a key".to_string()],
        None,
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "bad_key", "{err}");
}

#[test]
fn non_utf8_file_names_on_the_stick_are_ignored() {
    let mut kit = Kit::new();
    let stick = kit.stick("stick", 100);
    let odd = std::ffi::OsStr::from_bytes(b"\xff\xfe.jpg");
    fs::write(stick.join("summit-kiosk/photos").join(odd), "junk").unwrap();
    fs::write(stick.join("summit-kiosk").join(odd), "junk").unwrap();
    let settings = kit.settings(same_conference(), &[]);
    let outcome = kit.process(&stick, &settings).unwrap();
    let ApplyOutcome::Applied(applied) = outcome else {
        panic!()
    };
    assert_eq!(applied.photos.len(), 3);
    let staged: Vec<_> = fs::read_dir(applied.staged_dir.join("photos"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(staged.len(), 3, "{staged:?}");
}
