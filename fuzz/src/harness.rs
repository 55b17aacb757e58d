//! What each fuzz target does with its bytes: one function per parser of
//! untrusted input, calling kiosk-core only through the entry points the
//! kiosk itself uses. The `fuzz_targets/` are one line each around these;
//! kiosk-core's `fuzz_replay` test includes this very file to run the
//! committed corpus and regressions on stable Rust, so a target and its
//! replay cannot drift apart.
//!
//! Besides "no panic, no hang, no memory bomb", each function checks what
//! the kiosk promises about the outcome: an error names the input it is
//! about (and a validation error lists at least one problem), and a schedule
//! that passes validation is one the screens can show (sessions end after
//! they start, in rooms that exist, within the limits; the snapshot and
//! `now` report compute without panicking). A broken promise panics, which
//! the fuzzer reports like a crash.
//!
//! Each function returns whether the input was meant for its target (a
//! format target refuses bytes that are detected as another format, so the
//! fuzzer's corpus stays on its parser).

use std::path::{Path, PathBuf};

use kiosk_core::bundle::{self, BundleError, Policy};
use kiosk_core::config::Config;
use kiosk_core::draft::Validated;
use kiosk_core::import::{self, Format, ImportOptions};
use kiosk_core::limits;
use kiosk_core::photos::{self, PhotoError, RenderOptions};
use kiosk_core::snapshot::{self, Selection};

/// The name every input goes by; errors must name it.
pub const ORIGIN: &str = "fuzz-input";

/// What a target runs on one input; whether the input was meant for it.
pub type Run = fn(&[u8]) -> bool;

/// Every target: its name (the `fuzz_targets/<name>.rs` file and the
/// `corpus/<name>/` folder) and what it runs.
pub const TARGETS: &[(&str, Run)] = &[
    ("schedule_json", schedule_json),
    ("frab_xml", frab_xml),
    ("frab_json", frab_json),
    ("sessionize", sessionize),
    ("csv", csv),
    ("ical", ical),
    ("detect", detect),
    ("sqlite", sqlite),
    ("feed", feed),
    ("feed_signed", feed_signed),
    ("feed_follower", feed_follower),
    ("bundle", bundle),
    ("config", config),
    ("photo_header", photo_header),
    ("photo_decode", photo_decode),
];

/// The venue zone a kiosk would be configured with, so that formats whose
/// times carry no zone (Sessionize, CSV, floating iCalendar) get past that
/// check and into their time handling.
fn options() -> ImportOptions {
    ImportOptions {
        venue_timezone: Some("Europe/Berlin".into()),
    }
}

/// The project's own JSON format.
pub fn schedule_json(data: &[u8]) -> bool {
    check_import(kiosk_core::schedule_json::parse(ORIGIN, data));
    true
}

pub fn frab_xml(data: &[u8]) -> bool {
    detected_as(data, Format::FrabXml)
}

pub fn frab_json(data: &[u8]) -> bool {
    detected_as(data, Format::FrabJson)
}

pub fn sessionize(data: &[u8]) -> bool {
    detected_as(data, Format::Sessionize)
}

pub fn csv(data: &[u8]) -> bool {
    detected_as(data, Format::Csv)
}

pub fn ical(data: &[u8]) -> bool {
    detected_as(data, Format::Ical)
}

/// Format detection and whichever importer it picks, as for a URL's body.
pub fn detect(data: &[u8]) -> bool {
    let _ = import::detect(data);
    check_import(import::parse_bytes(ORIGIN, data, &options()).map(|(_, v)| v));
    true
}

