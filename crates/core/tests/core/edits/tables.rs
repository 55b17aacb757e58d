//! Edits as `check(schedule, edits, expect)` tables: delays, started late,
//! extended, ended early, skips, cancels, moves, changes, added sessions,
//! edits that no longer fit a new import, delay plans, and the stored JSON.

use super::*;

#[test]
fn a_delay_shifts_until_a_break_absorbs_it() {
    let table: &[(&str, Vec<Edit>, &str)] = &[
        // The break absorbs: it starts later, ends as planned (5 min remain).
        (
            MORNING,
            vec![delay("R1", "10:05", 10)],
            "R1 10:10-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c",
        ),
        // 4 minutes would remain: too short, the break moves whole and the
        // shift runs on to the end of the day.
        (
            MORNING,
            vec![delay("R1", "10:05", 11)],
            "R1 10:11-10:41 talk a; 10:41-10:56 break b; 10:56-11:26 talk c",
        ),
        // Delaying during a talk shifts that talk; the room's name works too.
        (
            MORNING,
            vec![delay("r1", "10:50", 5)],
            "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:50-11:20 talk c",
        ),
        // Between sessions: the next one is delayed; gaps are kept, not absorbed.
        (
            "R1 10:00-10:30 talk a; 10:40-11:00 talk b; 11:10-11:30 talk c",
            vec![delay("R1", "10:35", 10)],
            "R1 10:00-10:30 talk a; 10:50-11:10 talk b; 11:20-11:40 talk c",
        ),
        // A working session absorbs like a break.
        (
            "R1 13:00-13:30 talk a; 13:30-15:00 working w; 15:00-15:30 talk c",
            vec![delay("R1", "13:00", 20)],
            "R1 13:20-13:50 talk a; 13:50-15:00 working w; 15:00-15:30 talk c",
        ),
        // A social event does not absorb.
        (
            "R1 17:00-17:30 talk a; 17:30-19:00 social s",
            vec![delay("R1", "17:00", 15)],
            "R1 17:15-17:45 talk a; 17:45-19:15 social s",
        ),
        // Other rooms never move.
        (
            "R1 10:00-10:30 talk a; R2 10:00-10:30 talk x; 10:30-11:00 talk y",
            vec![delay("R1", "10:00", 10)],
            "R1 10:10-10:40 talk a; R2 10:00-10:30 talk x; 10:30-11:00 talk y",
        ),
        // The next day never moves.
        (
            "R1 17:00-18:00 talk a; d2 09:00-10:00 talk b",
            vec![delay("R1", "17:10", 30)],
            "R1 17:30-18:30 talk a; d2 09:00-10:00 talk b",
        ),
        // Two delays add up; the second is absorbed by what remains of the break.
        (
            "R1 10:00-10:30 talk a; 10:30-11:00 break b; 11:00-11:30 talk c",
            vec![delay("R1", "10:05", 10), delay("R1", "10:15", 10)],
            "R1 10:20-10:50 talk a; 10:50-11:00 break b; 11:00-11:30 talk c",
        ),
        // A cancelled session is not the one in progress: the next is delayed.
        (
            "R1 10:00-10:30 talk a; 10:30-11:00 talk b",
            vec![Edit::Cancel { session: id("a") }, delay("R1", "10:10", 10)],
            "R1 10:00-10:30 talk a cancelled; 10:40-11:10 talk b",
        ),
        // A shift that would run into the next day's first session is refused.
        (
            "R1 23:00-03:50 social a; d2 04:00-05:00 talk b",
            vec![delay("R1", "23:30", 20)],
            "error: session \"a\" (A, 23:20–04:10) would overlap \"b\" (B, 04:00–05:00) in R1",
        ),
        (
            MORNING,
            vec![delay("R1", "11:30", 10)],
            "error: nothing to delay in R1: no session is on at 11:30",
        ),
        (
            MORNING,
            vec![delay("R9", "10:00", 10)],
            "error: there is no room \"R9\"; the rooms are: R1, R2, R3",
        ),
        (
            MORNING,
            vec![delay("R1", "10:00", 0)],
            "error: a delay must be between 1 and 720 minutes, not 0",
        ),
        (
            MORNING,
            vec![delay("R1", "10:00", 721)],
            "error: between 1 and 720 minutes",
        ),
    ];
    for (input, edits, expect) in table {
        check(input, edits, expect);
    }
}

