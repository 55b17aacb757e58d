//! USB bundles already acted on: each is applied or refused at most once.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;

impl Store {
    /// Whether the USB bundle `id` (the SHA-256 of its manifest) was applied
    /// or refused before: each bundle is acted on at most once.
    pub fn bundle_seen(&self, id: &str) -> Result<bool> {
        self.sql(
            self.conn
                .query_row("SELECT 1 FROM applied_bundles WHERE id = ?1", [id], |_| {
                    Ok(())
                })
                .optional(),
        )
        .map(|found| found.is_some())
    }

    /// The highest bundle version applied for `conference`, if any.
    pub fn latest_bundle_version(&self, conference: &str) -> Result<Option<u64>> {
        let v: Option<i64> = self.sql(self.conn.query_row(
            "SELECT MAX(version) FROM applied_bundles WHERE conference = ?1 AND outcome = 'applied'",
            [conference],
            |r| r.get(0),
        ))?;
        Ok(v.map(|v| v as u64))
    }

    /// Record what was done with a bundle (`outcome` is `applied` or a reason
    /// it was refused). One transaction.
    pub fn record_bundle(
        &mut self,
        id: &str,
        conference: &str,
        version: u64,
        origin: &str,
        outcome: &str,
    ) -> Result<()> {
        self.sql(self.conn.execute(
            "INSERT OR REPLACE INTO applied_bundles (id, conference, version, applied_at, origin, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, conference, version as i64, Timestamp::now().as_second(), origin, outcome],
        ))?;
        Ok(())
    }
}
