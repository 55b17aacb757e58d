//! USB bundles: make, check, stage and apply, and hostile bundles.
//!
//! Every test works on real folders, real schedule files (the demo, edited)
//! and a real SQLite store file. A refused bundle must name the file and the
//! problem, change nothing in the store and leave no staging folder behind.

use std::cell::Cell;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use kiosk_core::bundle::{
    self, check_name, ApplyOutcome, BundleError, CheckedBundle, Current, FileEntry, FileKind,
    Manifest, Opener, Policy, PolicyMode, SafeOpener, Settings, SignatureState,
};
use kiosk_core::demo::DEMO_JSON;
use kiosk_core::import::ImportOptions;
use kiosk_core::store::Store;
use proptest::prelude::*;
use sha2::Digest;

pub(crate) const TITLE: &str = "Welcome: why we are here";
pub(crate) const NEW_TITLE: &str = "Welcome: why we are here (updated by USB)";

/// A kiosk (store file, staging root) and a workbench for making sticks.
pub(crate) struct Kit {
    tmp: tempfile::TempDir,
    pub(crate) store: Store,
}

impl Kit {
    /// A kiosk showing the demo (revision 1).
    pub(crate) fn new() -> Kit {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = Store::open(&tmp.path().join("data/kiosk.sqlite")).unwrap();
        store
            .apply(&kiosk_core::demo::demo().schedule, "demo")
            .unwrap();
        Kit { tmp, store }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub(crate) fn staging(&self) -> PathBuf {
        self.path("data/staging")
    }

    pub(crate) fn settings(&self, mode: PolicyMode, keys: &[String]) -> Settings {
        Settings {
            policy: Policy {
                mode,
                require_newer: true,
            },
            trusted_keys: keys.to_vec(),
            import: ImportOptions::default(),
            staging_root: self.staging(),
        }
    }

    /// A schedule file: the demo with `edits` (from, to) applied.
    fn schedule(&self, name: &str, edits: &[(&str, &str)]) -> PathBuf {
        let mut json = DEMO_JSON.to_string();
        for (from, to) in edits {
            assert!(json.contains(from), "{from}");
            json = json.replacen(from, to, 1);
        }
        let path = self.path(name);
        fs::write(&path, json).unwrap();
        path
    }

    /// A folder of three small "photos" (arbitrary bytes) and a non-photo.
    fn photos(&self) -> PathBuf {
        let dir = self.path("photos");
        if !dir.exists() {
            fs::create_dir(&dir).unwrap();
            for (name, len) in [("a.jpg", 5000), ("b.png", 70_000), ("c.webp", 3)] {
                let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
                fs::write(dir.join(name), bytes).unwrap();
            }
            fs::write(dir.join("notes.txt"), "not a photo").unwrap();
            fs::write(dir.join(".hidden.jpg"), "skipped").unwrap();
        }
        dir
    }

    /// A stick `name` holding a good bundle: the demo with a new title,
    /// the photos, version `version`.
    pub(crate) fn stick(&self, name: &str, version: u64) -> PathBuf {
        self.stick_with(name, version, &[(TITLE, NEW_TITLE)], None)
    }

    pub(crate) fn stick_with(
        &self,
        name: &str,
        version: u64,
        edits: &[(&str, &str)],
        key: Option<&Path>,
    ) -> PathBuf {
        let stick = self.path(name);
        fs::create_dir_all(&stick).unwrap();
        let schedule = self.schedule(&format!("{name}-schedule.json"), edits);
        let photos = self.photos();
        bundle::make(
            &schedule,
            Some(&photos),
            key.map(|k| (k, None)),
            Some(version),
            &stick,
            &ImportOptions::default(),
        )
        .unwrap();
        stick
    }

    pub(crate) fn revision(&self) -> i64 {
        self.store.revision().unwrap()
    }

    pub(crate) fn title(&self) -> String {
        let schedule = self.store.load().unwrap().unwrap();
        let welcome = schedule
            .sessions
            .iter()
            .find(|s| s.id == "d1-welcome")
            .unwrap();
        welcome.title.clone()
    }

    pub(crate) fn process(
        &mut self,
        stick: &Path,
        settings: &Settings,
    ) -> Result<ApplyOutcome, BundleError> {
        bundle::process(stick, settings, &mut self.store, &SafeOpener)
    }

    /// Nothing was staged, or whatever was is gone.
    pub(crate) fn assert_staging_empty(&self) {
        let staging = self.staging();
        if staging.exists() {
            let left: Vec<_> = fs::read_dir(&staging).unwrap().collect();
            assert!(left.is_empty(), "staging left: {left:?}");
        }
    }

    /// `stick` is refused with `code`, and the message contains every
    /// fragment; the store and staging are untouched.
    #[track_caller]
    pub(crate) fn refused(
        &mut self,
        stick: &Path,
        settings: &Settings,
        code: &str,
        expect: &[&str],
    ) {
        let before = (self.revision(), self.title());
        let err = self.process(stick, settings).expect_err("refused");
        let text = err.to_string();
        assert_eq!(err.code(), code, "{text}");
        for fragment in expect {
            assert!(text.contains(fragment), "{fragment:?} missing from: {text}");
        }
        assert_eq!((self.revision(), self.title()), before, "nothing applied");
        self.assert_staging_empty();
    }
}

fn manifest_path(stick: &Path) -> PathBuf {
    stick.join("summit-kiosk/manifest.json")
}

pub(crate) fn read_manifest(stick: &Path) -> Manifest {
    serde_json::from_slice(&fs::read(manifest_path(stick)).unwrap()).unwrap()
}

fn write_manifest(stick: &Path, manifest: &Manifest) {
    fs::write(manifest_path(stick), manifest.to_bytes()).unwrap();
}

/// Change the manifest of `stick` (the signature, if any, no longer holds).
pub(crate) fn edit_manifest(stick: &Path, edit: impl FnOnce(&mut Manifest)) {
    let mut manifest = read_manifest(stick);
    edit(&mut manifest);
    write_manifest(stick, &manifest);
}

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Add a file to the stick's bundle and list it in the manifest.
fn add_file(stick: &Path, name: &str, kind: FileKind, bytes: &[u8]) {
    let path = stick.join("summit-kiosk").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, bytes).unwrap();
    edit_manifest(stick, |m| {
        m.files.push(FileEntry {
            path: name.into(),
            kind,
            size: bytes.len() as u64,
            sha256: sha256(bytes),
        })
    });
}

