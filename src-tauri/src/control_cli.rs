//! `summit-kiosk set-pin`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kiosk_core::config::{default_config_path, Config};
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
    let min = kiosk_core::pin::MIN_PIN_CHARS;
    let pin = read_secret(&format!(
        "New PIN or passphrase (at least {min} characters): "
    ))
    .map_err(read_error)?;
    if std::io::stdin().is_terminal() {
        let again = read_secret("Again: ").map_err(read_error)?;
        if again != pin {
            eprintln!("summit-kiosk: error: the two entries differ; nothing was changed");
            return Ok(ExitCode::FAILURE);
        }
    }
    if let Err(e) = kiosk_core::pin::check_pin(&pin) {
        eprintln!("summit-kiosk: error: {e}; nothing was changed");
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
/// The config may hold the feed token: it keeps its mode (0600 if new).
pub fn write_config(path: &Path, text: &str) -> kiosk_core::Result<()> {
    Config::parse(path, text)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(Error::io("create the folder", dir))?;
    }
    kiosk_core::private::write_atomically(path, text.as_bytes(), 0o600)
        .map_err(Error::io("write", path))
}
