//! The feed, as the shell starts it: `summit-kiosk serve`, the `--serve`
//! of a kiosk, and what a follower trusts. Every rule is kiosk-core's
//! (`feed`, `settings`, `secret`); this file reads keys and the
//! environment, starts things and says so in the log.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use kiosk_core::config::{Config, FleetConfig};
use kiosk_core::feed::{self, Notices, Published, Publisher, ServerLimits, SigningKey, Trust};
use kiosk_core::fleet::mqtt::{Broker, MqttLeader, Target};
use kiosk_core::fleet::{FleetLimits, Inbox};
use kiosk_core::secret::Secret;
use kiosk_core::settings::Settings;
use kiosk_core::store::Store;
use kiosk_core::Error;

/// The feed a kiosk serves beside its display: over HTTP, on a broker, or
/// both; with the fleet's heartbeats taken on both.
pub struct FeedService {
    /// `--serve`: the address and the follower token.
    pub http: Option<(String, Secret)>,
    /// `--publish mqtt://…`.
    pub broker: Option<Broker>,
    pub key: Option<SigningKey>,
    pub fleet: Option<Arc<Inbox>>,
}

impl FeedService {
    /// Bind and start the server (its own runtime) and the broker's
    /// connection; the publisher the kiosk publishes through.
    pub fn start(self) -> std::io::Result<Publisher> {
        let published = Published::new();
        if let Some((addr, token)) = &self.http {
            let server = feed::serve_with_fleet(
                addr,
                token.expose(),
                published.clone(),
                ServerLimits::for_this_process(),
                self.fleet.clone(),
            )
            .map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot serve the feed on {addr}: {e}"))
            })?;
            tracing::info!(addr = %server.addr, "followers can use http://{}/feed.json with the bearer token", server.addr);
        }
        if let Some(broker) = self.broker {
            let name = broker.target.name();
            // Its threads live as long as the process (the handle may go).
            MqttLeader::start(broker, published.clone(), self.fleet.clone())
                .map_err(|e| std::io::Error::other(format!("cannot publish on {name}: {e}")))?;
            tracing::info!(broker = %name, "publishing the feed on the broker; followers use --source {name}");
        }
        Ok(Publisher::new(published, self.key))
    }
}

/// The feed service `settings` ask for, its key loaded, its fleet (with
/// the screens `store` remembers) made.
pub fn feed_service(
    settings: &Settings,
    clock: Arc<dyn kiosk_core::clock::Clock>,
    store: &Store,
) -> kiosk_core::Result<Option<FeedService>> {
    if settings.serve.is_none() && settings.publish.is_none() {
        return Ok(None);
    }
    let key = signing_key(settings.sign_key.as_deref())?;
    let token = settings.serve.as_ref().map(|(_, t)| t.clone());
    let broker = settings
        .publish
        .clone()
        .map(|target| {
            broker(
                target,
                &settings.config.fleet,
                settings.mqtt_password.clone(),
                token.clone(),
            )
        })
        .transpose()?;
    let fleet = fleet(
        clock,
        command_key(settings.sign_key.as_deref())?,
        token,
        store,
    )?;
    Ok(Some(FeedService {
        http: settings.serve.clone(),
        broker,
        key,
        fleet: Some(fleet),
    }))
}

/// The leader's fleet, with the screens the store remembers.
fn fleet(
    clock: Arc<dyn kiosk_core::clock::Clock>,
    key: Option<SigningKey>,
    token: Option<Secret>,
    store: &Store,
) -> kiosk_core::Result<Arc<Inbox>> {
    let limits = FleetLimits::default();
    let inbox = Inbox::new(clock, limits, key, token);
    inbox.restore(store.fleet_screens(limits.max_screens)?);
    Ok(inbox)
}

/// How to reach the broker at `target`: the password from the
/// environment (taken at start) or `mqtt_password_file` (private), the CA
/// file, the follower token for the messages' MAC.
pub fn broker(
    target: Target,
    config: &FleetConfig,
    from_env: Option<Secret>,
    token: Option<Secret>,
) -> kiosk_core::Result<Broker> {
    let password = match (from_env, &config.mqtt_password_file) {
        (Some(p), _) => Some(p),
        (None, Some(file)) => Some(kiosk_core::secret::read_secret_file(
            file,
            "mqtt_password_file",
        )?),
        (None, None) => None,
    };
    if target.tls || target.username.is_some() {
        tracing::info!(broker = %target.name(), user = ?target.username, password = password.is_some(), "broker login");
    } else {
        tracing::warn!(
            broker = %target.name(),
            "the broker is reached without TLS or a login: anyone on the network can read heartbeats and publish; use mqtts:// and the broker's ACLs on a shared network"
        );
    }
    if token.is_none() {
        tracing::warn!(
            broker = %target.name(),
            "no follower token: heartbeats on the broker carry no MAC, and anyone who may publish there can report as a screen"
        );
    }
    Ok(Broker {
        target,
        password,
        ca_file: config.mqtt_ca_file.clone(),
        token,
    })
}