fn same_conference() -> PolicyMode {
    PolicyMode::SameConference
}

// ---------------------------------------------------------------- good path

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

// ----------------------------------------------------------- hostile bundles

#[test]
fn names_that_leave_the_bundle_folder_are_refused() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    fs::write(kit.path("outside.jpg"), "secret").unwrap();
    let cases: &[(&str, &[&str])] = &[
        (
            "../outside.jpg",
            &["\"../outside.jpg\"", "\"..\" component"],
        ),
        ("photos/../../outside.jpg", &["\"..\" component"]),
        ("/etc/shadow", &["\"/etc/shadow\"", "absolute path"]),
        ("photos//a.jpg", &["empty component"]),
        ("photos\\a.jpg", &["backslash"]),
        ("photos/a\u{0}.jpg", &["NUL"]),
        ("photos/a\n.jpg", &["control character"]),
        ("./a.jpg", &["\".\" component"]),
        ("", &["empty"]),
        ("manifest.json", &["bundle's own name"]),
    ];
    for (name, expect) in cases {
        let stick = kit.stick(&format!("stick-{}", sha256(name.as_bytes())), 100);
        edit_manifest(&stick, |m| m.files[1].path = name.to_string());
        let mut expect = expect.to_vec();
        expect.push("manifest.json");
        kit.refused(&stick, &settings, "bad_name", &expect);
    }
    let long = format!("photos/{}.jpg", "x".repeat(256));
    let stick = kit.stick("long", 100);
    edit_manifest(&stick, |m| m.files[1].path = long);
    kit.refused(&stick, &settings, "bad_name", &["over 255 bytes"]);
}

