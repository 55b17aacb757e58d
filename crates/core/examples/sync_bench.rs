//! `cargo xtask bench` runs this (release): the time to parse, validate and
//! apply a generated 5,000-session frab schedule.xml, and the cost of a poll
//! answered 304 against a full fetch and parse of the same feed.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Instant;

use kiosk_core::fetch::FetchLimits;
use kiosk_core::import::{frab, ImportOptions};
use kiosk_core::store::Store;
use kiosk_core::sync::{check, Checked, Source, SyncState};

const TARGET_MS: f64 = 200.0;

/// 5 days × 10 rooms × 100 sessions of 6 minutes from 09:00, in the c3voc schema.
fn congress_xml() -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule><version>bench</version><conference>\
         <acronym>bench</acronym><title>Benchmark Congress</title><start>2025-12-27</start><end>2025-12-31</end>\
         <days>5</days><timeslot_duration>00:05</timeslot_duration><time_zone_name>Europe/Berlin</time_zone_name>\
         </conference>\n",
    );
    let mut id = 0;
    for day in 0..5 {
        let date = format!("2025-12-{}", 27 + day);
        xml.push_str(&format!("<day index=\"{}\" date=\"{date}\">\n", day + 1));
        for room in 0..10 {
            xml.push_str(&format!("<room name=\"Saal {room}\">\n"));
            for slot in 0..100 {
                id += 1;
                let minutes = 9 * 60 + slot * 6;
                let (h, m) = (minutes / 60, minutes % 60);
                xml.push_str(&format!(
                    "<event guid=\"bench-{id}\" id=\"{id}\"><date>{date}T{h:02}:{m:02}:00+01:00</date>\
                     <start>{h:02}:{m:02}</start><duration>00:05</duration><room>Saal {room}</room>\
                     <title>Vortrag Nummer {id}: Über Brücken und Tunnel</title><subtitle/><track>Track {t}</track>\
                     <type>lecture</type><language>de</language><abstract>Eine kurze Zusammenfassung von Vortrag {id}.</abstract>\
                     <persons><person id=\"{p}\">Person {p}</person><person id=\"{q}\">Person {q}</person></persons>\
                     <links><link href=\"https://example.org/slides/{id}.pdf\">Slides</link></links></event>\n",
                    t = id % 7,
                    p = id % 900,
                    q = (id * 7) % 900 + 900,
                ));
            }
            xml.push_str("</room>\n");
        }
        xml.push_str("</day>\n");
    }
    xml.push_str("</schedule>\n");
    xml
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

fn cpu_seconds() -> f64 {
    // utime + stime of this process, in clock ticks (100 per second on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let after = &stat[stat.rfind(')').expect("comm ends") + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 =
        fields[11].parse::<f64>().unwrap_or(0.0) + fields[12].parse::<f64>().unwrap_or(0.0);
    ticks / 100.0
}

