//! The photo wall's records: each file's outcome (a photo or a quarantine
//! reason) and the photos by content hash with their hidden/approved flags.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};

use super::Store;
use crate::error::Result;

/// A photo file as the store last saw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PhotoFile {
    pub path: String,
    pub fingerprint: String,
    /// The photo it holds, or `None` if quarantined.
    pub hash: Option<String>,
    /// Why the file was quarantined.
    pub quarantine: Option<String>,
    pub checked_at: Timestamp,
}

fn photo_file_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PhotoFile> {
    Ok(PhotoFile {
        path: r.get(0)?,
        fingerprint: r.get(1)?,
        hash: r.get(2)?,
        quarantine: r.get(3)?,
        checked_at: Timestamp::from_second(r.get(4)?).unwrap_or_default(),
    })
}

/// A photo about to be recorded.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub credit: Option<String>,
    /// `folder`, `upload` or `usb`.
    pub origin: String,
    /// In approve mode a new photo waits for the organizer.
    pub needs_approval: bool,
}

/// A photo on (or held back from) the wall.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Photo {
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub credit: Option<String>,
    pub origin: String,
    pub added_at: Timestamp,
    pub hidden: bool,
    pub approved: bool,
    /// One file that holds it.
    pub path: Option<String>,
}

impl Store {
    /// What the store knows of a photo file: its fingerprint when last
    /// looked at, whether it was quarantined, and why.
    pub fn photo_file(&self, path: &str) -> Result<Option<PhotoFile>> {
        self.sql(
            self.conn
                .query_row(
                    "SELECT path, fingerprint, hash, quarantine, checked_at FROM photo_files WHERE path = ?1",
                    [path],
                    photo_file_row,
                )
                .optional(),
        )
    }

    /// Every photo file known, by path.
    pub fn photo_files(&self) -> Result<Vec<PhotoFile>> {
        self.sql(self.collect(
            "SELECT path, fingerprint, hash, quarantine, checked_at FROM photo_files ORDER BY path",
            photo_file_row,
        ))
    }

    /// Record the outcome for a photo file (one transaction): a photo (added
    /// if its content is new; `true` is returned then) or a quarantine reason.
    pub fn record_photo_file(
        &mut self,
        path: &str,
        fingerprint: &str,
        outcome: std::result::Result<&NewPhoto, &str>,
    ) -> Result<bool> {
        let now = Timestamp::now().as_second();
        self.in_transaction(|store, tx| {
            let mut added = false;
            let (hash, reason) = match outcome {
                Ok(photo) => {
                    added = store.sql(tx.execute(
                        "INSERT OR IGNORE INTO photos (hash, width, height, credit, origin, added_at, approved)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            photo.hash,
                            photo.width,
                            photo.height,
                            photo.credit,
                            photo.origin,
                            now,
                            !photo.needs_approval
                        ],
                    ))? > 0;
                    (Some(photo.hash.as_str()), None)
                }
                Err(reason) => (None, Some(reason)),
            };
            store.sql(tx.execute(
                "INSERT INTO photo_files (path, fingerprint, hash, quarantine, checked_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (path) DO UPDATE SET fingerprint = ?2, hash = ?3, quarantine = ?4, checked_at = ?5",
                params![path, fingerprint, hash, reason, now],
            ))?;
            store.forget_orphan_photos(tx)?;
            Ok(added)
        })
    }

    /// Forget files that are gone (and photos no file holds any more).
    /// Returns how many files were forgotten.
    pub fn forget_photo_files(&mut self, gone: &[String]) -> Result<usize> {
        if gone.is_empty() {
            return Ok(0);
        }
        self.in_transaction(|store, tx| {
            let mut count = 0;
            for path in gone {
                count +=
                    store.sql(tx.execute("DELETE FROM photo_files WHERE path = ?1", [path]))?;
            }
            store.forget_orphan_photos(tx)?;
            Ok(count)
        })
    }

    /// A photo lives as long as some file holds it (a re-scan that finds it
    /// again adds it back), so the wall never shows one whose file is gone.
    fn forget_orphan_photos(&self, tx: &Transaction<'_>) -> Result<()> {
        self.sql(tx.execute(
            "DELETE FROM photos WHERE hash NOT IN (SELECT hash FROM photo_files WHERE hash IS NOT NULL)",
            [],
        ))?;
        Ok(())
    }

    /// Every photo, newest first.
    pub fn photos(&self) -> Result<Vec<Photo>> {
        self.sql(self.collect(
            "SELECT p.hash, p.width, p.height, p.credit, p.origin, p.added_at, p.hidden, p.approved,
                    (SELECT MIN(path) FROM photo_files f WHERE f.hash = p.hash)
             FROM photos p ORDER BY p.added_at DESC, p.hash",
            |r| {
                Ok(Photo {
                    hash: r.get(0)?,
                    width: r.get(1)?,
                    height: r.get(2)?,
                    credit: r.get(3)?,
                    origin: r.get(4)?,
                    added_at: Timestamp::from_second(r.get(5)?).unwrap_or_default(),
                    hidden: r.get(6)?,
                    approved: r.get(7)?,
                    path: r.get(8)?,
                })
            },
        ))
    }

    /// Hide or show a photo on the wall (one transaction). False if unknown.
    pub fn set_photo_hidden(&mut self, hash: &str, hidden: bool) -> Result<bool> {
        self.sql(self.conn.execute(
            "UPDATE photos SET hidden = ?2 WHERE hash = ?1",
            params![hash, hidden],
        ))
        .map(|n| n > 0)
    }

    /// Approve (or withdraw) a photo waiting in approve mode. False if unknown.
    pub fn set_photo_approved(&mut self, hash: &str, approved: bool) -> Result<bool> {
        self.sql(self.conn.execute(
            "UPDATE photos SET approved = ?2 WHERE hash = ?1",
            params![hash, approved],
        ))
        .map(|n| n > 0)
    }
}
