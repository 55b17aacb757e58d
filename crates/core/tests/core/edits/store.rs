//! The store's edits: kept over re-imports, refused without a trace,
//! undone exactly, audited, rolled back, migrated.

use super::*;

#[test]
fn a_delay_survives_a_reimport() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 6);
        store.apply(&schedule(MORNING), "feed").unwrap();
        let recorded = store
            .record_edit(delay("R1", "10:05", 10), ORIGIN, at("10:05"))
            .unwrap();
        assert_eq!(recorded.id, 1);
        assert_eq!(
            render(&recorded.schedule),
            "R1 10:10-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c"
        );
    }
    let mut store = Store::open(&path).unwrap();
    // The source fixes a title and adds a talk: a new revision.
    let mut reimport = schedule(
        "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:15 talk c; 11:15-11:45 talk d",
    );
    reimport.sessions[0].title = "A, retitled".into();
    let summary = store.apply(&reimport, "feed").unwrap();
    assert_eq!(summary.revision, Some(2));
    assert_eq!(
        store.load().unwrap().unwrap(),
        reimport,
        "the import itself is stored as it came"
    );
    assert_eq!(store.active_edits().unwrap().len(), 1, "the edit is kept");
    let effective = store.effective_schedule().unwrap().unwrap();
    assert_eq!(
        render(&effective),
        "R1 10:10-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c; 11:15-11:45 talk d"
    );
    assert_eq!(effective.session("a").unwrap().title, "A, retitled");
    // The screen shows the delay.
    let snap = room_snapshot(&effective, "R1", at("10:05"));
    assert_eq!(snap.next.unwrap().start_local, "10:10");
    // An import that drops the session: the edit is reported, and kept.
    store
        .record_edit(Edit::Cancel { session: id("d") }, ORIGIN, at("10:06"))
        .unwrap();
    store.apply(&schedule(MORNING), "feed").unwrap();
    let applied = store.effective().unwrap().unwrap();
    assert_eq!(applied.skipped.len(), 1);
    assert_eq!(applied.skipped[0].0, 1);
    assert_eq!(store.active_edits().unwrap().len(), 2);
}

#[test]
fn edits_are_stored_with_room_ids() {
    let mut store = store_with(MORNING);
    store
        .record_edit(delay("r1", "10:05", 5), ORIGIN, at("10:05"))
        .unwrap();
    let stored = store.active_edits().unwrap();
    assert!(matches!(&stored[0].edit, Edit::Delay { room, .. } if room == "R1"));
    assert_eq!(stored[0].origin, ORIGIN);
    assert_eq!(stored[0].created_at, at("10:05"));
    let plan = store.plan_delay("R1", at("10:20"), 6).unwrap();
    assert_eq!(plan.shifted[0].session, "a");
    assert!(
        plan.absorbed_by.is_none(),
        "4 of the break's 10 minutes would be left"
    );
}

