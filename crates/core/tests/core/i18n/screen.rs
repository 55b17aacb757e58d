//! The display's words through a real store, the snapshot and `decorate`:
//! each language's labels, lines and clock, with the schedule's own words
//! (titles, rooms, speakers) left as written.

use kiosk_core::config::QrConfig;
use kiosk_core::control::Records;
use kiosk_core::edits::{Emergency, Occupancy, Pictogram, RoomStatusRequest};
use kiosk_core::glance::{decorate, Glance};
use kiosk_core::i18n::Language;
use kiosk_core::snapshot::{display_snapshot_in, DisplaySnapshot, Selection};
use kiosk_core::store::Store;

use crate::edits::{at, delay, store_with, MORNING, ORIGIN};

fn screen(store: &Store, lang: Language, selection: &Selection, when: &str) -> DisplaySnapshot {
    let records = Records::read(store).unwrap();
    let schedule = records.effective.as_ref();
    let mut snapshot = display_snapshot_in(lang, schedule, selection, at(when), 1, 1.0);
    decorate(
        &mut snapshot,
        &Glance {
            schedule,
            moved: &records.moved,
            qr: &QrConfig::default(),
            statuses: &records.room_statuses,
            emergencies: &records.emergencies,
        },
    );
    snapshot
}

fn room() -> Selection {
    Selection::Room { room: "R1".into() }
}

/// `clock · label · time · left · title | next-card-label when span | late | status`.
fn render(s: &DisplaySnapshot) -> String {
    let r = &s.rooms[0];
    let mut out = vec![s.clock.clone(), r.texts.label.clone(), r.texts.time.clone()];
    out.extend(r.texts.left.clone());
    let shown = r.current.as_ref().map(|c| &c.session).or(r.next.as_ref());
    out.push(
        shown
            .map(|v| v.title.clone())
            .or(r.texts.farewell.clone())
            .unwrap_or_default(),
    );
    if let (Some(_), Some(n)) = (&r.current, &r.next) {
        out.push(format!("{} {} {}", s.labels.next, n.when, n.span));
        if let Some(p) = &n.planned {
            out.push(format!("was {}", p.span));
        }
    }
    out.extend(r.late.as_ref().map(|l| l.text.clone()));
    if let Some(st) = &r.status {
        out.push(st.text.clone());
        out.extend(st.overflow.clone());
    }
    out.join(" · ")
}

#[track_caller]
fn check(store: &Store, lang: Language, when: &str, expect: &str) {
    assert_eq!(
        render(&screen(store, lang, &room(), when)),
        expect,
        "{} at {when}",
        lang.tag()
    );
}

#[test]
fn a_room_in_each_language() {
    let store = store_with(MORNING);
    let table = [
        (Language::EnUs, "10:05", "10:05 AM · Now · 10:00 AM–10:30 AM · 25 min left · A · Next 10:30 AM 10:30 AM–10:45 AM"),
        (Language::En, "10:05", "10:05 · Now · 10:00–10:30 · 25 min left · A · Next 10:30 10:30–10:45"),
        (Language::De, "10:05", "10:05 · Jetzt · 10:00–10:30 · noch 25 Min. · A · Als Nächstes 10:30 10:30–10:45"),
        (Language::Fr, "10:05", "10:05 · En cours · 10:00–10:30 · encore 25 min · A · Ensuite 10:30 10:30–10:45"),
        (Language::Es, "10:05", "10:05 · Ahora · 10:00–10:30 · quedan 25 min · A · A continuación 10:30 10:30–10:45"),
        // A break says until when.
        (Language::De, "10:35", "10:35 · Pause · 10:30–10:45 · bis 10:45 · B · Als Nächstes 10:45 10:45–11:15"),
        (Language::EnUs, "10:35", "10:35 AM · Break · 10:30 AM–10:45 AM · until 10:45 AM · B · Next 10:45 AM 10:45 AM–11:15 AM"),
        // Before the day: the first session, counted down.
        (Language::De, "09:05", "09:05 · Zuerst · um 10:00 · in 55 Min. · A"),
        (Language::Fr, "07:30", "07:30 · Pour commencer · à 10:00 · dans 2 h 30 min · A"),
        (Language::Es, "09:05", "09:05 · Para empezar · a las 10:00 · en 55 min · A"),
        // After the last: thanks, naming the conference as written.
        (Language::De, "12:00", "12:00 · Das war’s ·  · Danke, dass Sie bei Test waren!"),
        (Language::EnUs, "12:00", "12:00 PM · That was all ·  · Thank you for coming to Test!"),
    ];
    for (lang, when, expect) in table {
        check(&store, lang, when, expect);
    }
}

