//! Keeping the store in step with its sources: a watched file (any format,
//! the SQLite exchange file included) or a polled URL. One check of a source
//! says whether it changed and, if so, brings the validated schedule; the
//! shell decides when to check and applies what comes back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;

use crate::draft::Validated;
use crate::error::Result;
use crate::feed::Trust;
use crate::fetch::{self, FetchLimits, Fetched, Validator};
use crate::import::{self, Format, ImportOptions};
use crate::model::Schedule;
use crate::secret::Secret;

mod pace;
pub use pace::{next_check_in, Held, MAX_BACKOFF, MIN_CHECK_GAP};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Url(UrlSource),
    /// A leader's feed on an MQTT broker, followed by a connection of its
    /// own (the shell's runner), not checked here.
    Mqtt(MqttSource),
}

/// A feed on a broker: `mqtt://host:port/CONF` (or `mqtts://`), and the
/// follower token its messages carry (as a MAC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttSource {
    pub target: crate::fleet::mqtt::Target,
    pub token: Option<Secret>,
}

/// A source as the config writes it: a file path or URL, or a URL with the
/// file holding its token (`{ url = "…", token_file = "…" }`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(
    untagged,
    expecting = "a file path or http(s) URL, or a table { url = \"…\", token_file = \"…\" }"
)]
pub enum SourceConfig {
    Location(String),
    WithToken(SourceWithToken),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceWithToken {
    pub url: String,
    /// A private file (mode 0600) holding the bearer token.
    pub token_file: PathBuf,
}

impl From<&str> for SourceConfig {
    fn from(text: &str) -> SourceConfig {
        SourceConfig::Location(text.to_string())
    }
}

impl SourceConfig {
    /// The file or URL, as written (a URL may still carry `?token=`: use
    /// [`Source::from_config`] for anything shown).
    pub fn location(&self) -> &str {
        match self {
            SourceConfig::Location(text) => text,
            SourceConfig::WithToken(w) => &w.url,
        }
    }
}

/// An http(s) source: what is fetched, the token sent with it, and the
/// name it goes by everywhere else (store, log, control panel, errors).
#[derive(Clone, PartialEq, Eq)]
pub struct UrlSource {
    /// The URL fetched, without `?token=`.
    pub url: String,
    /// Sent as `Authorization: Bearer`.
    pub token: Option<Secret>,
    /// `scheme://host[:port]/path`, no user or password, the values of
    /// query parameters that look secret shown as `…`.
    pub name: String,
}

/// Query parameters whose values are never shown in a source's name.
const SECRET_PARAMETERS: [&str; 9] = [
    "token",
    "access_token",
    "api_key",
    "apikey",
    "key",
    "secret",
    "password",
    "auth",
    "signature",
];

impl std::fmt::Debug for UrlSource {
    // The URL may hold a password or a key: only the name is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlSource")
            .field("name", &self.name)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl UrlSource {
    /// Take a `?token=` out of `text` (into the bearer token) and name it
    /// without credentials.
    pub fn parse(text: &str) -> UrlSource {
        let text = text.trim();
        let Ok(mut url) = url::Url::parse(text) else {
            // Not a URL the fetcher can use either; it fails there, named
            // by what comes before any query or user part.
            let name = text.split(['?', '#']).next().unwrap_or_default();
            let name = match name.split_once("://") {
                Some((scheme, rest)) => {
                    format!(
                        "{scheme}://{}",
                        rest.rsplit_once('@').map_or(rest, |(_, h)| h)
                    )
                }
                None => name.to_string(),
            };
            return UrlSource {
                url: text.to_string(),
                token: None,
                name,
            };
        };
        let mut token = None;
        let mut kept = Vec::new();
        for (key, value) in url.query_pairs() {
            if key == "token" {
                token = Some(Secret::new(value.into_owned()));
            } else {
                kept.push((key.into_owned(), value.into_owned()));
            }
        }
        url.set_fragment(None);
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(&kept);
        }
        let mut named = url.clone();
        let _ = named.set_username("");
        let _ = named.set_password(None);
        if !kept.is_empty() {
            let shown: Vec<(String, String)> = kept
                .iter()
                .map(|(k, v)| {
                    let secret = SECRET_PARAMETERS.contains(&k.to_ascii_lowercase().as_str());
                    (k.clone(), if secret { "…".into() } else { v.clone() })
                })
                .collect();
            named.query_pairs_mut().clear().extend_pairs(&shown);
        }
        UrlSource {
            url: url.to_string(),
            token,
            name: named.to_string(),
        }
    }
}

impl Source {
    pub fn parse(text: &str) -> Source {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Source::Url(UrlSource::parse(t))
        } else if let Some(target) = crate::fleet::mqtt::Target::is_mqtt(t)
            .then(|| crate::fleet::mqtt::Target::parse(t).ok())
            .flatten()
        {
            Source::Mqtt(MqttSource {
                target,
                token: None,
            })
        } else {
            Source::File(PathBuf::from(t))
        }
    }