#[test]
fn a_refused_edit_names_the_session_and_writes_nothing() {
    let mut store = store_with(MORNING);
    let err = store
        .record_edit(
            Edit::EndNow {
                session: id("a"),
                at: at("10:35"),
            },
            ORIGIN,
            at("10:20"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "overlap");
    let text = err.to_string();
    assert!(
        text.contains("session \"a\" (A, 10:00–10:35) would overlap \"b\""),
        "{text}"
    );
    assert!(store.edits().unwrap().is_empty());
    assert!(store.audit(10).unwrap().is_empty());
    let empty = Store::open_in_memory().unwrap().record_edit(
        Edit::Skip { session: id("a") },
        ORIGIN,
        at("10:00"),
    );
    assert!(empty
        .unwrap_err()
        .to_string()
        .contains("no schedule has been imported yet"));
}

#[test]
fn undo_walks_back_edits_and_announcements_exactly() {
    let mut store = store_with(MORNING);
    let before = store.effective_schedule().unwrap().unwrap();
    store
        .record_edit(delay("R1", "10:05", 10), ORIGIN, at("10:05"))
        .unwrap();
    let delayed = store.effective_schedule().unwrap().unwrap();
    store
        .record_edit(
            Edit::Cancel { session: id("c") },
            "control panel on laptop",
            at("10:06"),
        )
        .unwrap();
    let ann = store
        .add_announcement(
            announcement(
                "",
                "Talk C is cancelled",
                Some(&["R1"]),
                Priority::Urgent,
                "10:06",
                None,
            ),
            ORIGIN,
            at("10:06"),
        )
        .unwrap();
    assert_eq!(ann.id, "ann-1");
    assert!(store
        .remove_announcement("ann-1", ORIGIN, at("10:07"))
        .unwrap());
    assert!(!store
        .remove_announcement("ann-1", ORIGIN, at("10:07"))
        .unwrap());
    assert!(store.announcements().unwrap().is_empty());

    let audit = store.audit(10).unwrap();
    let whats: Vec<&str> = audit.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(
        whats,
        [
            "Took down the announcement “Talk C is cancelled”",
            "Announced “Talk C is cancelled” in R1",
            "Cancelled “C” (10:45)",
            "Delayed R1 by 10 minutes from 10:05 (1 session moves 10 minutes later, the last “A” now 10:10–10:40; “B” absorbs it (now 10:40–10:45))",
        ]
    );
    assert_eq!(audit[1].origin, ORIGIN);
    assert_eq!(audit[2].origin, "control panel on laptop");
    assert!(audit.iter().all(|a| a.undoable && !a.undone));

    // Undo the removal: the announcement is back, exactly.
    let undone = store.undo_last(ORIGIN, at("10:08")).unwrap().unwrap();
    assert_eq!(
        undone.what,
        "Took down the announcement “Talk C is cancelled”"
    );
    assert_eq!(store.announcements().unwrap(), vec![ann.clone()]);
    // Undo the announcement, then the cancel, then the delay.
    store.undo_last(ORIGIN, at("10:08")).unwrap().unwrap();
    assert!(store.announcements().unwrap().is_empty());
    store.undo_last(ORIGIN, at("10:08")).unwrap().unwrap();
    assert_eq!(store.effective_schedule().unwrap().unwrap(), delayed);
    store.undo_last(ORIGIN, at("10:09")).unwrap().unwrap();
    assert_eq!(store.effective_schedule().unwrap().unwrap(), before);
    assert!(store.active_edits().unwrap().is_empty());
    assert_eq!(
        store.edits().unwrap().len(),
        2,
        "undone edits stay on record"
    );
    assert!(store.undo_last(ORIGIN, at("10:10")).unwrap().is_none());
    let audit = store.audit(100).unwrap();
    assert_eq!(audit.len(), 8);
    assert_eq!(audit[0].what, "Undid: Delayed R1 by 10 minutes from 10:05 (1 session moves 10 minutes later, the last “A” now 10:10–10:40; “B” absorbs it (now 10:40–10:45))");
    assert!(audit.iter().all(|a| !a.undoable));
}

#[test]
fn added_sessions_get_local_ids_and_announcements_show_on_screens() {
    let mut store = store_with(MORNING);
    let added = store
        .record_edit(
            Edit::AddSession {
                session: Session {
                    id: String::new(),
                    title: "Lightning talks".into(),
                    subtitle: None,
                    abstract_text: None,
                    slides_url: None,
                    room: "R2".into(),
                    track: None,
                    kind: SessionKind::Talk,
                    start: at("11:00"),
                    end: at("11:30"),
                    speakers: vec![],
                    cancelled: false,
                },
            },
            ORIGIN,
            at("10:00"),
        )
        .unwrap();
    assert_eq!(added.edit.session_id(), Some("local-1"));
    assert_eq!(added.what, "Added “Lightning talks” in R2, 11:00–11:30");
    let effective = store.effective_schedule().unwrap().unwrap();
    assert!(effective.session("local-1").is_some());

    store
        .add_announcement(
            announcement(
                "",
                "Welcome!",
                None,
                Priority::Normal,
                "09:00",
                Some("12:00"),
            ),
            ORIGIN,
            at("09:00"),
        )
        .unwrap();
    let err = store
        .add_announcement(
            announcement("", "x", Some(&["R9"]), Priority::Normal, "09:00", None),
            ORIGIN,
            at("09:00"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_announcement");
    let mut snap = display_snapshot(
        Some(&effective),
        &Selection::Room { room: "R2".into() },
        at("10:00"),
        1,
        1.0,
    );
    set_announcements(&mut snap, &store.announcements().unwrap());
    assert_eq!(snap.announcement.unwrap().text, "Welcome!");
}

#[test]
fn rollback_restores_the_previous_import_as_a_new_revision() {
    let mut store = Store::open_in_memory().unwrap();
    assert!(store.rollback_to_previous(ORIGIN, at("09:00")).is_err());
    let first = schedule(MORNING);
    let second = schedule("R1 10:00-10:30 talk a; 10:30-10:45 break b");
    store.apply(&first, "feed").unwrap();
    let err = store.rollback_to_previous(ORIGIN, at("09:00")).unwrap_err();
    assert!(
        err.to_string().contains("no earlier imported schedule"),
        "{err}"
    );
    store.apply(&second, "feed").unwrap();
    store
        .record_edit(delay("R1", "10:00", 5), ORIGIN, at("09:30"))
        .unwrap();

    assert_eq!(store.rollback_to_previous(ORIGIN, at("09:31")).unwrap(), 3);
    assert_eq!(store.load().unwrap().unwrap(), first);
    assert_eq!(
        render(&store.effective_schedule().unwrap().unwrap()),
        "R1 10:05-10:35 talk a; 10:35-10:45 break b; 10:45-11:15 talk c",
        "edits apply over the rolled-back schedule"
    );
    let revisions = store.revisions_list().unwrap();
    let listed: Vec<(i64, &str, bool, bool)> = revisions
        .iter()
        .map(|r| (r.revision, r.source.as_str(), r.restorable, r.current))
        .collect();
    assert_eq!(
        listed,
        [
            (3, "rollback to revision 1", true, true),
            (2, "feed", true, false),
            (1, "feed", true, false)
        ]
    );
    assert!(store.audit(1).unwrap()[0]
        .what
        .starts_with("Rolled the schedule back to revision 1"));
    // Rolling back again returns to the second import.
    assert_eq!(store.rollback_to_previous(ORIGIN, at("09:32")).unwrap(), 4);
    assert_eq!(store.load().unwrap().unwrap(), second);
}

#[test]
fn a_version_3_store_is_migrated_and_keeps_its_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        store.apply(&schedule(MORNING), "feed").unwrap();
    }
    // Make it look like a store written before migration 4.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE edits; DROP TABLE announcements; DROP TABLE audit; DROP TABLE revision_schedules;
         DROP TABLE pin_backoff; DROP TABLE feed_published; DROP TABLE feed_accepted;
         DROP TABLE screen_identity; DROP TABLE fleet_screens;
         PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 6);
    assert_eq!(
        store.effective_schedule().unwrap().unwrap(),
        schedule(MORNING)
    );
    assert!(!store.revisions_list().unwrap()[0].restorable);
    store
        .record_edit(Edit::Skip { session: id("b") }, ORIGIN, at("09:00"))
        .unwrap();
    assert_eq!(store.active_edits().unwrap().len(), 1);
}