#[test]
fn lateness_and_a_full_room_in_german() {
    let mut store = store_with(MORNING);
    store
        .record_edit(delay("R1", "10:05", 10), ORIGIN, at("10:05"))
        .unwrap();
    store
        .set_room_status(
            RoomStatusRequest {
                room: "R1".into(),
                occupancy: Occupancy::Full,
                overflow: Some("R2".into()),
                stream_url: None,
            },
            ORIGIN,
            at("10:05"),
        )
        .unwrap();
    check(
        &store,
        Language::De,
        "10:12",
        "10:12 · Jetzt · 10:10–10:40 · noch 28 Min. · A · Als Nächstes 10:40 10:40–10:45 · was 10:30–10:45 · 10 Min. Verspätung · Voll · Ausweichraum: R2",
    );
    check(
        &store,
        Language::EnUs,
        "10:12",
        "10:12 AM · Now · 10:10 AM–10:40 AM · 28 min left · A · Next 10:40 AM 10:40 AM–10:45 AM · was 10:30 AM–10:45 AM · Running 10 min late · Full · Overflow: R2",
    );
}

#[test]
fn the_lobby_and_the_fixed_labels_in_german() {
    let store = store_with("R1 10:00-10:30 talk a; R2 10:45-11:00 talk x; R3 08:00-09:00 talk z");
    let lobby = screen(&store, Language::De, &Selection::Lobby, "09:30");
    let quiet: Vec<&str> = lobby.rooms.iter().map(|r| r.texts.quiet.as_str()).collect();
    // R3 had its session: free (nothing more today is "Beendet").
    assert_eq!(quiet, ["Öffnet um 10:00", "Öffnet um 10:45", "Beendet"]);
    let l = &lobby.labels;
    assert_eq!(
        [
            l.lang,
            &l.next,
            &l.then,
            &l.announcement,
            &l.important,
            &l.this_screen_is,
            &l.clock
        ],
        [
            "de",
            "Als Nächstes",
            "Danach",
            "Durchsage",
            "Wichtig",
            "Dieser Bildschirm ist",
            "aktuelle Uhrzeit"
        ]
    );
    assert_eq!(lobby.day_label.as_deref(), Some("Tag 1"));
    let en = screen(&store, Language::EnUs, &Selection::Lobby, "10:20");
    assert_eq!(
        en.rooms[0].texts.quiet, "",
        "a room in session has no quiet line"
    );
    assert_eq!(en.rooms[1].texts.quiet, "Opens at 10:45 AM");
    assert_eq!(en.day_label.as_deref(), Some("Day 1"));
}

#[test]
fn an_emergency_pictogram_is_named_in_the_language_and_the_message_is_as_written() {
    let mut store = store_with(MORNING);
    store
        .add_emergency(
            Emergency {
                id: String::new(),
                headline: "Please leave the building now".into(),
                text: "Use the nearest exit.".into(),
                pictogram: Some(Pictogram::Evacuate),
                rooms: None,
                starts: at("10:05"),
                expires: None,
            },
            ORIGIN,
            at("10:05"),
        )
        .unwrap();
    for (lang, label) in [
        (Language::De, "Notausgang"),
        (Language::Fr, "Sortie de secours"),
        (Language::Es, "Salida de emergencia"),
        (Language::EnUs, "Emergency exit"),
    ] {
        let e = screen(&store, lang, &room(), "10:06").emergency.unwrap();
        assert_eq!(e.pictogram.unwrap().label, label);
        assert_eq!(
            e.headline, "Please leave the building now",
            "the organizer's words"
        );
    }
}