#[test]
fn symbolic_links_are_refused_as_the_file_and_as_a_folder() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    // The file itself a link: to a secret file, to a folder.
    for (name, target) in [("shadow", "/etc/shadow"), ("folder", "/etc")] {
        let stick = kit.stick(name, 100);
        let photo = stick.join("summit-kiosk/photos/a.jpg");
        fs::remove_file(&photo).unwrap();
        symlink(target, &photo).unwrap();
        kit.refused(
            &stick,
            &settings,
            "not_regular_file",
            &[
                "photos/a.jpg",
                "the file \"photos/a.jpg\" is a symbolic link",
            ],
        );
    }
    // A folder on the way a link, to a copy with the right bytes, and to /etc.
    let stick = kit.stick("parent", 100);
    let photos = stick.join("summit-kiosk/photos");
    let elsewhere = kit.path("elsewhere");
    fs::rename(&photos, &elsewhere).unwrap();
    symlink(&elsewhere, &photos).unwrap();
    kit.refused(
        &stick,
        &settings,
        "not_regular_file",
        &["photos/a.jpg", "its folder \"photos\" is a symbolic link"],
    );
    let stick = kit.stick("parent-etc", 100);
    edit_manifest(&stick, |m| m.files[1].path = "etc/shadow.jpg".into());
    symlink("/etc", stick.join("summit-kiosk/etc")).unwrap();
    kit.refused(
        &stick,
        &settings,
        "not_regular_file",
        &["etc/shadow.jpg", "symbolic link"],
    );
    // The bundle folder itself a link.
    let stick = kit.path("linked-bundle");
    fs::create_dir(&stick).unwrap();
    symlink(
        kit.stick("real", 100).join("summit-kiosk"),
        stick.join("summit-kiosk"),
    )
    .unwrap();
    kit.refused(
        &stick,
        &settings,
        "not_regular_file",
        &["summit-kiosk", "symbolic link"],
    );
}

#[test]
fn damaged_and_missing_files_are_refused() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);

    let stick = kit.stick("hash", 100);
    let photo = stick.join("summit-kiosk/photos/a.jpg");
    let mut bytes = fs::read(&photo).unwrap();
    bytes[10] ^= 1;
    fs::write(&photo, &bytes).unwrap();
    kit.refused(
        &stick,
        &settings,
        "hash_mismatch",
        &["photos/a.jpg", "SHA-256 mismatch"],
    );

    let stick = kit.stick("size", 100);
    let schedule = stick.join("summit-kiosk/schedule.json");
    let mut bytes = fs::read(&schedule).unwrap();
    bytes.push(b'\n');
    fs::write(&schedule, &bytes).unwrap();
    kit.refused(
        &stick,
        &settings,
        "size_mismatch",
        &["schedule.json", "size mismatch"],
    );

    let stick = kit.stick("missing", 100);
    fs::remove_file(stick.join("summit-kiosk/photos/b.png")).unwrap();
    kit.refused(
        &stick,
        &settings,
        "missing_file",
        &["photos/b.png", "missing"],
    );

    let stick = kit.stick("dir", 100);
    let photo = stick.join("summit-kiosk/photos/c.webp");
    fs::remove_file(&photo).unwrap();
    fs::create_dir(&photo).unwrap();
    kit.refused(
        &stick,
        &settings,
        "not_regular_file",
        &["photos/c.webp", "not a regular file"],
    );

    // A damaged file is not recorded: once repaired, the same bundle applies.
    let stick = kit.stick("repaired", 100);
    let photo = stick.join("summit-kiosk/photos/a.jpg");
    let good = fs::read(&photo).unwrap();
    fs::write(&photo, vec![0u8; good.len()]).unwrap();
    kit.refused(&stick, &settings, "hash_mismatch", &["photos/a.jpg"]);
    fs::write(&photo, good).unwrap();
    assert!(matches!(
        kit.process(&stick, &settings).unwrap(),
        ApplyOutcome::Applied(_)
    ));
}

#[test]
fn signatures_bad_missing_and_untrusted_are_refused() {
    let mut kit = Kit::new();
    let key_file = kit.path("trusted.key");
    let trusted = bundle::generate_keypair(&key_file).unwrap();
    let other_key = kit.path("other.key");
    bundle::generate_keypair(&other_key).unwrap();
    let signed = kit.settings(PolicyMode::Signed, std::slice::from_ref(&trusted));

    // Bad: the manifest changed after signing; refused under every policy.
    for (i, mode) in [
        PolicyMode::Signed,
        PolicyMode::SameConference,
        PolicyMode::Any,
    ]
    .into_iter()
    .enumerate()
    {
        let stick = kit.stick_with(
            &format!("tampered-{i}"),
            100,
            &[(TITLE, NEW_TITLE)],
            Some(&key_file),
        );
        edit_manifest(&stick, |m| m.conference.name = "Dask Summit 2021".into());
        let settings = kit.settings(mode, std::slice::from_ref(&trusted));
        kit.refused(
            &stick,
            &settings,
            "bad_signature",
            &["manifest.json.minisig", "bad signature"],
        );
    }
    // Bad: not a signature at all.
    let stick = kit.stick_with("garbage", 100, &[(TITLE, NEW_TITLE)], Some(&key_file));
    fs::write(
        stick.join("summit-kiosk/manifest.json.minisig"),
        "hello\nworld\n",
    )
    .unwrap();
    kit.refused(
        &stick,
        &kit.settings(PolicyMode::Any, &[]),
        "bad_signature",
        &["does not parse"],
    );

    // Missing, under `signed`; accepted under the default policy.
    let stick = kit.stick("unsigned", 100);
    kit.refused(
        &stick,
        &signed,
        "unsigned",
        &["manifest.json.minisig", "not signed"],
    );

    // Signed by a key this kiosk does not trust.
    let stick = kit.stick_with("untrusted", 100, &[(TITLE, NEW_TITLE)], Some(&other_key));
    kit.refused(
        &stick,
        &signed,
        "untrusted_key",
        &["manifest.json.minisig", "does not trust"],
    );

    // Neither is recorded: with the right key, or another policy, it applies.
    let settings = kit.settings(same_conference(), &[]);
    assert!(matches!(
        kit.process(&stick, &settings).unwrap(),
        ApplyOutcome::Applied(_)
    ));
}

