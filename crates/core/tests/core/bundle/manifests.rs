//! Manifests and schedules: huge ones refused unread, broken ones named,
//! a schedule that fails validation refused and remembered.

use super::*;

#[test]
fn huge_manifests_and_files_are_refused_without_being_read() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);

    // A 50 MB manifest (sparse): refused by its size.
    let stick = kit.stick("big-manifest", 100);
    fs::File::options()
        .write(true)
        .open(manifest_path(&stick))
        .unwrap()
        .set_len(50 << 20)
        .unwrap();
    kit.refused(
        &stick,
        &settings,
        "manifest_too_large",
        &["manifest.json", "52428800 bytes"],
    );

    // 100,000 files: over the byte cap; 5,001 small entries: over the count cap.
    for (count, code, fragment) in [
        (100_000, "manifest_too_large", "over the limit of 1048576"),
        (5_001, "manifest", "files, over the limit of 5000"),
    ] {
        let stick = kit.stick(&format!("files-{count}"), 100);
        edit_manifest(&stick, |m| {
            let template = m.files[1].clone();
            m.files.extend((0..count).map(|i| FileEntry {
                path: format!("p/{i}.jpg"),
                ..template.clone()
            }));
        });
        kit.refused(&stick, &settings, code, &[fragment]);
    }

    // A 20 GB sparse photo, declared as such: refused by the photo cap.
    let stick = kit.stick("sparse-declared", 100);
    let photo = stick.join("summit-kiosk/photos/a.jpg");
    fs::File::options()
        .write(true)
        .open(&photo)
        .unwrap()
        .set_len(20 << 30)
        .unwrap();
    edit_manifest(&stick, |m| m.files[1].size = 20 << 30);
    kit.refused(
        &stick,
        &settings,
        "file_too_large",
        &["photos/a.jpg", "21474836480 bytes", "a photo"],
    );
    // Declared small: refused by its size on disk before reading.
    let stick = kit.stick("sparse-undeclared", 100);
    let photo = stick.join("summit-kiosk/photos/a.jpg");
    fs::File::options()
        .write(true)
        .open(&photo)
        .unwrap()
        .set_len(20 << 30)
        .unwrap();
    kit.refused(
        &stick,
        &settings,
        "size_mismatch",
        &["photos/a.jpg", "21474836480 bytes"],
    );
    // A schedule over the schedule cap; files over the total cap.
    let stick = kit.stick("big-schedule", 100);
    edit_manifest(&stick, |m| m.files[0].size = 33 << 20);
    kit.refused(
        &stick,
        &settings,
        "file_too_large",
        &["schedule.json", "a schedule"],
    );
    let stick = kit.stick("total", 100);
    edit_manifest(&stick, |m| {
        let template = m.files[1].clone();
        m.files.extend((0..40).map(|i| FileEntry {
            path: format!("p/{i}.jpg"),
            size: 60 << 20,
            ..template.clone()
        }));
    });
    kit.refused(
        &stick,
        &settings,
        "manifest",
        &["over the limit of 2147483648"],
    );
}