/// Bytes that detection gives to `format`, through the same entry point a
/// downloaded schedule takes.
fn detected_as(data: &[u8], format: Format) -> bool {
    if import::detect(data) != format {
        return false;
    }
    let result = import::parse_bytes(ORIGIN, data, &options());
    if let Ok((found, _)) = &result {
        assert_eq!(*found, format, "parse_bytes and detect disagree");
    }
    check_import(result.map(|(_, v)| v));
    true
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The SQLite exchange file: the bytes written to a file and opened as the
/// importer opens a file it is given.
pub fn sqlite(data: &[u8]) -> bool {
    if !data.starts_with(SQLITE_MAGIC) {
        return false;
    }
    let dir = Scratch::new("sqlite");
    let path = dir.path.join("exchange.sqlite");
    std::fs::write(&path, data).expect("the scratch folder is writable");
    let result = import::load_file(&path, &options());
    if let Ok((format, _)) = &result {
        assert_eq!(*format, Format::Sqlite);
    }
    check_import_named(result.map(|(_, v)| v), &path.display().to_string());
    true
}

/// Another kiosk's feed, as a follower reads it.
pub fn feed(data: &[u8]) -> bool {
    match kiosk_core::feed::parse(ORIGIN, data) {
        Ok((validated, notices)) => {
            assert!(notices.announcements.len() <= 1000);
            let mut snap = check_schedule(&validated);
            snapshot::set_announcements(&mut snap, &notices.announcements);
            // The leader's statuses, emergencies and planned times on screen.
            kiosk_core::glance::decorate(
                &mut snap,
                &kiosk_core::glance::Glance {
                    schedule: Some(&validated.schedule),
                    moved: &notices.moved,
                    qr: &kiosk_core::config::QrConfig::default(),
                    statuses: &notices.room_statuses,
                    emergencies: &notices.emergencies,
                },
            );
        }
        Err(e) => check_error(&e, ORIGIN),
    }
    true
}

/// A signed feed as a follower that trusts a key takes it: the input is
/// `envelope [SEP trusted key]` (no key: any feed is taken, as configured
/// with no `trusted_keys`), opened, its signature checked, then validated.
pub fn feed_signed(data: &[u8]) -> bool {
    let mut parts = split(data, BUNDLE_SEPARATOR);
    let envelope = parts.next().unwrap_or_default();
    let keys: Vec<String> = parts
        .next()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .into_iter()
        .collect();
    let Ok(trust) = kiosk_core::feed::Trust::from_keys(&keys) else {
        return false;
    };
    match kiosk_core::feed::open(ORIGIN, envelope, &trust)
        .and_then(|opened| kiosk_core::feed::validate_feed(ORIGIN, opened.feed))
    {
        Ok((validated, _)) => {
            check_schedule(&validated);
        }
        Err(e) => check_error(&e, ORIGIN),
    }
    true
}

/// How a `feed_follower` input's first byte is read.
pub mod follower_flags {
    /// Flip one bit of the sealed envelope (at the next two bytes' offset;
    /// which bit: the flag byte's top three bits).
    pub const TAMPER: u8 = 1;
    /// The follower trusts the harness's key (else it trusts none).
    pub const TRUSTED: u8 = 2;
    /// The follower already accepted a version (the next eight bytes).
    pub const FLOOR: u8 = 4;
    /// Send the document as it is, not sealed.
    pub const PLAIN: u8 = 8;
}

/// The head of a `feed_follower` input: flags, floor, tamper offset.
pub const FOLLOWER_HEAD: usize = 11;

/// The harness's organizer key (made once per process) and its public key.
fn follower_key() -> &'static (kiosk_core::feed::SigningKey, String) {
    static KEY: std::sync::OnceLock<(kiosk_core::feed::SigningKey, String)> =
        std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let dir = Scratch::new("feed-key");
        let file = dir.path.join("organizer.key");
        let public = kiosk_core::bundle::generate_keypair(&file).expect("a key can be made");
        let key = kiosk_core::feed::SigningKey::load(&file, None).expect("the new key loads");
        (key, public)
    })
}

