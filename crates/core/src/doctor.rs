//! `summit-kiosk doctor`: a technician's self-check, one line per check.
//! The checks that need no window system live here (store, disk, photos,
//! config, zone, sources, clock); the shell adds the display, blanking,
//! fonts and the systemd unit.

use std::path::Path;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::model::Schedule;
use crate::sync::SyncState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub level: Level,
    pub detail: String,
}

impl Check {
    pub fn new(name: impl Into<String>, level: Level, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            level,
            detail: detail.into(),
        }
    }

    /// `ok    store        …`: aligned for a terminal.
    pub fn line(&self) -> String {
        let level = match self.level {
            Level::Ok => "ok",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        };
        format!("{level:<5} {:<12} {}", self.name, self.detail)
    }
}

/// Every check's outcome; it passes when none failed (warnings pass).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub ok: bool,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn new(checks: Vec<Check>) -> Report {
        Report {
            ok: checks.iter().all(|c| c.level != Level::Fail),
            checks,
        }
    }
}

/// Below this much free space the store and photo cache cannot be trusted
/// to grow; below the warning level a technician should clean up.
pub const DISK_FAIL_BYTES: u64 = 100 * 1024 * 1024;
pub const DISK_WARN_BYTES: u64 = 1024 * 1024 * 1024;
/// A clock further than this from the sources' `Date` headers is worth a
/// look: the screens would disagree with each other by that much.
pub const CLOCK_WARN: Duration = Duration::from_secs(2);

fn mib(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib >= 1024.0 {
        format!("{:.1} GiB", mib / 1024.0)
    } else {
        format!("{mib:.0} MiB")
    }
}

/// `PRAGMA quick_check` on a read-only connection: safe while a kiosk runs.
pub fn store_integrity(path: &Path) -> Check {
    let name = "store";
    if !path.exists() {
        return Check::new(
            name,
            Level::Warn,
            format!(
                "{}: no store yet (the kiosk creates it on its first start)",
                path.display()
            ),
        );
    }
    let result = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|conn| {
        let mut stmt = conn.prepare("PRAGMA quick_check(5)")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
    });
    match result {
        Ok(rows) if rows == ["ok"] => Check::new(
            name,
            Level::Ok,
            format!("{}: quick_check ok", path.display()),
        ),
        Ok(rows) => Check::new(
            name,
            Level::Fail,
            format!(
                "{}: quick_check found damage: {}",
                path.display(),
                rows.join("; ")
            ),
        ),
        Err(e) => Check::new(
            name,
            Level::Fail,
            format!("{}: cannot be read as a store: {e}", path.display()),
        ),
    }
}

/// Free space where the store and photo cache live (`statvfs`).
pub fn disk_free(path: &Path) -> Check {
    let name = "disk";
    // The data folder may not exist yet: measure the nearest existing parent.
    let existing = path.ancestors().find(|p| p.exists()).unwrap_or(path);
    let free = free_bytes(existing);
    match free {
        Ok(free) => {
            let level = if free < DISK_FAIL_BYTES {
                Level::Fail
            } else if free < DISK_WARN_BYTES {
                Level::Warn
            } else {
                Level::Ok
            };
            Check::new(
                name,
                level,
                format!("{} free on {}", mib(free), existing.display()),
            )
        }
        Err(e) => Check::new(
            name,
            Level::Warn,
            format!("cannot measure free space on {}: {e}", existing.display()),
        ),
    }
}

fn free_bytes(path: &Path) -> std::io::Result<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::other("a path with a NUL byte"))?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid C string and a struct we own.
    if unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(stat.f_bavail as u64 * stat.f_frsize as u64)
}

/// The photo renditions cache: how many, how large, and writable.
pub fn photo_cache(renditions: &Path) -> Check {
    let name = "photos";
    let Ok(entries) = std::fs::read_dir(renditions) else {
        return Check::new(
            name,
            Level::Ok,
            format!(
                "{}: no renditions yet (made when photos arrive)",
                renditions.display()
            ),
        );
    };
    let (mut count, mut bytes) = (0u64, 0u64);
    for entry in entries.flatten() {
        if let Ok(meta) = entry.metadata() {
            if meta.is_file() {
                count += 1;
                bytes += meta.len();
            }
        }
    }
    let probe = renditions.join(".doctor-probe");
    let writable = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    if writable {
        Check::new(
            name,
            Level::Ok,
            format!(
                "{count} renditions, {} in {}",
                mib(bytes),
                renditions.display()
            ),
        )
    } else {
        Check::new(
            name,
            Level::Fail,
            format!(
                "{} is not writable: new photos cannot be shown",
                renditions.display()
            ),
        )
    }
}