#[test]
fn policy_refuses_another_conference_and_old_versions() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    let other = kit.stick_with(
        "other",
        100,
        &[("\"id\": \"dask-summit-2020\"", "\"id\": \"pycon-2020\"")],
        None,
    );
    kit.refused(
        &other,
        &settings,
        "other_conference",
        &["manifest.json", "\"pycon-2020\"", "\"dask-summit-2020\""],
    );
    // Under `any`, it applies.
    let any = kit.settings(PolicyMode::Any, &[]);
    assert!(matches!(
        kit.process(&other, &any).unwrap(),
        ApplyOutcome::Applied(_)
    ));

    let mut kit = Kit::new();
    let v100 = kit.stick("v100", 100);
    assert!(matches!(
        kit.process(&v100, &settings).unwrap(),
        ApplyOutcome::Applied(_)
    ));
    let older = kit.stick_with("v99", 99, &[(TITLE, "Older")], None);
    kit.refused(
        &older,
        &settings,
        "not_newer",
        &["version 99", "version 100"],
    );
    let equal = kit.stick_with("v100b", 100, &[(TITLE, "Same version")], None);
    kit.refused(
        &equal,
        &settings,
        "not_newer",
        &["version 100 is not newer"],
    );
    // That refusal is for ever: recorded, so the stick is not checked again.
    let again = kit.process(&equal, &settings).unwrap();
    assert!(
        matches!(again, ApplyOutcome::AlreadySeen { .. }),
        "{again:?}"
    );
    // Without `require_newer`, an older version goes.
    let older2 = kit.stick_with("v98", 98, &[(TITLE, "Older")], None);
    let lax = Settings {
        policy: Policy {
            mode: PolicyMode::SameConference,
            require_newer: false,
        },
        ..settings
    };
    assert!(matches!(
        kit.process(&older2, &lax).unwrap(),
        ApplyOutcome::Applied(_)
    ));
    assert_eq!(kit.title(), "Older");
}

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

// ------------------------------------------------------ pulled out mid-copy

/// An opener that reads the real files but fails, as a pulled stick does
/// (EIO), once `budget` bytes in all were read.
fn pulled_after(budget: u64) -> impl Opener {
    let left = Rc::new(Cell::new(budget));
    move |dir: &Path, name: &str| -> io::Result<Box<dyn Read>> {
        let inner = SafeOpener.open(dir, name)?;
        Ok(Box::new(Pulled {
            inner,
            left: left.clone(),
        }))
    }
}

struct Pulled {
    inner: Box<dyn Read>,
    left: Rc<Cell<u64>>,
}

impl Read for Pulled {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left.get();
        if left == 0 && !buf.is_empty() {
            return Err(io::Error::from_raw_os_error(5));
        }
        let want = buf.len().min(left as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left.set(left - n as u64);
        Ok(n)
    }
}