/// A feed as a follower takes it from a URL or a broker
/// (`sync::check_feed`: signature, replay floor, validation), behind a
/// *valid* signature: the input is a head ([`follower_flags`], a replay
/// floor, a tamper offset) and a feed document, which the harness seals
/// with its own key. Random bytes never carry a valid signature, so this
/// is how the fuzzer reaches what a signed feed can do to a follower.
/// Returns the envelope sent and the follower's verdict (`None`: not an
/// input for this target).
pub fn feed_follower_verdict(
    data: &[u8],
) -> Option<(Vec<u8>, kiosk_core::Result<kiosk_core::sync::Checked>)> {
    use follower_flags::*;
    let (head, document) = data.split_at_checked(FOLLOWER_HEAD)?;
    let flags = head[0];
    let floor = u64::from_le_bytes(head[1..9].try_into().expect("eight bytes"));
    let at = u16::from_le_bytes([head[9], head[10]]) as usize;
    let (key, public) = follower_key();
    let mut sent = if flags & PLAIN != 0 {
        document.to_vec()
    } else {
        // A document that is not UTF-8 cannot be sealed (the leader's own
        // check): not an input for this target.
        key.seal(document, floor).ok()?
    };
    if flags & TAMPER != 0 && !sent.is_empty() {
        let i = at % sent.len();
        sent[i] ^= 1 << (flags >> 5);
    }
    let trust = if flags & TRUSTED != 0 {
        kiosk_core::feed::Trust::from_keys(std::slice::from_ref(public)).expect("our own key")
    } else {
        kiosk_core::feed::Trust::none()
    };
    let policy = kiosk_core::sync::FeedPolicy {
        trust,
        newest: (flags & FLOOR != 0).then_some(floor),
    };
    let verdict = kiosk_core::sync::check_feed(ORIGIN, &sent, &policy);
    Some((sent, verdict))
}