/// The key the fleet signs the organizer's commands with (the feed's key,
/// loaded a second time: the publisher owns its copy).
fn command_key(path: Option<&Path>) -> kiosk_core::Result<Option<SigningKey>> {
    let Some(path) = path else { return Ok(None) };
    let password = std::env::var("SUMMIT_KIOSK_KEY_PASSWORD").ok();
    SigningKey::load(path, password)
        .map(Some)
        .map_err(|source| Error::Feed {
            origin: path.display().to_string(),
            source,
        })
}

/// The organizer's secret key (private file; its password, if any, in
/// `SUMMIT_KIOSK_KEY_PASSWORD`); without one, a warning that followers
/// cannot tell this feed from a forgery.
pub fn signing_key(path: Option<&Path>) -> kiosk_core::Result<Option<SigningKey>> {
    let Some(path) = path else {
        tracing::warn!(
            "the feed is not signed (no sign_key): a follower cannot tell it from one sent by \
             anyone else on the network; set sign_key to the organizer's key (bundle keygen)"
        );
        return Ok(None);
    };
    kiosk_core::secret::check_private_file(path, "the signing key")?;
    let password = std::env::var("SUMMIT_KIOSK_KEY_PASSWORD").ok();
    let key = SigningKey::load(path, password).map_err(|source| Error::Feed {
        origin: path.display().to_string(),
        source,
    })?;
    tracing::info!(key = %key.key_id, "the feed is signed");
    Ok(Some(key))
}

/// What a follower trusts: the organizer's keys; with none, a warning (when
/// it follows anything) that feeds are taken unverified.
pub fn follower_trust(keys: &[String], follows: bool) -> kiosk_core::Result<Trust> {
    let trust = Trust::from_keys(keys).map_err(|source| Error::Feed {
        origin: "trusted_keys".into(),
        source,
    })?;
    if follows && !trust.required() {
        tracing::warn!(
            "no trusted_keys: a followed feed is taken unsigned, from whoever answers at its \
             address; set trusted_keys to the organizer's public key"
        );
    }
    Ok(trust)
}

/// How often the store is asked whether another process committed
/// (`PRAGMA data_version`: one cheap query).
const STORE_POLL: Duration = Duration::from_millis(50);

