//! The report a kiosk leaves on the stick (`summit-kiosk/reports/<host>.txt`)
//! so the venue tech can see, back at a laptop, what each screen did.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::apply::ApplyOutcome;
use super::check::locate;
use super::{BundleError, REPORTS_DIR};

/// Write `text` to `reports/<host>.txt` in the bundle at `bundle` (a stick's
/// root or its `summit-kiosk` folder), atomically: a temporary file renamed
/// over the old report. A read-only or pulled stick is an error for the
/// caller to log; nothing else depends on the report.
pub fn write_report(bundle: &Path, host: &str, text: &str) -> Result<PathBuf, BundleError> {
    let dir = locate(bundle)?.join(REPORTS_DIR);
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BundleError::Report { path, source }
    };
    match std::fs::symlink_metadata(&dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(fail(&dir)(std::io::Error::other(
                "it is not a folder (a link or a file)",
            )))
        }
        Err(_) => std::fs::create_dir(&dir).map_err(fail(&dir))?,
    }
    let name = safe_host(host);
    let path = dir.join(format!("{name}.txt"));
    let temp = dir.join(format!(".{name}.txt.{}.tmp", std::process::id()));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(fail(&path)(e));
    }
    Ok(path)
}

/// `host` as a plain file name: letters, digits, `.`, `_` and `-` kept, the
/// rest `_`, no leading dot, at most 64 bytes; `kiosk` if nothing is left.
pub fn safe_host(host: &str) -> String {
    let name: String = host
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        })
        .take(64)
        .collect();
    let name = name.trim_start_matches('.');
    if name.is_empty() {
        "kiosk".to_string()
    } else {
        name.to_string()
    }
}

/// The report's text: what was applied or refused and why, when, by whom.
pub fn report_text(
    outcome: &Result<ApplyOutcome, BundleError>,
    host: &str,
    at: Timestamp,
) -> String {
    let mut lines = vec![
        "Summit Kiosk: USB bundle report".to_string(),
        format!("kiosk: {host}"),
        format!("at: {at}"),
    ];
    match outcome {
        Ok(ApplyOutcome::Applied(applied)) => {
            let revision = match applied.summary.revision {
                Some(r) => format!("new schedule revision {r}"),
                None => "the schedule was already the one shown".to_string(),
            };
            lines.extend([
                format!(
                    "result: applied {} version {}",
                    applied.conference, applied.version
                ),
                format!("schedule: {} ({revision})", applied.summary),
                format!("photos: {}", applied.photos.len()),
                format!(
                    "announcements: {}",
                    if applied.announcements.is_some() { "yes" } else { "none" }
                ),
                format!("bundle id: {}", applied.id),
            ]);
        }
        Ok(ApplyOutcome::AlreadySeen {
            id,
            conference,
            version,
        }) => lines.extend([
            format!("result: already seen: {conference} version {version} was applied or refused here before; nothing done"),
            format!("bundle id: {id}"),
        ]),
        Err(e) => {
            let verdict = if is_retryable(e) {
                "failed (it will be tried again when the stick is inserted again)"
            } else {
                "refused"
            };
            lines.extend([
                format!("result: {verdict}: {}", e.code()),
                format!("reason: {e}"),
            ]);
        }
    }
    lines.push(String::new());
    lines.join("\n")
}

/// A failure of this kiosk or of reading the stick, not a verdict on the bundle.
fn is_retryable(e: &BundleError) -> bool {
    matches!(
        e,
        BundleError::Io { .. } | BundleError::Staging { .. } | BundleError::Store(_)
    )
}