pub fn feed_follower(data: &[u8]) -> bool {
    use follower_flags::*;
    use kiosk_core::feed::FeedError;
    let Some((sent, verdict)) = feed_follower_verdict(data) else {
        return false;
    };
    let flags = data[0];
    let trusted = flags & TRUSTED != 0;
    let changed = flags & TAMPER != 0 && !sent.is_empty();
    let floor = (flags & FLOOR != 0)
        .then(|| u64::from_le_bytes(data[1..9].try_into().expect("eight bytes")));
    // What the leader signed, as the follower would read it unsigned.
    let signed = || {
        let mut untouched = data.to_vec();
        untouched[0] &= !TAMPER;
        feed_follower_verdict(&untouched)
            .map(|(bytes, _)| bytes)
            .and_then(|bytes| {
                kiosk_core::feed::open(ORIGIN, &bytes, &kiosk_core::feed::Trust::none()).ok()
            })
            .map(|opened| opened.feed)
    };
    match verdict {
        Ok(kiosk_core::sync::Checked::Changed {
            validated,
            accepted_version,
            feed_version,
            ..
        }) => {
            check_schedule(&validated);
            if trusted {
                assert!(
                    flags & PLAIN == 0,
                    "an unsigned feed was taken with a trusted key"
                );
                assert_eq!(accepted_version, feed_version, "a signed feed's version");
                let version = accepted_version.expect("a signed feed has a version");
                if let Some(floor) = floor {
                    assert!(
                        version >= floor,
                        "version {version} taken under floor {floor}"
                    );
                }
                if changed {
                    // Taken although a bit changed: the bit was outside what
                    // the signature covers, and the feed is what was signed.
                    let taken =
                        kiosk_core::feed::open(ORIGIN, &sent, &kiosk_core::feed::Trust::none())
                            .expect("it was taken")
                            .feed;
                    assert!(
                        Some(taken) == signed(),
                        "a changed feed was taken as signed"
                    );
                }
            } else {
                assert_eq!(accepted_version, None, "a version accepted with no key");
            }
        }
        Ok(kiosk_core::sync::Checked::Unchanged) => {
            panic!("a feed given by bytes cannot be unchanged")
        }
        Err(e) => {
            check_error(&e, ORIGIN);
            if let kiosk_core::Error::Feed { source, .. } = &e {
                match source {
                    FeedError::Replayed { version, newest } => {
                        assert!(trusted && version < newest && Some(*newest) == floor, "{e}");
                    }
                    FeedError::BadSignature { .. }
                    | FeedError::Unsigned
                    | FeedError::UntrustedKey { .. }
                    | FeedError::MalformedSignature(_) => {
                        assert!(trusted, "a signature checked with no key: {e}");
                        assert!(
                            changed || flags & PLAIN != 0,
                            "the harness's own seal was refused: {e}"
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    true
}

/// Separates the parts of a `bundle` or `feed_signed` input: the manifest, then the
/// signature file, then a trusted public key (as written in the config).
pub const BUNDLE_SEPARATOR: &[u8] = b"\n%%\n";

/// A USB bundle's manifest and its minisign signature, checked as a stick
/// is: the input is `manifest [SEP signature [SEP trusted key]]`, written
/// into a bundle folder on disk.
pub fn bundle(data: &[u8]) -> bool {
    let mut parts = split(data, BUNDLE_SEPARATOR);
    let manifest = parts.next().unwrap_or_default();
    let signature = parts.next();
    let keys: Vec<String> = parts
        .next()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .into_iter()
        .collect();
    let dir = Scratch::new("bundle");
    let folder = dir.path.join(bundle::BUNDLE_DIR);
    std::fs::create_dir(&folder).expect("the scratch folder is writable");
    std::fs::write(folder.join(bundle::MANIFEST_FILE), manifest).expect("writable");
    if let Some(signature) = signature {
        std::fs::write(folder.join(bundle::SIGNATURE_FILE), signature).expect("writable");
    }
    let result = bundle::check(
        &dir.path,
        &Policy::default(),
        &keys,
        None,
        &ImportOptions::default(),
    );
    if let Err(e) = result {
        let text = e.to_string();
        assert!(!text.trim().is_empty(), "an empty error: {e:?}");
        if !matches!(e, BundleError::BadKey { .. }) {
            // Everything but a bad configured key is about the stick.
            assert_names(&text, &dir.path.display().to_string());
        }
    }
    true
}

fn split<'a>(data: &'a [u8], separator: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = Some(data);
    std::iter::from_fn(move || {
        let bytes = rest?;
        match bytes.windows(separator.len()).position(|w| w == separator) {
            Some(i) => {
                rest = Some(&bytes[i + separator.len()..]);
                Some(&bytes[..i])
            }
            None => {
                rest = None;
                Some(bytes)
            }
        }
    })
}

/// The config file (read as UTF-8 text, as `Config::load` reads it).
pub fn config(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let path = Path::new("fuzz-config.toml");
    match Config::parse(path, text) {
        Ok(config) => {
            let _ = config.bundle.policy();
            let _ = config.data_dir();
        }
        Err(e) => check_error(&e, "fuzz-config.toml"),
    }
    true
}

/// A photo's format and size from its header, refused before decoding if
/// it is over a limit.
pub fn photo_header(data: &[u8]) -> bool {
    match photos::probe(data) {
        Ok(header) => {
            let (w, h) = (header.width as u64, header.height as u64);
            assert!(w > 0 && h > 0, "{header:?}");
            assert!(w * h <= photos::MAX_JPEG_PIXELS, "{header:?}");
            assert!(w.max(h) <= w.min(h) * photos::MAX_ASPECT, "{header:?}");
        }
        Err(e) => check_photo_error(&e),
    }
    true
}

/// Photos up to this many pixels are decoded whole by `photo_decode`; the
/// header check of larger ones is `photo_header`'s.
pub const SMALL_PHOTO_PIXELS: u64 = 256 * 256;

/// The long edges `photo_decode` asks for: small enough that a small photo
/// is both scaled down (JPEG DCT scaling, the resizer) and left as it is.
pub const DECODE_EDGES: [u32; 2] = [48, 160];

/// The whole pipeline the photo worker runs (decode, orient, resize,
/// encode) on small photos. The fuzz target runs it under the worker's own
/// limits (see `fuzz_targets/photo_decode.rs`).
pub fn photo_decode(data: &[u8]) -> bool {
    let Ok(header) = photos::probe(data) else {
        return false;
    };
    if header.width as u64 * header.height as u64 > SMALL_PHOTO_PIXELS {
        return false;
    }
    let options = RenderOptions {
        long_edges: DECODE_EDGES.to_vec(),
        quality: 85,
    };
    match photos::render(data, &options) {
        Ok(rendered) => {
            let upright = [(header.width, header.height), (header.height, header.width)];
            assert!(
                upright.contains(&(rendered.width, rendered.height)),
                "{header:?} rendered as {} × {}",
                rendered.width,
                rendered.height
            );
            assert_eq!(rendered.renditions.len(), DECODE_EDGES.len());
            for r in &rendered.renditions {
                assert!(r.width.max(r.height) <= r.long_edge, "{r:?}");
                assert!(r.width >= 1 && r.height >= 1);
                assert!(r.jpeg.starts_with(&[0xFF, 0xD8]) && r.jpeg.ends_with(&[0xFF, 0xD9]));
            }
            if let Some(credit) = &rendered.credit {
                assert!(credit.chars().count() <= photos::MAX_CREDIT_CHARS);
                assert!(!credit.chars().any(char::is_control), "{credit:?}");
            }
        }
        Err(e) => check_photo_error(&e),
    }
    true
}

fn check_photo_error(e: &PhotoError) {
    let text = e.to_string();
    assert!(!text.trim().is_empty(), "an empty error: {e:?}");
    assert!(!e.code().is_empty());
}

fn check_import(result: kiosk_core::Result<Validated>) {
    check_import_named(result, ORIGIN)
}

fn check_import_named(result: kiosk_core::Result<Validated>, origin: &str) {
    match result {
        Ok(validated) => {
            check_schedule(&validated);
        }
        Err(e) => check_error(&e, origin),
    }
}

/// An error names the input and says what is wrong.
pub fn check_error(e: &kiosk_core::Error, origin: &str) {
    assert_names(&e.to_string(), origin);
    if let kiosk_core::Error::Invalid { problems, .. } = e {
        assert!(!problems.is_empty(), "invalid with no problem listed");
        for p in problems {
            assert!(!p.message.trim().is_empty(), "a problem with no message");
        }
    }
}

fn assert_names(text: &str, origin: &str) {
    assert!(
        text.contains(origin),
        "the error does not say which input it is about: {text:?}"
    );
}

/// What validation promises, and what the screens compute from it.
pub fn check_schedule(validated: &Validated) -> snapshot::DisplaySnapshot {
    let schedule = &validated.schedule;
    assert!(schedule.sessions.len() <= limits::MAX_SESSIONS);
    assert!(schedule.rooms.len() <= limits::MAX_ROOMS);
    for s in &schedule.sessions {
        assert!(
            s.end > s.start,
            "session {:?} does not end after it starts",
            s.id
        );
        assert!(
            schedule.rooms.iter().any(|r| r.id == s.room),
            "session {:?} is in room {:?}, which is not listed",
            s.id,
            s.room
        );
        assert!(s.title.chars().count() <= limits::MAX_TITLE_CHARS);
        assert!(s.speakers.len() <= limits::MAX_SPEAKERS_PER_SESSION);
    }
    let at = schedule
        .sessions
        .first()
        .map_or(jiff::Timestamp::UNIX_EPOCH, |s| s.start);
    let mut last = None;
    for instant in [
        Some(at),
        at.checked_sub(jiff::SignedDuration::from_mins(1)).ok(),
    ]
    .into_iter()
    .flatten()
    {
        let _ = kiosk_core::now_report::now_report(schedule, instant, None);
        if let Some(room) = schedule.rooms.first() {
            let _ = snapshot::room_snapshot(schedule, &room.id, instant);
        }
        last = Some(snapshot::display_snapshot(
            Some(schedule),
            &Selection::Lobby,
            instant,
            1,
            1.0,
        ));
    }
    last.expect("the first instant is always there")
}

/// A private folder for one input's files, removed afterwards (a fuzzer
/// runs millions of inputs; the replay test runs them on many threads).
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new(what: &str) -> Scratch {
        // tmpfs when there is one: millions of small files.
        let base = Path::new("/dev/shm");
        let base = if base.is_dir() {
            base.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let path = base.join(format!(
            "kiosk-fuzz-{what}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).expect("the scratch folder can be made");
        Scratch { path }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
