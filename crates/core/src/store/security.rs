//! What the store keeps so that a restart (which an attacker may force)
//! resets nothing an attacker would like reset: the control panel's PIN
//! back-off, the feed version a leader published last (so a restarted
//! leader never numbers a version lower, and the same content keeps its
//! version and ETag), and the newest feed version a follower accepted from
//! each source (so an older signed feed, replayed, is refused).
//! Migration 5.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::pin::PinBackoff;

/// Migration 5: the tables of this file, and the source names of older
/// stores cleaned of the `?token=` they used to carry (the token itself
/// never goes into the store again).
pub(super) const MIGRATION: &str = "
    CREATE TABLE pin_backoff (
        singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
        failures    INTEGER NOT NULL,
        retry_after INTEGER
    );
    CREATE TABLE feed_published (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        version   INTEGER NOT NULL,
        digest    TEXT NOT NULL
    );
    CREATE TABLE feed_accepted (
        source  TEXT PRIMARY KEY,
        version INTEGER NOT NULL
    );
    UPDATE OR REPLACE sync_state
        SET source = substr(source, 1, instr(source, '?') - 1), last_error = NULL
        WHERE instr(source, '?') > 0 AND instr(source, 'token=') > 0;
    UPDATE sync_state SET last_error = NULL WHERE instr(last_error, 'token=') > 0;
    UPDATE revisions SET source = substr(source, 1, instr(source, '?') - 1)
        WHERE instr(source, '?') > 0 AND instr(source, 'token=') > 0;
";

impl Store {
    pub fn pin_backoff(&self) -> Result<PinBackoff> {
        let row = self.sql(
            self.conn
                .query_row(
                    "SELECT failures, retry_after FROM pin_backoff WHERE singleton = 1",
                    [],
                    |r| Ok((r.get::<_, u32>(0)?, r.get::<_, Option<i64>>(1)?)),
                )
                .optional(),
        )?;
        Ok(
            row.map_or_else(PinBackoff::default, |(failures, retry_after)| PinBackoff {
                failures,
                retry_after: retry_after.and_then(|ms| Timestamp::from_millisecond(ms).ok()),
            }),
        )
    }

    /// Record the streak (one transaction).
    pub fn save_pin_backoff(&mut self, backoff: &PinBackoff) -> Result<()> {
        self.sql(self.conn.execute(
            "INSERT INTO pin_backoff (singleton, failures, retry_after) VALUES (1, ?1, ?2)
             ON CONFLICT (singleton) DO UPDATE SET failures = ?1, retry_after = ?2",
            params![
                backoff.failures,
                backoff.retry_after.map(|t| t.as_millisecond())
            ],
        ))?;
        Ok(())
    }

    /// The version and content digest this kiosk published last.
    pub fn published_feed(&self) -> Result<Option<(u64, String)>> {
        self.sql(
            self.conn
                .query_row(
                    "SELECT version, digest FROM feed_published WHERE singleton = 1",
                    [],
                    |r| Ok((r.get::<_, i64>(0)?.max(0) as u64, r.get(1)?)),
                )
                .optional(),
        )
    }

    pub fn record_published_feed(&mut self, version: u64, digest: &str) -> Result<()> {
        self.sql(self.conn.execute(
            "INSERT INTO feed_published (singleton, version, digest) VALUES (1, ?1, ?2)
             ON CONFLICT (singleton) DO UPDATE SET version = ?1, digest = ?2",
            params![clamp(version), digest],
        ))?;
        Ok(())
    }

    /// The highest bundle version applied for `conference` that is at most
    /// `cap` (a stick made before versions were capped may hold a huge one).
    pub fn latest_bundle_version_up_to(&self, conference: &str, cap: u64) -> Result<Option<u64>> {
        let v: Option<i64> = self.sql(self.conn.query_row(
            "SELECT MAX(version) FROM applied_bundles
             WHERE conference = ?1 AND outcome = 'applied' AND version <= ?2",
            params![conference, clamp(cap)],
            |r| r.get(0),
        ))?;
        Ok(v.map(|v| v.max(0) as u64))
    }

    /// Changes when another connection (another process) commits to the
    /// store: `summit-kiosk serve` polls it to publish within 50 ms.
    pub fn data_version(&self) -> Result<i64> {
        self.sql(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)))
    }

    /// The newest feed version accepted from `source`.
    pub fn feed_floor(&self, source: &str) -> Result<Option<u64>> {
        self.sql(
            self.conn
                .query_row(
                    "SELECT version FROM feed_accepted WHERE source = ?1",
                    [source],
                    |r| Ok(r.get::<_, i64>(0)?.max(0) as u64),
                )
                .optional(),
        )
    }

    /// Remember that `version` was accepted from `source` (never lowers it).
    pub fn raise_feed_floor(&mut self, source: &str, version: u64) -> Result<()> {
        self.sql(self.conn.execute(
            "INSERT INTO feed_accepted (source, version) VALUES (?1, ?2)
             ON CONFLICT (source) DO UPDATE SET version = max(version, ?2)",
            params![source, clamp(version)],
        ))?;
        Ok(())
    }
}

fn clamp(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}
