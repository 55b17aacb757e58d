//! `summit-kiosk set-pin` and `summit-kiosk serve`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use kiosk_core::config::{default_config_path, Config};
use kiosk_core::feed::{self, Feed, Published};
use kiosk_core::store::Store;
use kiosk_core::Error;

/// Read a line without echoing it when the input is a terminal.
fn read_secret(prompt: &str) -> std::io::Result<String> {
    let stdin = std::io::stdin();
    let tty = stdin.is_terminal();
    if tty {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
    }
    // SAFETY: termios calls on stdin with a struct we own.
    let saved = tty.then(|| unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        libc::tcgetattr(0, &mut t);
        let saved = t;
        t.c_lflag &= !libc::ECHO;
        libc::tcsetattr(0, libc::TCSANOW, &t);
        saved
    });
    let mut line = String::new();
    let result = stdin.lock().read_line(&mut line);
    if let Some(saved) = saved {
        // SAFETY: restore what we saved.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &saved) };
        eprintln!();
    }
    result?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Put `key = "value"` among the top-level keys of a TOML file's text:
/// replace the key's line (or its commented-out example), else insert it
/// before the first table.
pub fn set_top_level_key(text: &str, key: &str, value: &str) -> String {
    set_top_level_raw(text, key, &toml_string(value))
}

/// As [`set_top_level_key`], with `value` already in TOML (`true`, `42`).
pub fn set_top_level_raw(text: &str, key: &str, value: &str) -> String {
    let line = format!("{key} = {value}");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let first_table = lines
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .unwrap_or(lines.len());
    let is_key = |l: &str| {
        let l = l.trim_start().trim_start_matches('#').trim_start();
        l.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    if let Some(i) = lines[..first_table].iter().position(|l| is_key(l)) {
        lines[i] = line;
    } else {
        lines.insert(first_table, line);
        if first_table < lines.len() - 1 {
            lines.insert(first_table + 1, String::new());
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn toml_string(value: &str) -> String {
    toml::Value::String(value.to_string()).to_string()
}

pub fn cmd_set_pin(config: Option<PathBuf>) -> kiosk_core::Result<ExitCode> {
    let path = config
        .or_else(default_config_path)
        .ok_or_else(|| Error::Config {
            path: PathBuf::from("config.toml"),
            message: "no config path: give --config FILE".into(),
        })?;
    let read_error = |e: std::io::Error| Error::Read {
        path: PathBuf::from("stdin"),
        source: e,
    };
    let pin = read_secret("New PIN or passphrase (at least 4 characters): ").map_err(read_error)?;
    if std::io::stdin().is_terminal() {
        let again = read_secret("Again: ").map_err(read_error)?;
        if again != pin {
            eprintln!("summit-kiosk: error: the two entries differ; nothing was changed");
            return Ok(ExitCode::FAILURE);
        }
    }
    if pin.chars().count() < 4 {
        eprintln!("summit-kiosk: error: a PIN needs at least 4 characters; nothing was changed");
        return Ok(ExitCode::FAILURE);
    }
    let hash = kiosk_core::pin::hash_pin(&pin).map_err(|e| Error::Config {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::Read { path, source: e }),
    };
    let updated = set_top_level_key(&text, "control_pin_hash", &hash);
    write_config(&path, &updated)?;
    println!(
        "The control panel's PIN is set (hashed with argon2id in {}). Restart the kiosk to use it.",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Replace the config file with `text`, which must still be a valid config
/// (else nothing changes); atomically, so a kiosk never reads half a file.
pub fn write_config(path: &Path, text: &str) -> kiosk_core::Result<()> {
    Config::parse(path, text)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(Error::io("create the folder", dir))?;
    }
    let temp = path.with_extension("toml.tmp");
    std::fs::write(&temp, text)
        .and_then(|_| std::fs::rename(&temp, path))
        .map_err(Error::io("write", path))
}

/// The feed of what `store` shows now.
fn feed_of(store: &Store) -> kiosk_core::Result<Option<Feed>> {
    Ok(store
        .effective_schedule()?
        .map(|s| Feed::new(0, s, store.announcements().unwrap_or_default())))
}

pub fn cmd_serve(
    listen: Option<String>,
    token: Option<String>,
    write: Option<PathBuf>,
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
) -> kiosk_core::Result<ExitCode> {
    let _log = crate::logging::init("info", None, 1);
    let config = Config::load(config.as_deref())?;
    let data_dir = data_dir.unwrap_or_else(|| config.data_dir());
    let listen = listen.or(config.serve_listen.clone());
    let token = token.or(config.serve_token.clone());
    if listen.is_none() && write.is_none() {
        eprintln!("summit-kiosk: error: give --listen ADDR (with --token) and/or --write FILE");
        return Ok(ExitCode::from(2));
    }
    let store = Store::open(&data_dir.join("store.sqlite"))?;
    let published = Published::new(0, Vec::new());
    if let Some(addr) = &listen {
        let Some(token) = &token else {
            eprintln!("summit-kiosk: error: --listen needs --token (or serve_token in the config)");
            return Ok(ExitCode::from(2));
        };
        let server = feed::serve(addr, token, published.clone()).map_err(|e| Error::Config {
            path: PathBuf::from(addr),
            message: format!("cannot serve the feed: {e}"),
        })?;
        println!(
            "Serving http://{}/feed.json (bearer token required)",
            server.addr
        );
    }
    let mut last = Vec::new();
    let mut version = 0;
    loop {
        match feed_of(&store) {
            Ok(Some(feed)) => {
                let body = feed.to_bytes();
                if body != last {
                    version += 1;
                    last = body;
                    let stamped = Feed { version, ..feed }.to_bytes();
                    published.set(version, stamped.clone());
                    if let Some(file) = &write {
                        write_atomically(file, &stamped)?;
                    }
                    tracing::info!(version, "feed published");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("cannot read the store: {e}"),
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn write_atomically(file: &Path, bytes: &[u8]) -> kiosk_core::Result<()> {
    let temp = file.with_extension("tmp");
    std::fs::write(&temp, bytes)
        .and_then(|_| std::fs::rename(&temp, file))
        .map_err(Error::io("write", file))
}