    /// A broker address that does not parse, said as a config error
    /// (otherwise it would be taken for a file name).
    fn check_mqtt(text: &str) -> Result<()> {
        if !crate::fleet::mqtt::Target::is_mqtt(text) {
            return Ok(());
        }
        crate::fleet::mqtt::Target::parse(text)
            .map(|_| ())
            .map_err(|message| crate::Error::Config {
                path: PathBuf::from("sources"),
                message: format!("{}: {message}", text.split('@').next_back().unwrap_or(text)),
            })
    }

    /// A source from the config; a token file is read (and must be private).
    pub fn from_config(config: &SourceConfig) -> Result<Source> {
        match config {
            SourceConfig::Location(text) => {
                Source::check_mqtt(text)?;
                Ok(Source::parse(text))
            }
            SourceConfig::WithToken(w) => {
                Source::check_mqtt(&w.url)?;
                let token =
                    || crate::secret::read_secret_file(&w.token_file, "the source's token file");
                match Source::parse(&w.url) {
                    Source::Url(mut url) => {
                        url.token = Some(token()?);
                        Ok(Source::Url(url))
                    }
                    Source::Mqtt(mut mqtt) => {
                        mqtt.token = Some(token()?);
                        Ok(Source::Mqtt(mqtt))
                    }
                    Source::File(_) => Err(crate::Error::Config {
                        path: w.token_file.clone(),
                        message: format!(
                            "a token_file goes with an http(s) or mqtt(s) url, not {:?}",
                            w.url
                        ),
                    }),
                }
            }
        }
    }

    /// How the source is named in the store, logs and messages (never with
    /// a token or password).
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Url(u) => u.name.clone(),
            Source::Mqtt(m) => m.target.name(),
        }
    }
}

/// What the store remembers of a source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    pub source: String,
    pub last_attempt: Option<Timestamp>,
    pub last_success: Option<Timestamp>,
    /// When the current run of failures began; `None` while it works.
    pub failing_since: Option<Timestamp>,
    pub failures: u32,
    pub last_error: Option<String>,
    /// ETag / Last-Modified of the last good response (URLs).
    pub validator: Validator,
    /// Size and modification times of the file and its WAL (files).
    pub fingerprint: Option<String>,
}

impl SyncState {
    pub fn succeeded(&mut self, at: Timestamp) {
        self.last_attempt = Some(at);
        self.last_success = Some(at);
        self.failing_since = None;
        self.failures = 0;
        self.last_error = None;
    }

    pub fn failed(&mut self, at: Timestamp, error: &str) {
        self.last_attempt = Some(at);
        self.failing_since.get_or_insert(at);
        self.failures = self.failures.saturating_add(1);
        self.last_error = Some(error.to_string());
    }

    /// Failing for at least `after`, as of `now`.
    pub fn offline(&self, now: Timestamp, after: Duration) -> bool {
        self.failing_since
            .is_some_and(|since| now.duration_since(since).as_secs_f64() >= after.as_secs_f64())
    }
}

/// What an import changed, by session id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// The new revision; `None` when nothing changed.
    pub revision: Option<i64>,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub sessions: usize,
}

