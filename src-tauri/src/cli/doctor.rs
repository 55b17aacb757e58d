//! `summit-kiosk doctor`: one line per check, exit 1 if any failed. Core
//! checks the store, disk, photos, zone, room, sources and clock; this file
//! adds what needs the machine: the display, blanking, fonts, the unit.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use jiff::Timestamp;

use kiosk_core::config::Config;
use kiosk_core::doctor::{self, Check, Level, Report};
use kiosk_core::fetch::FetchLimits;
use kiosk_core::settings::{Flags, Settings};
use kiosk_core::store::Store;
use kiosk_core::sync::Source;

use crate::screen;

/// The unit `install-autostart` enables and the package ships.
pub const UNIT: &str = "summit-kiosk.service";

pub fn cmd_doctor(
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    json: bool,
) -> kiosk_core::Result<ExitCode> {
    super::quiet_logging();
    let report = Report::new(checks(config, data_dir));
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("the report serializes")
        );
    } else {
        for check in &report.checks {
            println!("{}", check.line());
        }
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn checks(config_path: Option<PathBuf>, data_dir: Option<PathBuf>) -> Vec<Check> {
    let mut checks = Vec::new();
    let config = match Config::load(config_path.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            checks.push(Check::new("config", Level::Fail, e.to_string()));
            Config::default()
        }
    };
    let flags = Flags {
        config_path: config_path.clone(),
        data_dir,
        ..Flags::default()
    };
    let settings = match Settings::resolve(config.clone(), flags) {
        Ok(settings) => {
            if checks.is_empty() {
                let path = config_path
                    .or_else(kiosk_core::config::default_config_path)
                    .filter(|p| p.exists())
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "no config file: the defaults".into());
                checks.push(Check::new("config", Level::Ok, path));
            }
            Some(settings)
        }
        Err(e) => {
            checks.push(Check::new("config", Level::Fail, e.to_string()));
            None
        }
    };
    let data_dir = settings
        .as_ref()
        .map(|s| s.data_dir.clone())
        .unwrap_or_else(|| config.data_dir());

    checks.extend(display_checks(&data_dir, &config));
    checks.push(fonts());

    let store_path = super::store_path(&data_dir);
    let integrity = doctor::store_integrity(&store_path);
    let store_ok = integrity.level == Level::Ok;
    checks.push(integrity);
    let now = Timestamp::now();
    // Sources as the kiosk reads them (a token file must be readable).
    let mut sources = Vec::new();
    for configured in &config.sources {
        match Source::from_config(configured) {
            Ok(source) => sources.push(source),
            Err(e) => checks.push(Check::new("source", Level::Fail, e.to_string())),
        }
    }
    let (schedule, states) = if store_ok {
        read_store(&store_path, &sources)
    } else {
        (None, Vec::new())
    };
    checks.push(doctor::venue_zone(schedule.as_ref(), now));
    let room = settings.as_ref().and_then(|s| match &s.selection {
        kiosk_core::snapshot::Selection::Room { room } => Some(room.clone()),
        kiosk_core::snapshot::Selection::Lobby => None,
    });
    checks.extend(doctor::room(schedule.as_ref(), room.as_deref()));
    let offline_after = std::time::Duration::from_secs(config.offline_after_secs);
    for state in &states {
        checks.push(doctor::source(state, now, offline_after));
    }
    checks.extend(clock_checks(&sources));
    checks.push(doctor::disk_free(&data_dir));
    checks.push(doctor::photo_cache(&crate::photo_cli::renditions_dir(
        &data_dir,
    )));
    checks.push(unit());
    checks
}

fn read_store(
    path: &Path,
    sources: &[Source],
) -> (
    Option<kiosk_core::model::Schedule>,
    Vec<kiosk_core::sync::SyncState>,
) {
    match Store::open(path) {
        Ok(store) => {
            let schedule = store.effective_schedule().ok().flatten();
            let states = sources
                .iter()
                .filter_map(|s| store.sync_state(&s.name()).ok())
                .collect();
            (schedule, states)
        }
        Err(_) => (None, Vec::new()),
    }
}