#[test]
fn a_stick_pulled_mid_copy_changes_nothing_and_the_next_insertion_applies() {
    let kit = Kit::new();
    let stick = kit.stick("stick", 100);
    let manifest = read_manifest(&stick);
    let schedule = manifest.files[0].size;
    let photo = manifest.files[1].size;
    let total: u64 = manifest.files.iter().map(|f| f.size).sum();
    for n in [0, 1, 4096, schedule / 2, schedule + photo / 2, total - 1] {
        let mut kit = Kit::new();
        let settings = kit.settings(same_conference(), &[]);
        let before = (kit.revision(), kit.title());
        let err = bundle::process(&stick, &settings, &mut kit.store, &pulled_after(n)).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.code(), "io", "{n}: {text}");
        assert!(text.contains("summit-kiosk/"), "names the file: {text}");
        assert!(text.contains("pulled"), "{text}");
        assert_eq!(
            (kit.revision(), kit.title()),
            before,
            "{n}: nothing applied"
        );
        kit.assert_staging_empty();
        let checked = bundle::check(
            &stick,
            &settings.policy,
            &[],
            None,
            &ImportOptions::default(),
        )
        .unwrap();
        assert!(!kit.store.bundle_seen(&checked.id).unwrap(), "not recorded");
        let report = bundle::report_text(&Err(err), "k", jiff::Timestamp::now());
        assert!(report.contains("tried again"), "{report}");

        let outcome = kit.process(&stick, &settings).unwrap();
        assert!(
            matches!(outcome, ApplyOutcome::Applied(_)),
            "{n}: {outcome:?}"
        );
        assert_eq!((kit.revision(), kit.title()), (2, NEW_TITLE.to_string()));
    }
}

#[test]
fn staging_verifies_again_what_the_check_saw() {
    // The stick changes between the check and the copy.
    let kit = Kit::new();
    let stick = kit.stick("stick", 100);
    let checked: CheckedBundle = bundle::check(
        &stick,
        &Policy::default(),
        &[],
        None,
        &ImportOptions::default(),
    )
    .unwrap();
    let photo = stick.join("summit-kiosk/photos/b.png");
    let mut bytes = fs::read(&photo).unwrap();
    bytes[0] ^= 0xff;
    fs::write(&photo, &bytes).unwrap();
    let err = bundle::stage(&checked, &kit.staging(), &SafeOpener).unwrap_err();
    assert_eq!(err.code(), "hash_mismatch", "{err}");
    assert!(err.to_string().contains("photos/b.png"));
    kit.assert_staging_empty();
    bytes.push(0);
    fs::write(&photo, &bytes).unwrap();
    let err = bundle::stage(&checked, &kit.staging(), &SafeOpener).unwrap_err();
    assert_eq!(err.code(), "size_mismatch", "{err}");
    assert!(err.to_string().contains("more than 70000 bytes"), "{err}");
    kit.assert_staging_empty();
    fs::remove_file(&photo).unwrap();
    symlink("/etc/shadow", &photo).unwrap();
    let err = bundle::stage(&checked, &kit.staging(), &SafeOpener).unwrap_err();
    assert_eq!(err.code(), "not_regular_file", "{err}");
    kit.assert_staging_empty();
}

// ------------------------------------------------------- make, report, find

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

// ------------------------------------------------------------ file names

#[test]
fn file_names_table() {
    let good = [
        "schedule.json",
        "photos/a.jpg",
        "a/b/c/d.png",
        "été.jpg",
        "x..y",
        ".hidden",
        "sp ace",
    ];
    for name in good {
        assert_eq!(check_name(name), Ok(()), "{name:?}");
    }
    let bad = [
        "",
        "/abs",
        "..",
        "../x",
        "a/../b",
        "a/..",
        ".",
        "./a",
        "a/./b",
        "a//b",
        "a/",
        "a\\b",
        "a\0b",
        "a\u{7f}",
        "a\u{1b}[31m",
        "a\r",
        "MANIFEST.JSON",
        "reports/x.txt",
    ];
    for name in bad {
        assert!(check_name(name).is_err(), "{name:?}");
    }
    assert!(check_name(&"x".repeat(255)).is_ok());
    assert!(check_name(&"x".repeat(256)).is_err());
    assert!(check_name(&format!("{}/{}", "x".repeat(255), "y".repeat(255))).is_ok());
    assert!(
        check_name(&["x"; 600].join("/")).is_err(),
        "over the total length"
    );
}

proptest! {
    #[test]
    fn accepted_names_stay_inside_the_bundle(name in "[a-z./\\\\\u{0}\n é]{0,12}") {
        if check_name(&name).is_ok() {
            let path = Path::new(&name);
            prop_assert!(path.is_relative());
            for component in path.components() {
                prop_assert!(matches!(component, std::path::Component::Normal(_)), "{name:?}");
            }
            prop_assert!(!name.contains('\\') && !name.contains('\0') && !name.contains('\n'));
            prop_assert!(!name.ends_with('/') && !name.contains("//"));
        }
    }
}