impl ImportSummary {
    pub fn between(old: Option<&Schedule>, new: &Schedule) -> ImportSummary {
        let old_sessions: std::collections::HashMap<&str, &crate::model::Session> = old
            .map(|o| o.sessions.iter().map(|s| (s.id.as_str(), s)).collect())
            .unwrap_or_default();
        let mut summary = ImportSummary {
            sessions: new.sessions.len(),
            ..ImportSummary::default()
        };
        for s in &new.sessions {
            match old_sessions.get(s.id.as_str()) {
                None => summary.added += 1,
                Some(o) if *o != s => summary.changed += 1,
                Some(_) => {}
            }
        }
        let new_ids: std::collections::HashSet<&str> =
            new.sessions.iter().map(|s| s.id.as_str()).collect();
        summary.removed = old_sessions
            .keys()
            .filter(|id| !new_ids.contains(*id))
            .count();
        summary
    }
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} sessions: {} added, {} changed, {} removed",
            self.sessions, self.added, self.changed, self.removed
        )
    }
}

/// The outcome of one check of a source.
#[derive(Debug)]
pub enum Checked {
    /// Same as last time (a 304, or a file that has not changed).
    Unchanged,
    /// A new version, validated.
    Changed {
        format: Format,
        validated: Box<Validated>,
        validator: Validator,
        fingerprint: Option<String>,
        /// From another kiosk's feed: the announcements, room statuses,
        /// emergencies and planned times it shows (`None` for every other
        /// format).
        notices: Option<Box<crate::feed::Notices>>,
        /// A signed feed's version, checked against [`FeedPolicy::newest`]:
        /// once applied, the store remembers it so older ones are refused.
        accepted_version: Option<u64>,
        /// Any feed's version, signed or not (what the screen reports).
        feed_version: Option<u64>,
    },
}

/// What a follower asks of another kiosk's feed.
#[derive(Debug, Clone, Default)]
pub struct FeedPolicy {
    /// The organizer's keys; with any, a feed must be signed by one, and a
    /// plain-http source must be a signed feed (anyone on the network can
    /// answer for it).
    pub trust: Trust,
    /// The newest version accepted from this source: an older one is a replay.
    pub newest: Option<u64>,
}

/// Size and modification time of a file and of its SQLite WAL, if any: a
/// change by another program, in place, by rename or through the WAL,
/// changes this.
pub fn fingerprint(path: &Path) -> Option<String> {
    let stamp = |p: &Path| {
        std::fs::metadata(p).ok().map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let inode = std::os::unix::fs::MetadataExt::ino(&m);
            format!("{}:{modified}:{inode}", m.len())
        })
    };
    let main = stamp(path)?;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    Some(match stamp(Path::new(&wal)) {
        Some(w) => format!("{main}+{w}"),
        None => main,
    })
}

/// Check a source once against what the store knows of it, taking any feed.
pub fn check(
    source: &Source,
    known: &SyncState,
    options: &ImportOptions,
    limits: &FetchLimits,
) -> Result<Checked> {
    check_with(source, known, options, limits, &FeedPolicy::default())
}

/// Check a source once, holding a feed to `feed` (signature, replay).
pub fn check_with(
    source: &Source,
    known: &SyncState,
    options: &ImportOptions,
    limits: &FetchLimits,
    feed: &FeedPolicy,
) -> Result<Checked> {
    check_polled(source, known, options, limits, feed).map(|p| p.checked)
}

/// One check's outcome, with what the server said of holding it.
#[derive(Debug)]
pub struct Polled {
    pub checked: Checked,
    /// The hold a leader's feed server advertised (see
    /// [`fetch::HOLD_HEADER`]); `None` for files and other servers.
    pub hold: Option<Duration>,
}

impl Polled {
    /// What [`next_check_in`] needs of a held request, if it was one.
    pub fn held(&self) -> Option<Held> {
        self.hold.map(|hold| Held {
            hold,
            changed: matches!(self.checked, Checked::Changed { .. }),
        })
    }
}

/// [`check_with`], telling whether the server held the request.
pub fn check_polled(
    source: &Source,
    known: &SyncState,
    options: &ImportOptions,
    limits: &FetchLimits,
    feed: &FeedPolicy,
) -> Result<Polled> {
    match source {
        Source::File(path) => Ok(Polled {
            checked: check_file(path, known, options, feed)?,
            hold: None,
        }),
        Source::Mqtt(m) => Err(crate::Error::Fetch {
            url: m.target.name(),
            message: "a broker's feed is followed over its connection, not checked".into(),
            retry_after: None,
        }),
        Source::Url(url) => {
            let answer = fetch::fetch_answer(url, &known.validator, limits)?;
            Ok(Polled {
                checked: take_fetched(url, answer.fetched, options, feed)?,
                hold: answer.hold,
            })
        }
    }
}

