//! The feed, as the shell starts it: `summit-kiosk serve`, the `--serve`
//! of a kiosk, and what a follower trusts. Every rule is kiosk-core's
//! (`feed`, `settings`, `secret`); this file reads keys and the
//! environment, starts things and says so in the log.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use kiosk_core::config::Config;
use kiosk_core::feed::{self, Notices, Published, Publisher, ServerLimits, SigningKey, Trust};
use kiosk_core::secret::Secret;
use kiosk_core::settings::Settings;
use kiosk_core::store::Store;
use kiosk_core::Error;

/// The feed a kiosk serves beside its display.
pub struct FeedService {
    pub addr: String,
    pub token: Secret,
    pub key: Option<SigningKey>,
}

impl FeedService {
    /// Bind and start the server (its own runtime); the publisher the
    /// kiosk publishes through.
    pub fn start(self) -> std::io::Result<Publisher> {
        let published = Published::new();
        let server = feed::serve(
            &self.addr,
            self.token.expose(),
            published.clone(),
            ServerLimits::for_this_process(),
        )
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot serve the feed on {}: {e}", self.addr),
            )
        })?;
        tracing::info!(addr = %server.addr, "followers can use http://{}/feed.json with the bearer token", server.addr);
        Ok(Publisher::new(published, self.key))
    }
}

/// The feed service `settings` ask for, its key loaded.
pub fn feed_service(settings: &Settings) -> kiosk_core::Result<Option<FeedService>> {
    let Some((addr, token)) = &settings.serve else {
        return Ok(None);
    };
    let key = signing_key(settings.sign_key.as_deref())?;
    Ok(Some(FeedService {
        addr: addr.clone(),
        token: token.clone(),
        key,
    }))
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
    let config = Config::load(o.config.as_deref())?;
    let data_dir = o.data_dir.unwrap_or_else(|| config.data_dir());
    let listen = o.listen.or(config.serve_listen.clone());
    if listen.is_none() && o.write.is_none() {
        eprintln!("summit-kiosk: error: give --listen ADDR (with a token) and/or --write FILE");
        return Ok(ExitCode::from(2));
    }
    let key = signing_key(o.sign_key.or(config.sign_key.clone()).as_deref())?;
    let mut store = Store::open(&data_dir.join("store.sqlite"))?;
    let published = Published::new();
    if let Some(addr) = &listen {
        let from_env = token_from_env();
        let Some(token) = kiosk_core::settings::serve_token(o.token_file, from_env, &config)?
        else {
            eprintln!(
                "summit-kiosk: error: --listen needs a token: --token-file FILE (mode 0600), \
                 SUMMIT_KIOSK_SERVE_TOKEN, or serve_token_file in the config"
            );
            return Ok(ExitCode::from(2));
        };
        let server = feed::serve(
            addr,
            token.expose(),
            published.clone(),
            ServerLimits::for_this_process(),
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
    let publisher = Publisher::new(published, key);
    let mut seen = None;
    loop {
        match publish_if_changed(&mut store, &publisher, &mut seen) {
            Ok(Some(version)) => {
                if let (Some(file), Some(current)) = (&o.write, publisher.published().current()) {
                    // For a web server to read: not private.
                    kiosk_core::private::write_atomically(file, &current.bytes, 0o644)
                        .map_err(Error::io("write", file))?;
                }
                tracing::info!(version, "feed published");
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("cannot publish the store's schedule: {e}"),
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