/// The display, its monitors, the kiosk running here, and blanking.
fn display_checks(data_dir: &Path, config: &Config) -> Vec<Check> {
    let display = match screen::probe_display() {
        Ok(what) => what,
        // Run over ssh, a technician may simply not have set DISPLAY.
        Err(why)
            if std::env::var_os("DISPLAY").is_none()
                && std::env::var_os("WAYLAND_DISPLAY").is_none() =>
        {
            return vec![Check::new(
                "display",
                Level::Warn,
                format!("{why}; to check the kiosk's screen run: DISPLAY=:0 summit-kiosk doctor"),
            )]
        }
        Err(why) => return vec![Check::new("display", Level::Fail, why)],
    };
    let mut checks = Vec::new();
    let monitors = screen::monitors()
        .map(|m| m.join(", "))
        .unwrap_or_else(|e| format!("monitors unknown: {e}"));
    checks.push(Check::new(
        "display",
        Level::Ok,
        format!("{display}: {monitors}"),
    ));
    let running = crate::instance::running(data_dir);
    checks.push(Check::new(
        "kiosk",
        Level::Ok,
        if running {
            format!("running on {}", data_dir.display())
        } else {
            format!("not running on {}", data_dir.display())
        },
    ));
    if std::env::var_os("DISPLAY").is_some() {
        checks.push(match screen::blanking_state() {
            Ok(state) if running && !config.allow_blanking && state.can_blank() => Check::new(
                "blanking",
                Level::Warn,
                format!(
                    "{}: the running kiosk should have turned these off",
                    state.describe()
                ),
            ),
            Ok(state) if running || !state.can_blank() => {
                Check::new("blanking", Level::Ok, state.describe())
            }
            Ok(state) => Check::new(
                "blanking",
                Level::Ok,
                format!(
                    "{} (the kiosk turns blanking off while it shows)",
                    state.describe()
                ),
            ),
            Err(e) => Check::new("blanking", Level::Warn, format!("cannot read: {e}")),
        });
    }
    checks
}

/// A CJK and an emoji glyph must have a font that holds them, or names and
/// titles in those scripts show as empty boxes.
fn fonts() -> Check {
    let probe = |codepoint: &str| -> Result<Vec<String>, String> {
        let out = Command::new("fc-list")
            .arg(format!(":charset={codepoint}"))
            .arg("family")
            .output()
            .map_err(|e| format!("cannot run fc-list (package fontconfig): {e}"))?;
        let mut families: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split(',').next().unwrap_or(l).to_string())
            .collect();
        // Name the font made for it (Noto … CJK, Noto Color Emoji) first.
        families.sort_by_key(|f| !(f.contains("CJK") || f.contains("Emoji")));
        Ok(families)
    };
    let mut missing = Vec::new();
    let mut found = Vec::new();
    for (what, codepoint, package) in [
        ("CJK 中", "4e2d", "fonts-noto-cjk"),
        ("emoji 😀", "1f600", "fonts-noto-color-emoji"),
    ] {
        match probe(codepoint) {
            Ok(families) if !families.is_empty() => {
                found.push(format!("{what}: {}", families[0]));
            }
            Ok(_) => missing.push(format!("no font has {what} (install {package})")),
            Err(e) => return Check::new("fonts", Level::Fail, e),
        }
    }
    if missing.is_empty() {
        Check::new("fonts", Level::Ok, found.join("; "))
    } else {
        Check::new("fonts", Level::Fail, missing.join("; "))
    }
}

/// The clock against each URL source's `Date` header.
fn clock_checks(sources: &[Source]) -> Vec<Check> {
    let limits = FetchLimits {
        total: std::time::Duration::from_secs(10),
        ..FetchLimits::default()
    };
    sources
        .iter()
        .filter_map(|s| match s {
            Source::Url(url) => Some(url),
            Source::File(_) | Source::Mqtt(_) => None,
        })
        .map(|url| {
            // Without the token: a server that refuses us still dates its answer.
            let date = kiosk_core::fetch::server_date(&url.url, &limits);
            doctor::clock(&url.name, Timestamp::now(), date)
        })
        .collect()
}

/// The systemd user unit: enabled and active, as `systemctl --user` says.
fn unit() -> Check {
    let ask = |verb: &str| {
        Command::new("systemctl")
            .args(["--user", verb, UNIT])
            .output()
            .map(|o| {
                (
                    String::from_utf8_lossy(&o.stdout).trim().to_string(),
                    String::from_utf8_lossy(&o.stderr).trim().to_string(),
                )
            })
    };
    match (ask("is-enabled"), ask("is-active")) {
        (Ok((enabled, _)), Ok((active, _))) if !enabled.is_empty() => {
            // `is-active` needs the user manager; `is-enabled` reads files.
            let active = if active.is_empty() {
                "state unknown (no user manager answers here)".to_string()
            } else {
                active
            };
            let level = if enabled == "enabled" {
                Level::Ok
            } else {
                Level::Warn
            };
            Check::new(
                "unit",
                level,
                format!(
                    "{UNIT}: {enabled}, {active}{}",
                    if level == Level::Warn {
                        " (start at login: summit-kiosk install-autostart --room ROOM)"
                    } else {
                        ""
                    }
                ),
            )
        }
        (Ok((_, err)), _) => Check::new(
            "unit",
            Level::Warn,
            format!("no systemd user manager answers ({err}); the kiosk is not supervised"),
        ),
        (Err(e), _) => Check::new(
            "unit",
            Level::Warn,
            format!("cannot run systemctl ({e}); the kiosk is not supervised"),
        ),
    }
}
