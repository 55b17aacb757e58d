//! Each sync source's state: attempts, failures, validators, fingerprint.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::fetch::Validator;
use crate::sync::SyncState;

impl Store {
    /// The state of one sync source (its default when never synced).
    pub fn sync_state(&self, source: &str) -> Result<SyncState> {
        let at = |v: Option<i64>| v.and_then(|s| Timestamp::from_second(s).ok());
        let state = self.sql(
            self.conn
                .query_row(
                    "SELECT last_attempt, last_success, failing_since, failures, last_error, etag, last_modified, fingerprint
                     FROM sync_state WHERE source = ?1",
                    [source],
                    |r| {
                        Ok(SyncState {
                            source: source.to_string(),
                            last_attempt: at(r.get(0)?),
                            last_success: at(r.get(1)?),
                            failing_since: at(r.get(2)?),
                            failures: r.get(3)?,
                            last_error: r.get(4)?,
                            validator: Validator {
                                etag: r.get(5)?,
                                last_modified: r.get(6)?,
                            },
                            fingerprint: r.get(7)?,
                        })
                    },
                )
                .optional(),
        )?;
        Ok(state.unwrap_or_else(|| SyncState {
            source: source.to_string(),
            ..SyncState::default()
        }))
    }

    /// Record a source's state (one transaction).
    pub fn save_sync_state(&mut self, state: &SyncState) -> Result<()> {
        let secs = |t: Option<Timestamp>| t.map(|t| t.as_second());
        self.sql(self.conn.execute(
            "INSERT INTO sync_state (source, last_attempt, last_success, failing_since, failures, last_error, etag, last_modified, fingerprint)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (source) DO UPDATE SET last_attempt = ?2, last_success = ?3, failing_since = ?4,
                 failures = ?5, last_error = ?6, etag = ?7, last_modified = ?8, fingerprint = ?9",
            params![
                state.source,
                secs(state.last_attempt),
                secs(state.last_success),
                secs(state.failing_since),
                state.failures,
                state.last_error,
                state.validator.etag,
                state.validator.last_modified,
                state.fingerprint
            ],
        ))?;
        Ok(())
    }
}
