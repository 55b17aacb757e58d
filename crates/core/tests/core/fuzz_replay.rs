//! The fuzzers' findings, replayed on stable Rust with no fuzzer: every
//! committed input of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`
//! goes through the same function as its fuzz target (`fuzz/src/harness.rs`,
//! included here as it is), must not panic (the function also checks what
//! an error or a schedule promises) and must finish within its time bound.
//! Then the regressions: each input a fuzzer made crash, with the clear
//! error it gives now.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../../../../fuzz/src/harness.rs"]
#[allow(dead_code)]
mod harness;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The longest one input may take here (a debug build, on a machine that
/// may be busy). The SQLite importer's own budget is 5 s, so it gets more.
fn time_bound(target: &str) -> Duration {
    match target {
        "sqlite" => Duration::from_secs(10),
        _ => Duration::from_secs(5),
    }
}

/// The committed corpus stays small (`cargo xtask fuzz` minimises it).
const MAX_CORPUS_FILES: usize = 200;
const MAX_CORPUS_BYTES: u64 = 2 << 20;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

fn run(name: &str) -> harness::Run {
    harness::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no fuzz target {name}"))
}

/// Replay one target's corpus and regressions; returns how many inputs.
fn replay(target: &str) -> usize {
    let function = run(target);
    let corpus = files(&fuzz_dir().join("corpus").join(target));
    let regressions = files(&fuzz_dir().join("regressions").join(target));
    assert!(
        !corpus.is_empty(),
        "fuzz/corpus/{target} is empty: run `cargo xtask fuzz {target}`"
    );
    let bytes: u64 = corpus.iter().map(|p| p.metadata().unwrap().len()).sum();
    assert!(
        corpus.len() <= MAX_CORPUS_FILES && bytes <= MAX_CORPUS_BYTES,
        "fuzz/corpus/{target}: {} files, {bytes} bytes; over the cap",
        corpus.len()
    );
    for path in corpus.iter().chain(&regressions) {
        let data = std::fs::read(path).unwrap();
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(|| function(&data));
        let took = started.elapsed();
        assert!(
            outcome.is_ok(),
            "{target}: {} panics (replay it with `cargo fuzz run {target} {}`)",
            path.display(),
            path.display()
        );
        assert!(
            took <= time_bound(target),
            "{target}: {} took {took:?}, over {:?}",
            path.display(),
            time_bound(target)
        );
    }
    corpus.len() + regressions.len()
}

macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {
        $(
            #[test]
            fn $target() {
                replay(stringify!($target));
            }
        )*

        /// Every target has its replay above, its `fuzz_targets/` file and
        /// its `[[bin]]` in `fuzz/Cargo.toml`: none can be forgotten.
        #[test]
        fn every_target_is_replayed_and_built() {
            let replayed = [$(stringify!($target)),*];
            let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
            for (name, _) in harness::TARGETS {
                assert!(replayed.contains(name), "{name} is not replayed");
                assert!(
                    fuzz_dir().join(format!("fuzz_targets/{name}.rs")).is_file(),
                    "fuzz/fuzz_targets/{name}.rs is missing"
                );
                assert!(
                    manifest.contains(&format!("name = \"{name}\"")),
                    "{name} is not a [[bin]] of fuzz/Cargo.toml"
                );
            }
            assert_eq!(replayed.len(), harness::TARGETS.len());
            let on_disk = files(&fuzz_dir().join("fuzz_targets")).len();
            assert_eq!(on_disk, harness::TARGETS.len(), "a fuzz target is not in TARGETS");
        }
    };
}

mod targets {
    use super::{files, fuzz_dir, harness, replay};
    replay_tests!(
        schedule_json,
        frab_xml,
        frab_json,
        sessionize,
        csv,
        ical,
        detect,
        sqlite,
        feed,
        feed_signed,
        feed_follower,
        bundle,
        config,
        photo_header,
        photo_decode,
    );
}

