//! USB bundles through the real binary: `bundle make`, `bundle keygen`, `check DIR`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{demo_file, kiosk, root};

/// What a finished command printed, and how it exited.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = kiosk().args(args).output().expect("run summit-kiosk");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    fn fails(self) -> Run {
        assert_eq!(
            self.code, 1,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.starts_with("summit-kiosk: error: "),
            "{}",
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "no panic: {}",
            self.stderr
        );
        self
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The demo photos, copied into `dir/photos`.
fn demo_photos(dir: &Path) -> (PathBuf, Vec<String>) {
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root().join("assets/demo/photos")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jpg") {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            std::fs::copy(&path, photos.join(&name)).unwrap();
            names.push(name);
        }
    }
    names.sort();
    assert!(names.len() >= 2, "the demo has photos: {names:?}");
    // Not photos: left out of the bundle.
    std::fs::write(photos.join("notes.txt"), "not a photo").unwrap();
    std::fs::write(photos.join(".hidden.jpg"), "hidden").unwrap();
    (photos, names)
}

/// `bundle keygen`: the key file and the public key's base64 line.
fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let out = run(&["bundle", "keygen", s(&key)]).ok();
    let line = public_key_line(&out.stdout);
    (key, line)
}

fn public_key_line(stdout: &str) -> String {
    stdout
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("RW"))
        .unwrap_or_else(|| panic!("a minisign public key line in:\n{stdout}"))
        .to_string()
}

fn make(args: &[&str], out: &Path) -> Run {
    let mut all = vec!["bundle", "make"];
    all.extend_from_slice(args);
    all.extend(["-o", s(out)]);
    run(&all)
}