/// The venue's zone resolves, and what the venue's clock reads.
pub fn venue_zone(schedule: Option<&Schedule>, now: Timestamp) -> Check {
    let name = "zone";
    match schedule {
        None => Check::new(name, Level::Warn, "no schedule in the store yet"),
        Some(s) => {
            let local = now.to_zoned_datetime(s.venue_tz.clone());
            Check::new(
                name,
                Level::Ok,
                format!(
                    "{} ({}): venue time {}",
                    s.conference.timezone,
                    local.offset(),
                    local.strftime("%Y-%m-%d %H:%M:%S")
                ),
            )
        }
    }
}

/// The room the config shows exists in the schedule.
pub fn room(schedule: Option<&Schedule>, room: Option<&str>) -> Option<Check> {
    let (schedule, room) = (schedule?, room?);
    Some(match schedule.room_by_name(room) {
        Some(_) => Check::new("room", Level::Ok, format!("{room:?} is in the schedule")),
        None => Check::new(
            "room",
            Level::Fail,
            format!(
                "{room:?} is not in the schedule; its rooms: {}",
                schedule.room_names().join(", ")
            ),
        ),
    })
}

fn ago(now: Timestamp, then: Timestamp) -> String {
    let secs = now.duration_since(then).as_secs().max(0);
    match secs {
        0..=119 => format!("{secs} s ago"),
        120..=7199 => format!("{} min ago", secs / 60),
        _ => format!("{} h ago", secs / 3600),
    }
}

/// One source's sync state as the store remembers it.
pub fn source(state: &SyncState, now: Timestamp, offline_after: Duration) -> Check {
    let name = "source";
    let what = &state.source;
    match (&state.last_error, state.last_success, state.last_attempt) {
        (None, Some(ok), _) => Check::new(
            name,
            Level::Ok,
            format!("{what}: synced {} ({ok})", ago(now, ok)),
        ),
        (Some(error), last_ok, _) => {
            let since = state
                .failing_since
                .map(|t| format!(" since {}", ago(now, t)))
                .unwrap_or_default();
            let good = last_ok
                .map(|t| format!("; last good sync {}", ago(now, t)))
                .unwrap_or_else(|| "; never synced".into());
            let level = if state.offline(now, offline_after) || last_ok.is_none() {
                Level::Warn
            } else {
                Level::Ok
            };
            Check::new(
                name,
                level,
                format!(
                    "{what}: failing{since} ({} tries): {error}{good}",
                    state.failures
                ),
            )
        }
        (None, None, _) => Check::new(
            name,
            Level::Warn,
            format!("{what}: not checked yet (the running kiosk checks it)"),
        ),
    }
}

/// This machine's clock against a server's `Date` header (whole seconds:
/// the header has no more, so up to a second of the gap is rounding).
pub fn clock(url: &str, local: Timestamp, server_date: crate::Result<Timestamp>) -> Check {
    let name = "clock";
    match server_date {
        Ok(server) => {
            let gap = local.duration_since(server);
            let abs = gap.abs();
            let level = if abs > SignedDuration::try_from(CLOCK_WARN).expect("small") {
                Level::Warn
            } else {
                Level::Ok
            };
            let direction = if gap.is_negative() {
                "behind"
            } else {
                "ahead of"
            };
            Check::new(
                name,
                level,
                format!(
                    "{:.1} s {direction} {url}'s Date header{}",
                    abs.as_secs_f64(),
                    if level == Level::Warn {
                        " (over 2 s: check NTP, e.g. timedatectl)"
                    } else {
                        ""
                    }
                ),
            )
        }
        Err(e) => Check::new(name, Level::Warn, format!("cannot compare with {url}: {e}")),
    }
}
