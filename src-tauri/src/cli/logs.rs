//! `summit-kiosk logs [--since 1h]`: the kiosk's log files for a technician,
//! from the data folder (under systemd the same entries are in the journal:
//! `journalctl --user -u summit-kiosk`).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use jiff::Timestamp;

use kiosk_core::{logs, Error};

use crate::logging::{FILE_PREFIX, FILE_SUFFIX};

pub fn cmd_logs(
    since: &str,
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
) -> kiosk_core::Result<ExitCode> {
    let cutoff = logs::since(since, Timestamp::now())?;
    let (_, data_dir) = super::config_and_data_dir(config, data_dir)?;
    let folder = data_dir.join("logs");
    let read_error = |source| Error::Read {
        path: folder.clone(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(read_error)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(&format!("{FILE_PREFIX}.")) && n.ends_with(&format!(".{FILE_SUFFIX}"))
            })
        })
        .collect();
    // Daily files are named by date, so their names sort in time order.
    files.sort();
    let mut shown = 0usize;
    for file in &files {
        // A file whose day ended before the cutoff holds nothing wanted; the
        // modification time says so without reading it.
        let modified = std::fs::metadata(file)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| Timestamp::try_from(t).ok());
        if modified.is_some_and(|m| m < cutoff) {
            continue;
        }
        let open = std::fs::File::open(file).map_err(|source| Error::Read {
            path: file.clone(),
            source,
        })?;
        let mut reader = BufReader::new(open);
        let mut filter = logs::Since::new(cutoff);
        let mut line = Vec::new();
        let mut out = std::io::stdout().lock();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(source) => {
                    return Err(Error::Read {
                        path: file.clone(),
                        source,
                    })
                }
            }
            let text = String::from_utf8_lossy(&line);
            if filter.keep(&text) {
                // A closed pipe (`| head`) ends the listing, not an error.
                if writeln!(out, "{}", text.trim_end_matches(['\n', '\r'])).is_err() {
                    return Ok(ExitCode::SUCCESS);
                }
                shown += 1;
            }
        }
    }
    if shown == 0 {
        eprintln!(
            "summit-kiosk: no log entries since {cutoff} in {}",
            folder.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