fn config(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn signed_config(dir: &Path, name: &str, key_line: &str) -> PathBuf {
    config(
        dir,
        name,
        &format!("[bundle]\npolicy = \"signed\"\ntrusted_keys = [\"{key_line}\"]\n"),
    )
}

fn manifest(out: &Path) -> Value {
    let bytes = std::fs::read(out.join("summit-kiosk/manifest.json")).unwrap();
    serde_json::from_slice(&bytes).expect("the manifest is JSON")
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push(path.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn keygen_prints_a_public_key_and_keeps_the_secret_private() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("bundle.key");
    let out = run(&["bundle", "keygen", s(&key)]).ok();
    assert!(
        out.stdout
            .contains("untrusted comment: minisign public key"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("trusted_keys"), "{}", out.stdout);
    let line = public_key_line(&out.stdout);
    assert_eq!(line.len(), 56, "a minisign public key: {line}");
    assert!(
        line.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='),
        "{line}"
    );
    let secret = std::fs::read_to_string(&key).unwrap();
    let secret_line = secret.lines().nth(1).unwrap_or("");
    assert!(
        secret.starts_with("untrusted comment:")
            && secret_line.starts_with("RW")
            && secret_line.len() > 100,
        "a minisign secret key file: {secret}"
    );
    assert!(
        !out.stdout.contains(secret_line),
        "the secret is not printed"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the secret key is private: {mode:o}");

    // An existing key is never overwritten.
    let again = run(&["bundle", "keygen", s(&key)]).fails();
    assert!(again.stderr.contains(s(&key)), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&key).unwrap(), secret);

    // Two keys differ.
    let (_, other) = keygen(dir.path(), "other.key");
    assert_ne!(other, line);
}

#[test]
fn an_unsigned_bundle_with_photos_is_made_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (photos, names) = demo_photos(dir.path());
    let stick = dir.path().join("stick");
    let made = make(
        &[
            "--schedule",
            &demo_file(),
            "--photos",
            s(&photos),
            "--version",
            "5",
        ],
        &stick,
    )
    .ok();
    assert!(
        made.stdout.contains(&format!(
            "Wrote a bundle to {}",
            stick.join("summit-kiosk").display()
        )),
        "{}",
        made.stdout
    );
    assert!(made.stdout.contains("version     5"), "{}", made.stdout);
    assert!(
        made.stdout
            .contains(&format!("files       {}", names.len() + 1)),
        "{}",
        made.stdout
    );
    assert!(made.stdout.contains("signed      no"), "{}", made.stdout);
    assert!(
        made.stdout.contains("dask-summit-2020"),
        "names the conference: {}",
        made.stdout
    );

    let mut expected: Vec<String> = names
        .iter()
        .map(|n| format!("summit-kiosk/photos/{n}"))
        .collect();
    expected.extend([
        "summit-kiosk/manifest.json".to_string(),
        "summit-kiosk/schedule.json".to_string(),
    ]);
    expected.sort();
    assert_eq!(tree(&stick), expected, "no signature, no stray files");
    assert_eq!(
        std::fs::read(stick.join("summit-kiosk/schedule.json")).unwrap(),
        std::fs::read(demo_file()).unwrap(),
        "the schedule is copied as it is"
    );
    let m = manifest(&stick);
    assert_eq!(m["bundle_version"], 5, "{m}");
    assert_eq!(m["conference"]["id"], "dask-summit-2020", "{m}");
    let files = m["files"].as_array().unwrap();
    assert_eq!(files.len(), names.len() + 1);
    for f in files {
        let sha = f["sha256"].as_str().unwrap();
        assert_eq!(sha.len(), 64, "{f}");
        let on_disk =
            std::fs::metadata(stick.join("summit-kiosk").join(f["path"].as_str().unwrap()))
                .unwrap()
                .len();
        assert_eq!(f["size"], on_disk, "{f}");
    }

    // `check` on the stick, and on its summit-kiosk folder.
    for target in [stick.clone(), stick.join("summit-kiosk")] {
        let out = run(&["check", s(&target)]).ok();
        assert!(
            out.stdout.contains("a valid bundle (nothing was applied)"),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains("version     5"), "{}", out.stdout);
        assert!(
            out.stdout
                .lines()
                .any(|l| l.contains("schedule.json") && l.contains("sha256 ok")),
            "{}",
            out.stdout
        );
        for n in &names {
            assert!(
                out.stdout
                    .lines()
                    .any(|l| l.contains(&format!("photos/{n}")) && l.contains("sha256 ok")),
                "{n}: {}",
                out.stdout
            );
        }
        assert!(out.stdout.contains("signature   none"), "{}", out.stdout);
    }
    // Checking writes nothing (no report, nothing applied).
    assert_eq!(tree(&stick), expected);
}

#[test]
fn a_signed_bundle_passes_a_signed_policy_and_an_unsigned_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let (key, line) = keygen(dir.path(), "bundle.key");
    let signed = dir.path().join("signed");
    let made = make(
        &[
            "--schedule",
            &demo_file(),
            "--sign",
            s(&key),
            "--version",
            "7",
        ],
        &signed,
    )
    .ok();
    assert!(made.stdout.contains("signed      yes"), "{}", made.stdout);
    let sig = std::fs::read_to_string(signed.join("summit-kiosk/manifest.json.minisig")).unwrap();
    assert!(
        sig.contains("summit-kiosk bundle dask-summit-2020 version 7"),
        "{sig}"
    );
    let unsigned = dir.path().join("unsigned");
    make(&["--schedule", &demo_file(), "--version", "7"], &unsigned).ok();
    assert!(!unsigned.join("summit-kiosk/manifest.json.minisig").exists());

    let cfg = signed_config(dir.path(), "signed.toml", &line);
    let out = run(&["check", s(&signed), "--config", s(&cfg)]).ok();
    assert!(out.stdout.contains("a valid bundle"), "{}", out.stdout);
    assert!(
        out.stdout.contains("signature   good, by trusted key "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Signed"),
        "names the policy: {}",
        out.stdout
    );

    let refused = run(&["check", s(&unsigned), "--config", s(&cfg)]).fails();
    assert!(
        refused
            .stderr
            .contains("the bundle is not signed, and this kiosk accepts signed bundles only"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains(s(&unsigned)), "{}", refused.stderr);
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);

    // The whole .pub text works as a trusted key too (TOML multi-line string).
    let pub_text = run(&["bundle", "keygen", s(&dir.path().join("third.key"))])
        .ok()
        .stdout;
    let third_line = public_key_line(&pub_text);
    let comment = pub_text
        .lines()
        .find(|l| l.starts_with("untrusted comment:"))
        .unwrap();
    let both = config(
        dir.path(),
        "both.toml",
        &format!(
            "[bundle]\npolicy = \"signed\"\ntrusted_keys = [\"\"\"\n{comment}\n{third_line}\n\"\"\", \"{line}\"]\n"
        ),
    );
    run(&["check", s(&signed), "--config", s(&both)]).ok();

    // Signed by a key the config does not trust.
    let (_, stranger) = keygen(dir.path(), "stranger.key");
    let other = signed_config(dir.path(), "other.toml", &stranger);
    let untrusted = run(&["check", s(&signed), "--config", s(&other)]).fails();
    assert!(
        untrusted.stderr.contains("which this kiosk does not trust"),
        "{}",
        untrusted.stderr
    );
    // Without a config (same-conference policy) the signature is reported.
    let plain = run(&["check", s(&signed)]).ok();
    assert!(
        plain.stdout.contains("which this config does not trust"),
        "{}",
        plain.stdout
    );

    // The signature covers the manifest: change it and it no longer holds.
    let manifest_path = signed.join("summit-kiosk/manifest.json");
    let text = std::fs::read_to_string(&manifest_path).unwrap();
    assert!(text.contains("\"bundle_version\":7") || text.contains("\"bundle_version\": 7"));
    let bumped = text
        .replacen("\"bundle_version\":7", "\"bundle_version\":8", 1)
        .replacen("\"bundle_version\": 7", "\"bundle_version\": 8", 1);
    std::fs::write(&manifest_path, bumped).unwrap();
    let bad = run(&["check", s(&signed), "--config", s(&cfg)]).fails();
    assert!(bad.stderr.contains("bad signature"), "{}", bad.stderr);
    assert!(
        bad.stderr.contains("manifest.json.minisig"),
        "{}",
        bad.stderr
    );

    // A config whose trusted key is not a key.
    let broken = config(
        dir.path(),
        "broken.toml",
        "[bundle]\npolicy = \"signed\"\ntrusted_keys = [\"not a key\"]\n",
    );
    let e = run(&["check", s(&unsigned), "--config", s(&broken)]).fails();
    assert!(
        e.stderr
            .contains("trusted key #0 is not a minisign public key"),
        "{}",
        e.stderr
    );
}

#[test]
fn a_file_changed_on_the_stick_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (photos, names) = demo_photos(dir.path());
    let stick = dir.path().join("stick");
    make(
        &["--schedule", &demo_file(), "--photos", s(&photos)],
        &stick,
    )
    .ok();
    run(&["check", s(&stick)]).ok();

    // One byte of the schedule, same size: the hash tells.
    let schedule = stick.join("summit-kiosk/schedule.json");
    let original = std::fs::read(&schedule).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    let title = "Native Cloud Deployment with Dask-Cloudprovider";
    assert!(text.contains(title));
    std::fs::write(
        &schedule,
        text.replacen(title, &title.replacen('N', "M", 1), 1),
    )
    .unwrap();
    assert_eq!(
        std::fs::metadata(&schedule).unwrap().len(),
        original.len() as u64
    );
    let out = run(&["check", s(&stick)]).fails();
    assert!(
        out.stderr.contains(s(&schedule)),
        "names the file: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("SHA-256 mismatch: the manifest says "),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);

    // A byte more: the size tells, before anything is hashed.
    let mut longer = original.clone();
    longer.push(b'\n');
    std::fs::write(&schedule, &longer).unwrap();
    let out = run(&["check", s(&stick)]).fails();
    assert!(out.stderr.contains(s(&schedule)), "{}", out.stderr);
    assert!(out.stderr.contains("size mismatch"), "{}", out.stderr);

    // Restored, it passes again; then a photo changed.
    std::fs::write(&schedule, &original).unwrap();
    run(&["check", s(&stick)]).ok();
    let photo = stick.join("summit-kiosk/photos").join(&names[0]);
    let mut bytes = std::fs::read(&photo).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    std::fs::write(&photo, &bytes).unwrap();
    let out = run(&["check", s(&stick)]).fails();
    assert!(out.stderr.contains(s(&photo)), "{}", out.stderr);
    assert!(out.stderr.contains("SHA-256 mismatch"), "{}", out.stderr);

    // A file gone.
    std::fs::remove_file(&photo).unwrap();
    let out = run(&["check", s(&stick)]).fails();
    assert!(out.stderr.contains(s(&photo)), "{}", out.stderr);
    assert!(out.stderr.contains("missing"), "{}", out.stderr);
}

#[test]
fn a_bad_schedule_makes_no_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let bad = crate::support::bad_schedules(dir.path());
    for (file, fragment) in bad
        .iter()
        .filter(|(f, _)| !f.ends_with("over-cap.json") && !f.ends_with("ten-mb-title.json"))
    {
        let out_dir = dir.path().join(format!(
            "out-{}",
            file.file_stem().unwrap().to_str().unwrap()
        ));
        let out = make(&["--schedule", s(file)], &out_dir).fails();
        assert!(
            out.stderr.contains("the schedule is refused"),
            "{}: {}",
            file.display(),
            out.stderr
        );
        assert!(
            out.stderr.contains(s(file)),
            "names the file: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains(fragment),
            "{fragment:?} in {}",
            out.stderr
        );
        assert!(!out_dir.exists(), "nothing written for {}", file.display());
    }
    // A schedule that is not there.
    let out_dir = dir.path().join("out-missing");
    let out = make(&["--schedule", s(&dir.path().join("nope.json"))], &out_dir).fails();
    assert!(out.stderr.contains("nope.json"), "{}", out.stderr);
    assert!(!out_dir.exists());

    // An existing folder stays as it was.
    let existing = dir.path().join("existing");
    std::fs::create_dir(&existing).unwrap();
    std::fs::write(existing.join("keep.txt"), "keep").unwrap();
    let unknown_room = bad
        .iter()
        .find(|(f, _)| f.ends_with("unknown-room.json"))
        .unwrap();
    make(&["--schedule", s(&unknown_room.0)], &existing).fails();
    assert_eq!(tree(&existing), ["keep.txt"]);
}

#[test]
fn a_bundle_is_not_made_over_another() {
    let dir = tempfile::tempdir().unwrap();
    let stick = dir.path().join("stick");
    make(&["--schedule", &demo_file(), "--version", "1"], &stick).ok();
    let before = std::fs::read(stick.join("summit-kiosk/manifest.json")).unwrap();
    let out = make(&["--schedule", &demo_file(), "--version", "2"], &stick).fails();
    assert!(
        out.stderr.contains("a bundle is already there"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(stick.join("summit-kiosk/manifest.json")).unwrap(),
        before
    );
    // And a folder with no bundle is said to have none.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = run(&["check", s(&empty)]).fails();
    assert!(
        out.stderr
            .contains("no bundle here (no summit-kiosk/manifest.json)"),
        "{}",
        out.stderr
    );
}