#[test]
fn started_late_extended_and_ended_early() {
    let table: &[(&str, Vec<Edit>, &str)] = &[
        // Started late: a delay by the difference.
        (
            MORNING,
            vec![Edit::StartedAt {
                session: id("a"),
                at: at("10:07"),
            }],
            "R1 10:07-10:37 talk a; 10:37-10:45 break b; 10:45-11:15 talk c",
        ),
        // Started early: only that session moves.
        (
            "R1 10:00-10:30 talk a; 10:40-11:10 talk c",
            vec![Edit::StartedAt {
                session: id("c"),
                at: at("10:35"),
            }],
            "R1 10:00-10:30 talk a; 10:35-11:05 talk c",
        ),
        (
            MORNING,
            vec![Edit::StartedAt {
                session: id("c"),
                at: at("10:40"),
            }],
            "error: session \"c\" (C, 10:40–11:10) would overlap \"b\" (B, 10:30–10:45) in R1",
        ),
        (
            MORNING,
            vec![Edit::StartedAt {
                session: id("a"),
                at: at("10:00"),
            }],
            MORNING,
        ),
        // Extended: later sessions shift by the same rule.
        (
            MORNING,
            vec![Edit::Extend {
                session: id("a"),
                minutes: 10,
            }],
            "R1 10:00-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c",
        ),
        (
            MORNING,
            vec![Edit::Extend {
                session: id("a"),
                minutes: 12,
            }],
            "R1 10:00-10:42 talk a; 10:42-10:57 break b; 10:57-11:27 talk c",
        ),
        (
            MORNING,
            vec![Edit::Extend {
                session: id("c"),
                minutes: 15,
            }],
            "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:30 talk c",
        ),
        (
            MORNING,
            vec![Edit::Extend {
                session: id("zz"),
                minutes: 15,
            }],
            "error: session \"zz\" is not in the schedule",
        ),
        // Ended now: nothing else moves.
        (
            MORNING,
            vec![Edit::EndNow {
                session: id("a"),
                at: at("10:20"),
            }],
            "R1 10:00-10:20 talk a; 10:30-10:45 break b; 10:45-11:15 talk c",
        ),
        (
            MORNING,
            vec![Edit::EndNow {
                session: id("a"),
                at: at("10:35"),
            }],
            "error: session \"a\" (A, 10:00–10:35) would overlap \"b\" (B, 10:30–10:45) in R1",
        ),
        (
            MORNING,
            vec![Edit::EndNow {
                session: id("a"),
                at: at("09:55"),
            }],
            "error: session \"a\": it would end (09:55) before it starts (10:00)",
        ),
    ];
    for (input, edits, expect) in table {
        check(input, edits, expect);
    }
}

#[test]
fn skip_cancel_move_change_and_add() {
    let new = |id: &str, room: &str, from: &str, to: &str| Session {
        id: id.into(),
        title: "New".into(),
        subtitle: None,
        abstract_text: None,
        room: room.into(),
        track: None,
        kind: SessionKind::Talk,
        start: at(from),
        end: at(to),
        speakers: vec!["ann".into()],
        cancelled: false,
        info: Default::default(),
    };
    let table: &[(&str, Vec<Edit>, &str)] = &[
        (MORNING, vec![Edit::Skip { session: id("b") }], "R1 10:00-10:30 talk a; 10:45-11:15 talk c"),
        (MORNING, vec![Edit::Skip { session: id("b") }, Edit::Cancel { session: id("b") }],
         "error: session \"b\" is not in the schedule"),
        (MORNING, vec![Edit::Cancel { session: id("c") }],
         "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:15 talk c cancelled"),
        (MORNING, vec![Edit::Move { session: id("c"), room: id("R3") }],
         "R1 10:00-10:30 talk a; 10:30-10:45 break b; R3 10:45-11:15 talk c"),
        ("R1 10:00-10:30 talk a; R2 10:15-11:00 talk x", vec![Edit::Move { session: id("a"), room: id("R2") }],
         "error: session \"a\" (A, 10:00–10:30) would overlap \"x\" (X, 10:15–11:00) in R2"),
        // A cancelled session's slot is free.
        ("R1 10:00-10:30 talk a; R2 10:15-11:00 talk x",
         vec![Edit::Cancel { session: id("x") }, Edit::Move { session: id("a"), room: id("R2") }],
         "R2 10:00-10:30 talk a; 10:15-11:00 talk x cancelled"),
        (MORNING, vec![Edit::EditSession { session: id("c"), title: None, speakers: None, start: Some(at("10:50")), end: Some(at("11:30")), room: None, access: None }],
         "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:50-11:30 talk c"),
        (MORNING, vec![Edit::EditSession { session: id("c"), title: None, speakers: None, start: None, end: Some(at("10:40")), room: None, access: None }],
         "error: session \"c\": it would end (10:40) before it starts (10:45)"),
        (MORNING, vec![Edit::EditSession { session: id("c"), title: Some("  ".into()), speakers: None, start: None, end: None, room: None, access: None }],
         "error: session \"c\": a session needs a title"),
        (MORNING, vec![Edit::EditSession { session: id("c"), title: None, speakers: Some(vec!["eve".into()]), start: None, end: None, room: None, access: None }],
         "error: session \"c\": there is no speaker \"eve\""),
        (MORNING, vec![Edit::AddSession { session: new("local-1", "R1", "11:15", "11:45") }],
         "R1 10:00-10:30 talk a; 10:30-10:45 break b; 10:45-11:15 talk c; 11:15-11:45 talk local-1"),
        (MORNING, vec![Edit::AddSession { session: new("local-1", "R1", "11:00", "11:45") }],
         "error: session \"local-1\" (New, 11:00–11:45) would overlap \"c\" (C, 10:45–11:15) in R1"),
        (MORNING, vec![Edit::AddSession { session: new("a", "R2", "11:00", "11:45") }],
         "error: there is already a session with id \"a\""),
        (MORNING, vec![Edit::AddSession { session: new("local-1", "R7", "11:00", "11:45") }],
         "error: there is no room \"R7\""),
    ];
    for (input, edits, expect) in table {
        check(input, edits, expect);
    }
}