/// Each function is really wired to its parser: a known-bad input gives
/// the error the parser gives, and a known-good one passes all the checks.
#[test]
fn the_targets_reach_their_parsers() {
    let demo = kiosk_core::demo::DEMO_JSON.as_bytes();
    assert!(harness::schedule_json(demo));
    assert!(harness::detect(demo));
    // The demo is the project's own JSON, so the frab target refuses it.
    assert!(!harness::frab_json(demo));
    assert!(!harness::sqlite(demo));
    let frab = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/frab/khk12-old-schedule.xml"),
    )
    .unwrap();
    assert!(harness::frab_xml(&frab));
    assert!(harness::config(b"room = \"Main hall\"\n"));
    assert!(!harness::config(b"\xff\xfe"));
    // A JPEG header saying 0 x 0 is refused before decoding.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0];
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    assert!(harness::photo_header(&jpeg));
    assert!(!harness::photo_decode(&jpeg));
}

/// The promises the targets check are live: an error that does not name
/// its input, and a schedule the screens could not trust, both fail.
#[test]
fn the_checks_catch_a_broken_promise() {
    let anonymous = kiosk_core::Error::Time("no input named".into());
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        harness::check_error(&anonymous, harness::ORIGIN)
    }))
    .is_err());
    let named = kiosk_core::Error::Empty {
        origin: harness::ORIGIN.into(),
    };
    harness::check_error(&named, harness::ORIGIN);

    let demo = kiosk_core::demo::demo();
    harness::check_schedule(&demo);
    let mut lost = demo.clone();
    lost.schedule.sessions[0].room = "a room nobody listed".into();
    assert!(std::panic::catch_unwind(|| harness::check_schedule(&lost)).is_err());
    let mut backwards = demo;
    let session = &mut backwards.schedule.sessions[0];
    session.end = session.start;
    assert!(std::panic::catch_unwind(|| harness::check_schedule(&backwards)).is_err());
}

/// `feed_follower` answers as a follower does: the harness's seal is
/// taken, an older version is a replay, a changed byte of the signed feed
/// and an unsigned feed are refused when a key is trusted.
#[test]
fn the_follower_target_sees_what_a_follower_sees() {
    use harness::follower_flags::{FLOOR, PLAIN, TAMPER, TRUSTED};
    use kiosk_core::feed::{Feed, FeedError, Notices};
    use kiosk_core::sync::Checked;
    let document = Feed::new(3, kiosk_core::demo::demo().schedule, Notices::default()).to_bytes();
    let input = |flags: u8, floor: u64, at: u16| {
        let mut input = vec![flags];
        input.extend_from_slice(&floor.to_le_bytes());
        input.extend_from_slice(&at.to_le_bytes());
        input.extend_from_slice(&document);
        input
    };
    let verdict = |flags, floor, at| {
        let data = input(flags, floor, at);
        assert!(harness::feed_follower(&data), "the checks hold");
        harness::feed_follower_verdict(&data)
            .expect("an input for this target")
            .1
    };
    let refusal = |flags, floor, at| match verdict(flags, floor, at) {
        Err(kiosk_core::Error::Feed { source, .. }) => source,
        other => panic!("not refused as a feed: {:?}", other.map(|_| ())),
    };
    match verdict(TRUSTED | FLOOR, 3, 0) {
        Ok(Checked::Changed {
            accepted_version, ..
        }) => assert_eq!(accepted_version, Some(3)),
        other => panic!("the seal was not taken: {:?}", other.map(|_| ())),
    }
    assert!(matches!(
        refusal(TRUSTED | FLOOR, 4, 0),
        FeedError::Replayed {
            version: 3,
            newest: 4
        }
    ));
    // Byte 65 is inside the signed feed's text ("summit" becomes "summht").
    assert!(matches!(
        refusal(TRUSTED | TAMPER, 0, 65),
        FeedError::BadSignature { .. }
    ));
    assert!(matches!(
        refusal(TRUSTED | PLAIN, 0, 0),
        FeedError::Unsigned
    ));
    match verdict(0, 0, 0) {
        Ok(Checked::Changed {
            accepted_version, ..
        }) => assert_eq!(accepted_version, None, "nothing accepted without a key"),
        other => panic!("an unsigned follower refused it: {:?}", other.map(|_| ())),
    }
}