fn main() {
    let xml = congress_xml();
    let dir = std::env::temp_dir().join(format!("summit-kiosk-sync-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let options = ImportOptions::default();
    let (mut parse, mut validate, mut apply, mut total) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Re-imports into a store that holds the schedule: the same document
    // (the common case of a poll or a touched file: no revision) and one
    // with a title changed (a new revision).
    let (mut same, mut changed) = (Vec::new(), Vec::new());
    let edited = xml.replacen("<title>Vortrag", "<title>Verschoben: Vortrag", 1);
    assert_ne!(edited, xml);
    for run in 0..7 {
        let mut store = Store::open(&dir.join(format!("store-{run}.sqlite"))).expect("store");
        let t0 = Instant::now();
        let draft = frab::xml::parse("bench.xml", xml.as_bytes(), &options).expect("parses");
        let t1 = Instant::now();
        let validated = kiosk_core::draft::validate("bench.xml", draft).expect("valid");
        let t2 = Instant::now();
        let summary = store
            .apply(&validated.schedule, "bench.xml")
            .expect("applies");
        let t3 = Instant::now();
        assert_eq!(summary.sessions, 5000);
        let ms = |a: Instant, b: Instant| b.duration_since(a).as_secs_f64() * 1000.0;
        parse.push(ms(t0, t1));
        validate.push(ms(t1, t2));
        apply.push(ms(t2, t3));
        total.push(ms(t0, t3));
        for (doc, times, revision) in [(&xml, &mut same, false), (&edited, &mut changed, true)] {
            let t = Instant::now();
            let draft = frab::xml::parse("bench.xml", doc.as_bytes(), &options).expect("parses");
            let validated = kiosk_core::draft::validate("bench.xml", draft).expect("valid");
            let summary = store
                .apply(&validated.schedule, "bench.xml")
                .expect("applies");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(summary.revision.is_some(), revision, "{summary:?}");
        }
    }
    let total_ms = median(total);
    println!(
        "sync: 5,000-session frab XML ({:.1} MB), median of 7: parse {:.0} ms, validate {:.0} ms, apply {:.0} ms, total {:.0} ms; target {TARGET_MS:.0} ms: ratio {:.2}",
        xml.len() as f64 / 1e6,
        median(parse),
        median(validate),
        median(apply),
        total_ms,
        total_ms / TARGET_MS
    );
    let (same, changed) = (median(same), median(changed));
    println!(
        "sync: re-import of the same 5,000 sessions into a store holding them: {same:.0} ms, no revision (ratio to a first import {:.2}); with one title changed: {changed:.0} ms, a new revision ({:.2})",
        same / total_ms,
        changed / total_ms
    );

    // A feed on loopback answering the same document, or 304 to its ETag.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/schedule.xml",
        listener.local_addr().expect("addr")
    );
    let body = xml.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut conditional = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                conditional |= line.to_ascii_lowercase().starts_with("if-none-match:");
            }
            let mut stream = stream;
            let _ = if conditional {
                stream.write_all(
                    b"HTTP/1.1 304 Not Modified\r\nETag: \"b1\"\r\nConnection: close\r\n\r\n",
                )
            } else {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nETag: \"b1\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                stream
                    .write_all(head.as_bytes())
                    .and_then(|()| stream.write_all(body.as_bytes()))
            };
        }
    });
    let source = Source::parse(&url);
    let limits = FetchLimits::default();
    let fresh = SyncState::default();
    let full_runs = 5;
    let cpu0 = cpu_seconds();
    let wall0 = Instant::now();
    let mut known = SyncState::default();
    for _ in 0..full_runs {
        match check(&source, &fresh, &options, &limits).expect("full fetch") {
            Checked::Changed { validator, .. } => known.validator = validator,
            Checked::Unchanged => panic!("a first fetch is never unchanged"),
        }
    }
    let full_cpu = (cpu_seconds() - cpu0) / full_runs as f64;
    let full_wall = wall0.elapsed().as_secs_f64() / full_runs as f64;
    let polls = 500;
    let cpu1 = cpu_seconds();
    let wall1 = Instant::now();
    for _ in 0..polls {
        assert!(matches!(
            check(&source, &known, &options, &limits).expect("poll"),
            Checked::Unchanged
        ));
    }
    let poll_cpu = (cpu_seconds() - cpu1) / polls as f64;
    let poll_wall = wall1.elapsed().as_secs_f64() / polls as f64;
    println!(
        "sync: a poll answered 304 costs {:.2} ms CPU ({:.2} ms wall), a full fetch + parse + validate of the same feed {:.0} ms CPU ({:.0} ms wall): ratio {:.4} (CPU of client and loopback server together)",
        poll_cpu * 1000.0,
        poll_wall * 1000.0,
        full_cpu * 1000.0,
        full_wall * 1000.0,
        poll_cpu / full_cpu
    );
    let _ = std::fs::remove_dir_all(&dir);
}