fn check_file(
    path: &Path,
    known: &SyncState,
    options: &ImportOptions,
    feed: &FeedPolicy,
) -> Result<Checked> {
    let before = fingerprint(path);
    if before.is_some() && before == known.fingerprint {
        return Ok(Checked::Unchanged);
    }
    if feed.trust.required() && file_is_feed(path) {
        let bytes = crate::read_bounded(path, crate::limits::MAX_SCHEDULE_BYTES)?;
        let origin = path.display().to_string();
        return take_feed(&origin, &bytes, feed, Validator::default(), before);
    }
    let (format, validated) = import::load_file(path, options)?;
    Ok(Checked::Changed {
        format,
        validated: Box::new(validated),
        validator: Validator::default(),
        fingerprint: before,
        notices: None,
        accepted_version: None,
        feed_version: None,
    })
}

/// What a URL answered, validated.
fn take_fetched(
    url: &UrlSource,
    fetched: Fetched,
    options: &ImportOptions,
    feed: &FeedPolicy,
) -> Result<Checked> {
    match fetched {
        Fetched::NotModified => Ok(Checked::Unchanged),
        Fetched::Body {
            bytes,
            content_type,
            validator,
        } => {
            let name = url.name.as_str();
            fetch::check_content_type(name, content_type.as_deref(), &bytes)?;
            if import::detect(&bytes) == Format::Feed {
                return take_feed(name, &bytes, feed, validator, None);
            }
            if feed.trust.required() && url.url.to_ascii_lowercase().starts_with("http://") {
                return Err(crate::Error::Feed {
                    origin: name.to_string(),
                    source: crate::feed::FeedError::NotAFeed,
                });
            }
            let (format, validated) = import::parse_bytes(name, &bytes, options)?;
            Ok(Checked::Changed {
                format,
                validated: Box::new(validated),
                validator,
                fingerprint: None,
                notices: None,
                accepted_version: None,
                feed_version: None,
            })
        }
    }
}

/// A feed that came over a broker (`origin` names it): checked as one
/// fetched over HTTP is (signature, replay floor, validation).
pub fn check_feed(origin: &str, bytes: &[u8], policy: &FeedPolicy) -> Result<Checked> {
    let validator = Validator {
        etag: Some(crate::feed::etag_of(bytes)),
        last_modified: None,
    };
    take_feed(origin, bytes, policy, validator, None)
}

/// Whether a file starts like a feed (only its head is read).
fn file_is_feed(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .and_then(|f| f.take(512).read_to_end(&mut head))
        .is_ok_and(|_| import::detect(&head) == Format::Feed)
}

/// A feed: its signature (with trusted keys), its version against the
/// newest accepted, then its schedule and notices validated.
fn take_feed(
    origin: &str,
    bytes: &[u8],
    policy: &FeedPolicy,
    validator: Validator,
    fingerprint: Option<String>,
) -> Result<Checked> {
    let opened = crate::feed::open(origin, bytes, &policy.trust)?;
    let version = opened.feed.version;
    if let (Some(_), Some(newest)) = (&opened.signed_by, policy.newest) {
        if version < newest {
            return Err(crate::Error::Feed {
                origin: origin.to_string(),
                source: crate::feed::FeedError::Replayed { version, newest },
            });
        }
    }
    let (validated, notices) = crate::feed::validate_feed(origin, opened.feed)?;
    Ok(Checked::Changed {
        format: Format::Feed,
        validated: Box::new(validated),
        validator,
        fingerprint,
        notices: Some(Box::new(notices)),
        accepted_version: opened.signed_by.map(|_| version),
        feed_version: Some(version),
    })
}
/// May a schedule from source `index` (0 = highest priority) replace the one
/// shown, which came from source `active`? Yes, unless the active source
/// ranks higher and still works. The organizer's `preferred` source ranks
/// above all; the others rank by their place in the configuration.
pub fn may_replace(
    index: usize,
    active: Option<usize>,
    preferred: Option<usize>,
    active_works: bool,
) -> bool {
    let rank = |i: usize| if Some(i) == preferred { 0 } else { i + 1 };
    match active {
        Some(a) if rank(a) < rank(index) => !active_works,
        _ => true,
    }
}
