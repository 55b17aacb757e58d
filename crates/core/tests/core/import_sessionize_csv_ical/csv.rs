//! CSV: details, a table of rows, and errors naming the row and column.

use super::*;

#[test]
fn csv_details() {
    let v = load(CSV);
    let s = &v.schedule;
    assert_eq!(s.conference.name, "alpine-devconf-2025");
    assert_eq!(s.room_names(), ["Main Hall", "Salle Lumière", "Room 3"]);
    let lea = s.speakers.iter().find(|x| x.name == "Léa Dubois").unwrap();
    assert_eq!(lea.affiliation.as_deref(), Some("Université de Lyon"));
    // Ids generated from day, room and start in the file without an id column.
    let semi = load(CSV_SEMICOLON).schedule;
    assert!(
        semi.sessions
            .iter()
            .any(|x| x.id == "2025-05-15-salle-lumière-0930"),
        "{:?}",
        semi.sessions.iter().map(|x| &x.id).collect::<Vec<_>>()
    );
    assert!(semi
        .sessions
        .iter()
        .any(|x| x.id == "2025-05-16-room-3-0030"));
}

/// `id | title | room | start–end | kind | speakers` of every session of a CSV.
fn csv_rows(text: &str) -> Vec<String> {
    let v = parse_text("/tmp/t.csv", text, &paris());
    let s = &v.schedule;
    s.sessions
        .iter()
        .map(|x| {
            format!(
                "{} | {} | {} | {}–{} | {} | {}",
                x.id,
                x.title,
                s.rooms.iter().find(|r| r.id == x.room).unwrap().name,
                &s.local_rfc3339(x.start)[..16],
                s.local_hm(x.end),
                x.kind.as_str(),
                x.speakers.join("+")
            )
        })
        .collect()
}

#[track_caller]
fn check_csv(text: &str, expect: &[&str]) {
    assert_eq!(csv_rows(text), expect, "{text}");
}

#[test]
fn csv_table() {
    // Durations in minutes and H:MM; blank day and room repeat the row above.
    check_csv(
        "id,title,room,day,start,duration\n\
         a,One,Hall,2025-05-15,09:00,45\n\
         b,Two,,,10:00,1:30\n\
         c,Three,Annex,,10:00,90 min\n",
        &[
            "a | One | Hall | 2025-05-15T09:00–09:45 | talk | ",
            "b | Two | Hall | 2025-05-15T10:00–11:30 | talk | ",
            "c | Three | Annex | 2025-05-15T10:00–11:30 | talk | ",
        ],
    );
    // Past midnight: the end 00:30 and the next rows' early starts are on the 16th.
    check_csv(
        "id,title,room,day,start,end\n\
         a,Late,Hall,2025-05-15,23:30,00:30\n\
         b,Later,Hall,2025-05-15,00:30,01:00\n\
         c,Latest,Hall,2025-05-15,01:00,02:00\n\
         d,Morning,Hall,2025-05-16,09:00,10:00\n",
        &[
            "a | Late | Hall | 2025-05-15T23:30–00:30 | talk | ",
            "b | Later | Hall | 2025-05-16T00:30–01:00 | talk | ",
            "c | Latest | Hall | 2025-05-16T01:00–02:00 | talk | ",
            "d | Morning | Hall | 2025-05-16T09:00–10:00 | talk | ",
        ],
    );
    // Full dates, RFC 3339 with an offset, aliases, kinds, and no id column.
    check_csv(
        "Talk,Hall,Starts,Ends,Type,Presenter\n\
         Hack,A,2025-05-15 09:00,2025-05-15T10:00,Workshop,Kim; Lee\n\
         Eat,A,2025-05-15T10:00:00+02:00,2025-05-15T09:00:00Z,Dinner,\n\
         Nap,A,2025-05-15T11:00,2025-05-15T11:30,Coffee break,\n",
        &[
            "2025-05-15-a-0900 | Hack | A | 2025-05-15T09:00–10:00 | working_session | Kim+Lee",
            "2025-05-15-a-1000 | Eat | A | 2025-05-15T10:00–11:00 | social | ",
            "2025-05-15-a-1100 | Nap | A | 2025-05-15T11:00–11:30 | break | ",
        ],
    );
    // `;` with a BOM: speakers are separated by `,`; quoted fields; header
    // names in any case, with stray spaces and underscores.
    check_csv(
        "\u{feff} ID ; Session ; Location;Date;Start_Time;End Time;Speakers\r\n\
         x1;\"Semi; colon\";Hall;2025-05-15;9:00;9:30;Kim, Lee\r\n",
        &["x1 | Semi; colon | Hall | 2025-05-15T09:00–09:30 | talk | Kim+Lee"],
    );
    // Tabs; unknown columns ignored.
    check_csv(
        "title\troom\tday\tstart\tend\tcolour\nTabbed\tHall\t2025-05-15\t14:00\t15:00\tred\n",
        &["2025-05-15-hall-1400 | Tabbed | Hall | 2025-05-15T14:00–15:00 | talk | "],
    );
}

#[test]
fn csv_errors() {
    let p = paris();
    check_error(
        "t.csv",
        "title,room,start,end\nOne,Hall,09:00,10:00\n",
        &p,
        &[
            "row 2, column \"start\"",
            "a time of day but the row has no day",
        ],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end\nOne,,2025-05-15,09:00,10:00\n",
        &p,
        &["row 2, column \"room\"", "no room"],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end\nOne,Hall,15/05/2025,09:00,10:00\n",
        &p,
        &["row 2, column \"day\"", "\"15/05/2025\" is not a date"],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end\nOne,Hall,2025-05-15,09:00,10:00\n",
        &ImportOptions::default(),
        &["row 2", "set `venue_timezone`"],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end\n",
        &p,
        &["row 1 (the header)", "no sessions"],
    );
    check_error(
        "t.csv",
        "title,room,day,start,end,slides\nOne,Hall,2025-05-15,09:00,10:00,ftp://x\n",
        &p,
        &["row 2, column \"slides\"", "not an http(s) address"],
    );
}