#[test]
fn titles_and_speakers_change_in_place() {
    let s = schedule(MORNING);
    let out = apply_edit(
        &s,
        &Edit::EditSession {
            session: id("a"),
            title: Some(" Keynote ".into()),
            speakers: Some(vec!["bob".into(), "ann".into()]),
            start: None,
            end: None,
            room: None,
            access: None,
        },
    )
    .unwrap();
    let a = out.session("a").unwrap();
    assert_eq!(a.title, "Keynote");
    assert_eq!(a.speakers, ["bob", "ann"]);
}

#[test]
fn edits_that_no_longer_fit_a_new_import_are_reported_and_kept() {
    let edits = vec![
        Edit::Skip {
            session: id("gone"),
        },
        delay("R1", "10:05", 10),
        Edit::Cancel { session: id("c") },
    ];
    let applied = apply(&schedule(MORNING), &edits);
    assert_eq!(
        render(&applied.schedule),
        "R1 10:10-10:40 talk a; 10:40-10:45 break b; 10:45-11:15 talk c cancelled"
    );
    assert_eq!(applied.skipped.len(), 1);
    assert_eq!(applied.skipped[0].0, 0);
    assert!(
        applied.skipped[0]
            .1
            .contains("\"gone\" is not in the schedule"),
        "{:?}",
        applied.skipped
    );
    // An edit that would now overlap is skipped, the rest still apply.
    let imported = schedule("R1 10:00-10:30 talk a; 10:30-10:45 talk b2; 10:45-11:15 talk c");
    let applied = apply(
        &imported,
        &[
            Edit::EndNow {
                session: id("a"),
                at: at("10:40"),
            },
            Edit::Cancel { session: id("c") },
        ],
    );
    assert_eq!(applied.skipped.len(), 1);
    assert!(applied.skipped[0].1.contains("would overlap"));
    assert!(applied.schedule.session("c").unwrap().cancelled);
}

#[test]
fn a_delay_plan_says_where_it_stops() {
    let s = schedule(MORNING);
    let plan = plan_delay(&s, "R1", at("10:05"), 10).unwrap();
    let moved: Vec<(&str, String, String)> = plan
        .shifted
        .iter()
        .map(|m| (m.session.as_str(), hm(m.old_start), hm(m.new_start)))
        .collect();
    assert_eq!(moved, [("a", "10:00".into(), "10:10".into())]);
    let absorbed = plan.absorbed_by.as_ref().unwrap();
    assert_eq!(
        (
            absorbed.session.as_str(),
            hm(absorbed.new_start),
            hm(absorbed.new_end)
        ),
        ("b", "10:40".into(), "10:45".into())
    );
    assert!(!plan.runs_to_day_end);
    assert_eq!(
        plan.summary(&s),
        "1 session moves 10 minutes later, the last “A” now 10:10–10:40; “B” absorbs it (now 10:40–10:45)"
    );
    let plan = plan_delay(&s, "R1", at("10:05"), 20).unwrap();
    assert!(plan.absorbed_by.is_none() && plan.runs_to_day_end);
    assert_eq!(plan.shifted.len(), 3);
    assert_eq!(plan.day_end, at("d2 04:00"));
    assert!(plan
        .summary(&s)
        .ends_with("no break absorbs it: the shift runs to the end of the day"));
    // The edit's sentence for the audit log.
    assert_eq!(
        delay("R1", "10:05", 10).describe(&s),
        "Delayed R1 by 10 minutes from 10:05 (1 session moves 10 minutes later, the last “A” now 10:10–10:40; “B” absorbs it (now 10:40–10:45))"
    );
}

#[test]
fn edits_are_tagged_json() {
    let e = delay("R1", "10:05", 10);
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["kind"], "delay");
    assert_eq!(json["minutes"], 10);
    let back: Edit = serde_json::from_value(json).unwrap();
    assert_eq!(back, e);
    let e: Edit =
        serde_json::from_str(r#"{"kind":"edit_session","session":"a","title":"T"}"#).unwrap();
    assert!(matches!(
        e,
        Edit::EditSession {
            title: Some(_),
            start: None,
            ..
        }
    ));
    let s = schedule(MORNING);
    let json = serde_json::to_string(&s).unwrap();
    let back: Schedule = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}