pub fn cmd_serve(o: crate::cli::ServeArgs) -> kiosk_core::Result<ExitCode> {
    let _log = crate::logging::init("info", None, 1);
    let mqtt_password = mqtt_password_from_env();
    let config = Config::load(o.config.as_deref())?;
    let data_dir = o.data_dir.unwrap_or_else(|| config.data_dir());
    let listen = o.listen.or(config.serve_listen.clone());
    let publish = o
        .publish
        .or(config.fleet.publish.clone())
        .map(|text| {
            Target::parse(&text).map_err(|message| Error::Config {
                path: PathBuf::from("--publish"),
                message,
            })
        })
        .transpose()?;
    if listen.is_none() && o.write.is_none() && publish.is_none() {
        eprintln!(
            "summit-kiosk: error: give --listen ADDR (with a token), --publish mqtt://HOST:PORT/CONF \
             and/or --write FILE"
        );
        return Ok(ExitCode::from(2));
    }
    let key = signing_key(o.sign_key.clone().or(config.sign_key.clone()).as_deref())?;
    let mut store = Store::open(&data_dir.join("store.sqlite"))?;
    let published = Published::new();
    let token = match &listen {
        None => None,
        Some(_) => {
            let from_env = token_from_env();
            let Some(token) = kiosk_core::settings::serve_token(o.token_file, from_env, &config)?
            else {
                eprintln!(
                    "summit-kiosk: error: --listen needs a token: --token-file FILE (mode 0600), \
                     SUMMIT_KIOSK_SERVE_TOKEN, or serve_token_file in the config"
                );
                return Ok(ExitCode::from(2));
            };
            Some(token)
        }
    };
    let clock: Arc<dyn kiosk_core::clock::Clock> = Arc::new(kiosk_core::clock::SystemClock);
    let inbox = fleet(
        clock,
        command_key(o.sign_key.or(config.sign_key.clone()).as_deref())?,
        token.clone(),
        &store,
    )?;
    if let (Some(addr), Some(token)) = (&listen, &token) {
        let server = feed::serve_with_fleet(
            addr,
            token.expose(),
            published.clone(),
            ServerLimits::for_this_process(),
            Some(inbox.clone()),
        )
        .map_err(|e| Error::Config {
            path: PathBuf::from(addr),
            message: format!("cannot serve the feed: {e}"),
        })?;
        println!(
            "Serving http://{}/feed.json (bearer token required)",
            server.addr
        );
    }
    if let Some(target) = publish {
        let name = target.name();
        let broker = broker(target, &config.fleet, mqtt_password, token)?;
        MqttLeader::start(broker, published.clone(), Some(inbox.clone())).map_err(|source| {
            Error::Fleet {
                origin: name.clone(),
                source,
            }
        })?;
        println!("Publishing on {name} (retained; heartbeats on its screens topic)");
    }
    let publisher = Publisher::new(published, key);
    let mut seen = None;
    let mut levels = std::collections::HashMap::new();
    let mut last_look = std::time::Instant::now();
    let mut last_save = std::time::Instant::now();
    loop {
        match publish_if_changed(&mut store, &publisher, &mut seen) {
            Ok(Some(version)) => {
                if let (Some(file), Some(current)) = (&o.write, publisher.published().current()) {
                    // For a web server to read: not private.
                    kiosk_core::private::write_atomically(file, &current.bytes, 0o644)
                        .map_err(Error::io("write", file))?;
                }
                tracing::info!(version, "feed published");
                inbox.note_published(version);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("cannot publish the store's schedule: {e}"),
        }
        // Nobody watches a headless leader's panel: its log says which
        // screens changed colour, and the store keeps the fleet's list.
        if last_look.elapsed() >= Duration::from_secs(5) {
            last_look = std::time::Instant::now();
            inbox.tick();
            for line in kiosk_core::fleet::view::changes(&mut levels, &inbox.view(None)) {
                tracing::info!("{line}");
            }
        }
        if last_save.elapsed() >= Duration::from_secs(30) {
            last_save = std::time::Instant::now();
            let mut changes = inbox.take_dirty();
            changes.extend(inbox.records().into_iter().map(Ok));
            if let Err(e) = store.save_fleet(&changes) {
                tracing::error!("cannot save the fleet's screens: {e}");
            }
        }
        std::thread::sleep(STORE_POLL);
    }
}

/// Publish what the store shows if another process changed it since
/// `seen`; the new version, if any.
fn publish_if_changed(
    store: &mut Store,
    publisher: &Publisher,
    seen: &mut Option<i64>,
) -> kiosk_core::Result<Option<u64>> {
    let now = store.data_version()?;
    if *seen == Some(now) {
        return Ok(None);
    }
    let records = kiosk_core::control::Records::read(store)?;
    let Some(schedule) = records.effective.clone() else {
        *seen = Some(now);
        return Ok(None);
    };
    let version = publisher.publish(store, schedule, Notices::of(&records))?;
    *seen = Some(now);
    Ok(version)
}

/// The feed token from `SUMMIT_KIOSK_SERVE_TOKEN`, taken out of the
/// environment so no process this one starts (WebKit's, the photo worker)
/// inherits it. Never a flag: `ps` shows every process's arguments.
pub fn token_from_env() -> Option<Secret> {
    let value = std::env::var(SERVE_TOKEN_ENV).ok()?;
    // Read before any other thread starts (clap parsing is single-threaded).
    std::env::remove_var(SERVE_TOKEN_ENV);
    Some(Secret::new(value))
}

pub const SERVE_TOKEN_ENV: &str = "SUMMIT_KIOSK_SERVE_TOKEN";

/// The broker's password from `SUMMIT_KIOSK_MQTT_PASSWORD`, taken out of
/// the environment like the feed token.
pub fn mqtt_password_from_env() -> Option<Secret> {
    let name = kiosk_core::fleet::mqtt::PASSWORD_ENV;
    let value = std::env::var(name).ok()?;
    std::env::remove_var(name);
    Some(Secret::new(value)).filter(|s| !s.expose().is_empty())
}