#[test]
fn broken_manifests_are_refused() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    let cases: &[(&[u8], &str, &[&str])] = &[
        (
            b"not json",
            "manifest_syntax",
            &["line 1", "not a bundle manifest"],
        ),
        (
            b"{\"format_version\": 1",
            "manifest_syntax",
            &["not a bundle manifest"],
        ),
        (b"[]", "manifest_syntax", &["not a bundle manifest"]),
        (
            b"{\"format_version\": \"\xff\xfe\"}",
            "manifest_syntax",
            &["not UTF-8", "line 1, column 21"],
        ),
        (b"", "manifest_syntax", &["not a bundle manifest"]),
    ];
    for (i, (bytes, code, expect)) in cases.iter().enumerate() {
        let stick = kit.stick(&format!("broken-{i}"), 100);
        fs::write(manifest_path(&stick), bytes).unwrap();
        let mut expect = expect.to_vec();
        expect.push("manifest.json");
        kit.refused(&stick, &settings, code, &expect);
    }
    type Edit = fn(&mut Manifest);
    let structural: &[(&str, Edit, &str, &str)] = &[
        (
            "version",
            |m| m.format_version = 2,
            "manifest",
            "format_version 2 is not supported",
        ),
        (
            "no-schedule",
            |m| m.files[0].kind = FileKind::Photo,
            "manifest",
            "0 schedules",
        ),
        (
            "two-schedules",
            |m| m.files[1].kind = FileKind::Schedule,
            "manifest",
            "2 schedules",
        ),
        (
            "dup",
            |m| m.files[2].path = "photos/a.jpg".into(),
            "duplicate_name",
            "listed twice",
        ),
        (
            "dup-case",
            |m| m.files[2].path = "photos/A.JPG".into(),
            "duplicate_name",
            "differing only in case",
        ),
        (
            "file-and-folder",
            |m| m.files[1].path = "photos".into(),
            "bad_name",
            "both a file and the folder",
        ),
        (
            "bad-hash",
            |m| m.files[1].sha256 = "abc".into(),
            "bad_name",
            "64 lower-case hex",
        ),
        (
            "not-photo",
            |m| m.files[1].path = "photos/a.exe".into(),
            "bad_name",
            "must end in .jpg",
        ),
        (
            "no-conference",
            |m| m.conference.id = " ".into(),
            "manifest",
            "conference id",
        ),
        (
            "huge-version",
            |m| m.bundle_version = u64::MAX,
            "manifest",
            "more than a year ahead",
        ),
        (
            "i64-max-version",
            |m| m.bundle_version = i64::MAX as u64,
            "manifest",
            "more than a year ahead",
        ),
    ];
    for (name, edit, code, fragment) in structural {
        let stick = kit.stick(name, 100);
        edit_manifest(&stick, edit);
        kit.refused(&stick, &settings, code, &["manifest.json", fragment]);
    }
    // No bundle at all.
    let empty = kit.path("empty-stick");
    fs::create_dir(&empty).unwrap();
    kit.refused(
        &empty,
        &settings,
        "no_bundle",
        &["empty-stick", "no bundle"],
    );
}

#[test]
fn a_schedule_that_fails_validation_is_refused_and_remembered() {
    let mut kit = Kit::new();
    let bad = kit.schedule("bad.json", &[("America/New_York", "Mars/Olympus_Mons")]);
    let err = bundle::make(
        &bad,
        None,
        None,
        Some(1),
        &kit.path("made"),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_schedule", "{err}");
    assert!(
        !kit.path("made/summit-kiosk").exists(),
        "make wrote nothing"
    );

    // Slipped onto a stick by hand, with a right hash.
    let settings = kit.settings(same_conference(), &[]);
    let stick = kit.stick("bad-schedule", 100);
    let bytes = fs::read(&bad).unwrap();
    fs::write(stick.join("summit-kiosk/schedule.json"), &bytes).unwrap();
    edit_manifest(&stick, |m| {
        m.files[0].size = bytes.len() as u64;
        m.files[0].sha256 = sha256(&bytes);
    });
    kit.refused(
        &stick,
        &settings,
        "invalid_schedule",
        &["schedule.json", "Mars/Olympus_Mons"],
    );
    let again = kit.process(&stick, &settings).unwrap();
    assert!(
        matches!(again, ApplyOutcome::AlreadySeen { .. }),
        "{again:?}"
    );

    // A schedule of another conference than the manifest says.
    let stick = kit.stick("mislabelled", 101);
    let other = kit.schedule(
        "other.json",
        &[("\"id\": \"dask-summit-2020\"", "\"id\": \"pycon\"")],
    );
    let bytes = fs::read(&other).unwrap();
    fs::write(stick.join("summit-kiosk/schedule.json"), &bytes).unwrap();
    edit_manifest(&stick, |m| {
        m.files[0].size = bytes.len() as u64;
        m.files[0].sha256 = sha256(&bytes);
    });
    kit.refused(
        &stick,
        &settings,
        "manifest",
        &["manifest.json", "its schedule is for \"pycon\""],
    );
}
