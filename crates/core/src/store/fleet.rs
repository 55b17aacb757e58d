//! Migration 6: what the fleet keeps across a restart. A kiosk's own screen
//! id (made once, so the leader's list does not grow with every restart),
//! and on a leader, the screens it has heard from: their names, roles,
//! versions and when they were last seen, so a screen that died while the
//! leader was down is listed (red) rather than forgotten. Heartbeats
//! themselves and thumbnails stay in memory: they are stale after a
//! restart anyway, and a thumbnail a minute per screen would churn the
//! store for nothing.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::fleet::{Action, Role, ScreenRecord};

pub(super) const MIGRATION: &str = "
    CREATE TABLE screen_identity (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        screen_id TEXT NOT NULL
    );
    CREATE TABLE fleet_screens (
        screen_id     TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL,
        version       TEXT NOT NULL,
        first_seen    INTEGER NOT NULL,
        last_seen     INTEGER NOT NULL,
        offline_since INTEGER
    );
";

impl Store {
    /// This kiosk's screen id: the stored one, else `make()`'s, stored.
    pub fn screen_id(&mut self, make: impl FnOnce() -> std::io::Result<String>) -> Result<String> {
        let stored: Option<String> = self.sql(
            self.conn
                .query_row(
                    "SELECT screen_id FROM screen_identity WHERE singleton = 1",
                    [],
                    |r| r.get(0),
                )
                .optional(),
        )?;
        if let Some(id) = stored {
            return Ok(id);
        }
        let id = make().map_err(|e| self.corrupt(format!("cannot make a screen id: {e}")))?;
        self.sql(self.conn.execute(
            "INSERT INTO screen_identity (singleton, screen_id) VALUES (1, ?1)",
            [&id],
        ))?;
        Ok(id)
    }

    /// The screens a leader knew (at most `limit`, the most recently seen).
    pub fn fleet_screens(&self, limit: usize) -> Result<Vec<ScreenRecord>> {
        let mut stmt = self.sql(self.conn.prepare(
            "SELECT screen_id, name, role, version, first_seen, last_seen, offline_since
             FROM fleet_screens ORDER BY last_seen DESC LIMIT ?1",
        ))?;
        let rows = self.sql(stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        }))?;
        let mut out = Vec::new();
        for row in rows {
            let (screen_id, name, role, version, first, last, offline) = self.sql(row)?;
            let at = |ms: i64| Timestamp::from_millisecond(ms).unwrap_or_default();
            // A role this version cannot read back is a lobby: only the
            // label is lost, and the next heartbeat says it again.
            let role: Role = serde_json::from_str(&role).unwrap_or_default();
            out.push(ScreenRecord {
                screen_id,
                name,
                role,
                version,
                first_seen: at(first),
                last_seen: at(last),
                offline_since: offline.map(at),
            });
        }
        Ok(out)
    }

    /// Save what changed in the fleet (one transaction): screens kept,
    /// and screens pushed out (`Err(id)`).
    pub fn save_fleet(
        &mut self,
        changes: &[std::result::Result<ScreenRecord, String>],
    ) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        self.in_transaction(|store, tx| {
            for change in changes {
                match change {
                    Ok(r) => store.sql(tx.execute(
                        "INSERT INTO fleet_screens
                           (screen_id, name, role, version, first_seen, last_seen, offline_since)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                         ON CONFLICT (screen_id) DO UPDATE SET name = ?2, role = ?3,
                           version = ?4, last_seen = max(last_seen, ?6), offline_since = ?7",
                        params![
                            r.screen_id,
                            r.name,
                            serde_json::to_string(&r.role).expect("a role serializes"),
                            r.version,
                            r.first_seen.as_millisecond(),
                            r.last_seen.as_millisecond(),
                            r.offline_since.map(|t| t.as_millisecond()),
                        ],
                    ))?,
                    Err(id) => store
                        .sql(tx.execute("DELETE FROM fleet_screens WHERE screen_id = ?1", [id]))?,
                };
            }
            Ok(())
        })
    }

    /// Log an organizer's command to a screen in the audit log (it changes
    /// nothing stored, so there is nothing to undo).
    pub fn audit_screen_command(
        &mut self,
        action: Action,
        screen: &str,
        origin: &str,
        now: Timestamp,
    ) -> Result<String> {
        let what = match action {
            Action::Identify => format!("Asked screen {screen} to show its name"),
            Action::Reload => format!("Asked screen {screen} to reload its display"),
        };
        self.in_transaction(|store, _| {
            store.audit_insert(
                now,
                origin,
                &format!("screen_{}", action.name()),
                &what,
                None,
            )
        })?;
        Ok(what)
    }
}
