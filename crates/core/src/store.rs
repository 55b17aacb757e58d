//! The SQLite store: WAL, versioned migrations, an `application_id`, one
//! writer, every change one transaction, and a schedule revision number.
//!
//! The control panel's changes (migration 4) are kept apart from the
//! imported schedule: local [`Edit`](crate::edits::Edit)s, announcements and an audit log that
//! says how to undo each change. [`Store::load`] is the import as it came;
//! [`Store::effective_schedule`] is what the screens show (the import with
//! the edits applied). Each import also keeps its schedule as JSON for
//! [`Store::rollback_to_previous`].

mod announcements;
mod audit;
mod bundles;
mod edits;
mod emergencies;
mod fleet;
mod migrations;
mod photos;
mod revisions;
mod room_status;
mod schedule;
mod security;
mod sync_state;

use std::path::Path;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};
use migrations::MIGRATIONS;

pub use audit::{AuditEntry, Undone};
pub use edits::{RecordedEdit, StoredEdit};
pub use photos::{NewPhoto, Photo, PhotoFile};
pub use revisions::{RevisionInfo, KEEP_REVISION_SCHEDULES};

/// `SKIO`: marks a file as a Summit Kiosk store (`PRAGMA application_id`).
pub const APPLICATION_ID: i32 = 0x534B_494F;

/// The one writer of the store. Wrap it in a mutex to share it.
pub struct Store {
    conn: Connection,
    name: String,
    /// The language of the audit lines written from now on (the control
    /// panel's); a line keeps the language it was written in.
    language: crate::i18n::Language,
}

impl Store {
    /// Write the audit lines of edits in `language` (`panel_language`).
    pub fn set_language(&mut self, language: crate::i18n::Language) {
        self.language = language;
    }
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private::private_dir(dir)
                .map_err(Error::io("create the store's folder", dir))?;
        }
        // Private before SQLite opens it: a new WAL and SHM take its mode.
        let private = |suffix: &str| {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let file = std::path::PathBuf::from(file);
            crate::private::close_to_others(&file).map_err(Error::io("make private", &file))
        };
        crate::private::private_file(path)
            .map_err(Error::io("create", path))
            .and_then(|()| private("-wal"))
            .and_then(|()| private("-shm"))?;
        let name = path.display().to_string();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| Error::Sqlite {
            path: name.clone(),
            source,
        })?;
        Store::init(conn, name, true)
    }

    /// A store that lives in memory only (the demo and one-off commands).
    pub fn open_in_memory() -> Result<Store> {
        let name = ":memory:".to_string();
        let conn = Connection::open_in_memory().map_err(|source| Error::Sqlite {
            path: name.clone(),
            source,
        })?;
        Store::init(conn, name, false)
    }

    fn sql<T>(&self, r: rusqlite::Result<T>) -> Result<T> {
        r.map_err(|source| Error::Sqlite {
            path: self.name.clone(),
            source,
        })
    }

    fn init(conn: Connection, name: String, wal: bool) -> Result<Store> {
        let mut store = Store {
            conn,
            name,
            language: crate::i18n::Language::default(),
        };
        let app_id: i32 = store.sql(
            store
                .conn
                .query_row("PRAGMA application_id", [], |r| r.get(0)),
        )?;
        let version: i64 = store.sql(
            store
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0)),
        )?;
        let has_tables: bool = store.sql(store.conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_schema",
            [],
            |r| r.get(0),
        ))?;
        if app_id != APPLICATION_ID && (app_id != 0 || has_tables) {
            return Err(Error::Store {
                path: store.name.clone(),
                message: "this file is not a Summit Kiosk store (its application_id differs); \
                          choose another data folder"
                    .into(),
            });
        }
        if version as usize > MIGRATIONS.len() {
            return Err(Error::Store {
                path: store.name.clone(),
                message: format!(
                    "the store is at schema version {version}, newer than this program knows ({}); \
                     upgrade Summit Kiosk",
                    MIGRATIONS.len()
                ),
            });
        }
        store.sql(store.conn.busy_timeout(std::time::Duration::from_secs(5)))?;
        if wal {
            let mode: String = store.sql(store.conn.query_row(
                "PRAGMA journal_mode = WAL",
                [],
                |r| r.get(0),
            ))?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(store = %store.name, %mode, "WAL is not available; using {mode}");
            }
        }
        store.sql(store.conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA trusted_schema = OFF;",
        ))?;
        store.migrate(version as usize)?;
        Ok(store)
    }

    fn migrate(&mut self, from: usize) -> Result<()> {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(from) {
            self.in_transaction(|store, tx| {
                store.sql(tx.execute_batch(sql))?;
                store.sql(tx.pragma_update(None, "application_id", APPLICATION_ID))?;
                store.sql(tx.pragma_update(None, "user_version", (index + 1) as i64))
            })?;
            tracing::info!(store = %self.name, version = index + 1, "store migrated");
        }
        Ok(())
    }

    /// The store's file (or `:memory:`), as its errors name it.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.sql(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)))
    }

    /// Run `f` in one `BEGIN IMMEDIATE` transaction, in which it may read
    /// through `self` (e.g. [`Store::load`]) and write; committed if it
    /// returns `Ok`, rolled back otherwise (and on panic).
    fn in_transaction<T>(
        &mut self,
        f: impl FnOnce(&Store, &Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self.sql(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        ))?;
        let value = f(self, &tx)?;
        self.sql(tx.commit())?;
        Ok(value)
    }

    fn corrupt(&self, message: String) -> Error {
        Error::Store {
            path: self.name.clone(),
            message,
        }
    }

    fn collect<T>(
        &self,
        sql: &str,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], row)?;
        rows.collect()
    }
}
