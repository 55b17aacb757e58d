//! `summit-kiosk install-autostart --room R`: this user's kiosk starts with
//! the graphical session. Writes the user's config (kiosk mode, the room),
//! puts a user unit in place when the packaged one does not fit (another
//! binary or config file), and enables it with `systemctl --user`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use kiosk_core::Error;

use super::doctor::UNIT;
use crate::control_cli::{set_top_level_key, set_top_level_raw, write_config};

/// The unit the package installs, and the binary it runs.
const PACKAGED_UNIT: &str = "/usr/lib/systemd/user/summit-kiosk.service";
const PACKAGED_BINARY: &str = "/usr/bin/summit-kiosk";
const UNIT_TEMPLATE: &str = include_str!("../../../packaging/summit-kiosk.service");
const CONFIG_TEMPLATE: &str = include_str!("../../../config.example.toml");

pub struct Request {
    pub room: Option<String>,
    pub lobby: bool,
    pub monitor: Option<String>,
    pub config: Option<PathBuf>,
    pub enable: bool,
}

pub fn cmd_install_autostart(req: Request) -> kiosk_core::Result<ExitCode> {
    let default_config = kiosk_core::config::default_config_path();
    let config_path = req
        .config
        .clone()
        .or_else(|| default_config.clone())
        .ok_or_else(|| Error::Config {
            path: PathBuf::from("config.toml"),
            message: "no config path (HOME unset?): give --config FILE".into(),
        })?;
    // A new config starts from the documented example, so every option is
    // there to read.
    let mut text = match std::fs::read_to_string(&config_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => CONFIG_TEMPLATE.to_string(),
        Err(source) => {
            return Err(Error::Read {
                path: config_path,
                source,
            })
        }
    };
    text = set_top_level_raw(&text, "kiosk", "true");
    if let Some(room) = &req.room {
        text = set_top_level_key(&text, "room", room);
    }
    text = set_top_level_raw(&text, "lobby", if req.lobby { "true" } else { "false" });
    if let Some(monitor) = &req.monitor {
        text = set_top_level_key(&text, "monitor", monitor);
    }
    write_config(&config_path, &text)?;
    let what = match (&req.room, req.lobby) {
        (_, true) => "the lobby screen".to_string(),
        (Some(room), false) => format!("room {room:?}"),
        (None, false) => "the screen the config names".to_string(),
    };
    println!("Config: {} (kiosk mode, {what}).", config_path.display());

    let binary = std::env::current_exe().map_err(|source| Error::Read {
        path: PathBuf::from("/proc/self/exe"),
        source,
    })?;
    let custom_config = req.config.is_some() && req.config != default_config;
    let packaged_fits =
        Path::new(PACKAGED_UNIT).exists() && binary == Path::new(PACKAGED_BINARY) && !custom_config;
    let wrote_unit = if packaged_fits {
        println!("Unit: {PACKAGED_UNIT} (from the package).");
        false
    } else {
        let unit_path = user_unit_dir()?.join(UNIT);
        let exec = unit_exec(&binary, custom_config.then_some(config_path.as_path()));
        let unit = UNIT_TEMPLATE.replace(&format!("ExecStart={PACKAGED_BINARY} --kiosk"), &exec);
        write_file(&unit_path, &unit)?;
        println!("Unit: {} ({exec}).", unit_path.display());
        true
    };

    if !req.enable {
        println!("Not enabled (--no-enable). To start it with the session: systemctl --user enable {UNIT}");
        return Ok(ExitCode::SUCCESS);
    }
    let reloaded = if wrote_unit {
        systemctl(&["daemon-reload"])
    } else {
        Ok(())
    };
    match reloaded.and_then(|()| systemctl(&["enable", UNIT])) {
        Ok(()) => println!(
            "Enabled: it starts with the graphical session (log in to the \"Summit Kiosk\" session, or any desktop)."
        ),
        Err(reason) => eprintln!(
            "summit-kiosk: the unit is in place but not enabled: {reason}\n\
             Run as this user, in the graphical session:\n\n    \
             systemctl --user daemon-reload && systemctl --user enable {UNIT}\n"
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// `ExecStart=` running this binary, with the config when not the default.
fn unit_exec(binary: &Path, config: Option<&Path>) -> String {
    // systemd splits ExecStart on spaces unless quoted.
    let quote = |p: &Path| format!("\"{}\"", p.display().to_string().replace('"', "\\\""));
    match config {
        Some(c) => format!("ExecStart={} --kiosk --config {}", quote(binary), quote(c)),
        None => format!("ExecStart={} --kiosk", quote(binary)),
    }
}

/// `$XDG_CONFIG_HOME/systemd/user` (default `~/.config/systemd/user`).
fn user_unit_dir() -> kiosk_core::Result<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .ok_or_else(|| Error::Config {
            path: PathBuf::from("~/.config/systemd/user"),
            message: "neither XDG_CONFIG_HOME nor HOME is set".into(),
        })?;
    Ok(base.join("systemd/user"))
}

fn write_file(path: &Path, text: &str) -> kiosk_core::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(Error::io("create the folder", dir))?;
    }
    std::fs::write(path, text).map_err(Error::io("write", path))
}

/// `systemctl --user ARGS`; the error is what it said.
fn systemctl(args: &[&str]) -> Result<(), String> {
    let out = Command::new("systemctl")
        .arg("--user")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run systemctl: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}
