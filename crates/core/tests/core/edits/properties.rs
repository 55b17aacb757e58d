//! Properties of edits over generated schedules: delays never create
//! overlaps, undo restores exactly.

use super::*;

/// Up to 3 rooms, each a day of back-to-back or gapped sessions from 08:00.
fn schedules() -> impl Strategy<Value = Schedule> {
    let session = (0usize..3, 0i64..3, 5i64..60, 0usize..4);
    prop::collection::vec(session, 1..24).prop_map(|raw| {
        let kinds = ["talk", "break", "working", "social"];
        let mut ends = [at("08:00"); 3];
        let mut text = String::new();
        for (i, (room, gap, len, k)) in raw.into_iter().enumerate() {
            let start = ends[room] + SignedDuration::from_mins(gap * 5);
            let end = start + SignedDuration::from_mins(len);
            ends[room] = end;
            text.push_str(&format!(
                "R{} {}-{} {} s{i}; ",
                room + 1,
                hm(start),
                hm(end).trim_start_matches("d2 "),
                kinds[k]
            ));
        }
        schedule(&text)
    })
}

fn overlapping_pairs(s: &Schedule) -> std::collections::BTreeSet<(String, String)> {
    let mut pairs = std::collections::BTreeSet::new();
    for a in &s.sessions {
        for b in &s.sessions {
            if a.id < b.id
                && a.room == b.room
                && !a.cancelled
                && !b.cancelled
                && a.start < b.end
                && b.start < a.end
            {
                pairs.insert((a.id.clone(), b.id.clone()));
            }
        }
    }
    pairs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn delays_create_no_overlaps_and_stop_at_the_absorbing_break(
        s in schedules(),
        room in 1usize..=3,
        from_min in 0i64..600,
        minutes in 1i64..120,
    ) {
        let room = format!("R{room}");
        let from = at("08:00") + SignedDuration::from_mins(from_min);
        let edit = Edit::Delay { room: room.clone(), from, minutes };
        let by = SignedDuration::from_mins(minutes);
        let Ok(plan) = plan_delay(&s, &room, from, minutes) else { return Ok(()); };
        match apply_edit(&s, &edit) {
            Err(e) => prop_assert_eq!(e.code(), "overlap", "{}", e),
            Ok(out) => {
                // No overlap is created.
                prop_assert!(overlapping_pairs(&out).is_subset(&overlapping_pairs(&s)));
                prop_assert_eq!(out.sessions.len(), s.sessions.len());
                let pivot_start = plan.shifted[0].old_start;
                for old in &s.sessions {
                    let new = out.session(&old.id).unwrap();
                    let moved = new != old;
                    // Other rooms, and what started before the delay's first
                    // session, do not move.
                    if old.room != room || old.start < pivot_start {
                        prop_assert!(!moved, "{} moved", old.id);
                        continue;
                    }
                    // Nothing ending by `from` moves.
                    if old.end <= from {
                        prop_assert!(!moved, "{} ended before the delay", old.id);
                    }
                    let whole = plan.shifted.iter().any(|m| m.session == old.id);
                    let absorber = plan.absorbed_by.as_ref().is_some_and(|a| a.session == old.id);
                    if whole {
                        prop_assert_eq!(new.start, old.start + by);
                        prop_assert_eq!(new.end, old.end + by);
                    } else if absorber {
                        // A break absorbs: starts later, ends as planned, keeps 5 minutes.
                        prop_assert!(edits::absorbs(old.kind));
                        prop_assert_eq!(new.start, old.start + by);
                        prop_assert_eq!(new.end, old.end);
                        prop_assert!(new.end.duration_since(new.start) >= SignedDuration::from_mins(5));
                    } else {
                        prop_assert!(!moved, "{} moved but is not in the plan", old.id);
                    }
                }
                // After the absorbing break nothing in the room moves.
                if let Some(a) = &plan.absorbed_by {
                    for old in s.sessions.iter().filter(|x| x.room == room && x.start > a.old_start) {
                        prop_assert_eq!(out.session(&old.id).unwrap(), old);
                    }
                } else {
                    prop_assert!(plan.runs_to_day_end);
                }
                // Every whole-moved session but the first could not absorb.
                for m in plan.shifted.iter().skip(1) {
                    let old = s.session(&m.session).unwrap();
                    prop_assert!(!edits::absorbs(old.kind) || old.end.duration_since(old.start + by) < SignedDuration::from_mins(5));
                }
            }
        }
    }

    #[test]
    fn apply_agrees_with_edits_one_by_one(
        s in schedules(),
        picks in prop::collection::vec((0usize..6, any::<usize>(), 1i64..40), 0..6),
    ) {
        // A mix of edits; strict application of each (skipping refused ones)
        // gives what `apply` gives, with the refused ones reported.
        let edits: Vec<Edit> = picks.iter().map(|(k, which, m)| {
            let target = s.sessions[which % s.sessions.len()].id.clone();
            match k {
                0 => Edit::Delay { room: s.sessions[which % s.sessions.len()].room.clone(), from: s.sessions[which % s.sessions.len()].start, minutes: *m },
                1 => Edit::Extend { session: target, minutes: *m },
                2 => Edit::Cancel { session: target },
                3 => Edit::Skip { session: target },
                4 => Edit::Move { session: target, room: "R3".into() },
                _ => Edit::StartedAt { session: target.clone(), at: s.session(&target).unwrap().start + SignedDuration::from_mins(*m) },
            }
        }).collect();
        let mut strict = s.clone();
        let mut refused = Vec::new();
        for (i, e) in edits.iter().enumerate() {
            match apply_edit(&strict, e) {
                Ok(next) => strict = next,
                Err(_) => refused.push(i),
            }
        }
        let applied = apply(&s, &edits);
        prop_assert_eq!(&applied.schedule, &strict);
        prop_assert_eq!(applied.skipped.iter().map(|(i, _)| *i).collect::<Vec<_>>(), refused);
        prop_assert!(overlapping_pairs(&applied.schedule).is_subset(&overlapping_pairs(&s)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn a_delay_then_undo_restores_exactly(
        s in schedules(),
        which in any::<usize>(),
        offset in 0i64..30,
        minutes in 1i64..60,
    ) {
        let mut store = Store::open_in_memory().unwrap();
        store.apply(&s, "feed").unwrap();
        let before = store.effective_schedule().unwrap().unwrap();
        let pivot = &s.sessions[which % s.sessions.len()];
        let edit = Edit::Delay { room: pivot.room.clone(), from: pivot.start + SignedDuration::from_mins(offset), minutes };
        if store.record_edit(edit, ORIGIN, at("08:00")).is_ok() {
            prop_assert_ne!(&store.effective_schedule().unwrap().unwrap(), &before);
            store.undo_last(ORIGIN, at("08:01")).unwrap().unwrap();
        }
        prop_assert_eq!(store.effective_schedule().unwrap().unwrap(), before);
    }
}
