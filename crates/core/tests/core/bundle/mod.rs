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

const TITLE: &str = "Welcome: why we are here";
const NEW_TITLE: &str = "Welcome: why we are here (updated by USB)";

/// A kiosk (store file, staging root) and a workbench for making sticks.
struct Kit {
    tmp: tempfile::TempDir,
    store: Store,
}

impl Kit {
    /// A kiosk showing the demo (revision 1).
    fn new() -> Kit {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = Store::open(&tmp.path().join("data/kiosk.sqlite")).unwrap();
        store
            .apply(&kiosk_core::demo::demo().schedule, "demo")
            .unwrap();
        Kit { tmp, store }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn staging(&self) -> PathBuf {
        self.path("data/staging")
    }

    fn settings(&self, mode: PolicyMode, keys: &[String]) -> Settings {
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
    fn stick(&self, name: &str, version: u64) -> PathBuf {
        self.stick_with(name, version, &[(TITLE, NEW_TITLE)], None)
    }

    fn stick_with(
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

    fn revision(&self) -> i64 {
        self.store.revision().unwrap()
    }

    fn title(&self) -> String {
        let schedule = self.store.load().unwrap().unwrap();
        let welcome = schedule
            .sessions
            .iter()
            .find(|s| s.id == "d1-welcome")
            .unwrap();
        welcome.title.clone()
    }

    fn process(&mut self, stick: &Path, settings: &Settings) -> Result<ApplyOutcome, BundleError> {
        bundle::process(stick, settings, &mut self.store, &SafeOpener)
    }

    /// Nothing was staged, or whatever was is gone.
    fn assert_staging_empty(&self) {
        let staging = self.staging();
        if staging.exists() {
            let left: Vec<_> = fs::read_dir(&staging).unwrap().collect();
            assert!(left.is_empty(), "staging left: {left:?}");
        }
    }

    /// `stick` is refused with `code`, and the message contains every
    /// fragment; the store and staging are untouched.
    #[track_caller]
    fn refused(&mut self, stick: &Path, settings: &Settings, code: &str, expect: &[&str]) {
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

fn read_manifest(stick: &Path) -> Manifest {
    serde_json::from_slice(&fs::read(manifest_path(stick)).unwrap()).unwrap()
}

fn write_manifest(stick: &Path, manifest: &Manifest) {
    fs::write(manifest_path(stick), manifest.to_bytes()).unwrap();
}

/// Change the manifest of `stick` (the signature, if any, no longer holds).
fn edit_manifest(stick: &Path, edit: impl FnOnce(&mut Manifest)) {
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

mod file_names;
mod files;
mod good_path;
mod make_and_find;
mod manifests;
mod pulled;
mod trust;
mod usb_policy;
