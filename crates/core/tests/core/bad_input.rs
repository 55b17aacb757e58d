//! Bad schedules: each gives a clear error naming the source, the place and
//! the problem, and none panics. (The same corpus is run through the real
//! binary in the app's tests.)

use kiosk_core::schedule_json::parse;

const GOOD: &str = r#"{
  "conference": {"name": "T", "timezone": "Europe/Berlin"},
  "rooms": [{"id": "a", "name": "Room A"}],
  "sessions": [{"id": "s1", "title": "One", "room": "a", "start": "2025-05-01T10:00", "end": "2025-05-01T10:30"}]
}"#;

/// `expect` are fragments the message must contain, besides the origin.
#[track_caller]
fn check(input: &str, code: &str, expect: &[&str]) {
    let err = parse("input.json", input.as_bytes()).expect_err("refused");
    let text = err.to_string();
    assert_eq!(err.code(), code, "{text}");
    assert!(text.starts_with("input.json"), "names the source: {text}");
    for fragment in expect {
        assert!(text.contains(fragment), "{fragment:?} missing from: {text}");
    }
}

fn good_with(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "{from}");
    GOOD.replacen(from, to, 1)
}

#[test]
fn the_baseline_is_good() {
    parse("input.json", GOOD.as_bytes()).unwrap();
}

#[test]
fn empty_and_not_json() {
    check("", "empty", &["empty"]);
    check("  \n ", "empty", &["empty"]);
    check("hello", "syntax", &["line 1", "not valid JSON"]);
    check(
        &GOOD[..GOOD.len() / 2],
        "syntax",
        &["not valid JSON", "EOF"],
    );
    check("[1, 2]", "syntax", &["not a Summit Kiosk schedule"]);
    let deep = good_with(
        r#""room": "a""#,
        &format!(r#""room": "a", "speakers": [{}]"#, "[".repeat(100_000)),
    );
    check(&deep, "syntax", &["recursion limit"]);
}

#[test]
fn wrong_shapes() {
    check(
        &good_with(r#""title": "One""#, r#""titel": "One""#),
        "syntax",
        &["unknown field `titel`", "line 4"],
    );
    check(
        &good_with(r#""room": "a""#, r#""room": 7"#),
        "syntax",
        &["invalid type"],
    );
    check(
        &good_with(r#""title": "One""#, r#""title": "One", "kind": "keynote""#),
        "syntax",
        &["unknown variant `keynote`"],
    );
    check(
        &GOOD.replacen("{", r#"{"version": 2,"#, 1),
        "invalid",
        &["version 2 is not supported"],
    );
    check(
        &GOOD.replacen("{", r#"{"format": "frab","#, 1),
        "invalid",
        &["\"frab\" is not \"summit-kiosk/schedule\""],
    );
}

#[test]
fn bad_times() {
    check(
        &good_with("Europe/Berlin", "Mars/Olympus_Mons"),
        "invalid",
        &[
            "conference.timezone",
            "unknown time zone \"Mars/Olympus_Mons\"",
        ],
    );
    check(
        &good_with("2025-05-01T10:30", "2025-05-01T09:30"),
        "invalid",
        &[
            "sessions[0] (\"s1\")",
            "ends (2025-05-01 09:30) before it starts (2025-05-01 10:00)",
        ],
    );
    check(
        &good_with("2025-05-01T10:30", "2025-05-01T10:00"),
        "invalid",
        &["must end after it starts"],
    );
    check(
        &good_with("2025-05-01T10:30", "half past ten"),
        "invalid",
        &[
            "sessions[0] (\"s1\").end",
            "\"half past ten\" is not a time",
        ],
    );
    // 02:30 on 30 March 2025 does not exist in Berlin: the clocks skip it.
    check(
        &good_with("2025-05-01T10:00", "2025-03-30T02:30")
            .replace("2025-05-01T10:30", "2025-03-30T04:00"),
        "invalid",
        &["does not exist in Europe/Berlin"],
    );
}

#[test]
fn broken_references() {
    check(
        &good_with(r#""room": "a""#, r#""room": "b""#),
        "invalid",
        &[
            "sessions[0] (\"s1\").room",
            "unknown room \"b\"",
            "the rooms are: a",
        ],
    );
    check(
        &good_with(r#""room": "a""#, r#""room": "a", "track": "x""#),
        "invalid",
        &["unknown track \"x\""],
    );
    check(
        &good_with(r#""room": "a""#, r#""room": "a", "speakers": ["nobody"]"#),
        "invalid",
        &["speakers[0]", "unknown speaker \"nobody\""],
    );
    check(
        &good_with(r#"[{"id": "a", "name": "Room A"}]"#, "[]"),
        "invalid",
        &["the schedule has no rooms"],
    );
    let dup = good_with(
        r#""end": "2025-05-01T10:30"}]"#,
        r#""end": "2025-05-01T10:30"}, {"id": "s1", "title": "Two", "room": "a", "start": "2025-05-01T11:00", "end": "2025-05-01T11:30"}]"#,
    );
    check(
        &dup,
        "invalid",
        &["sessions[1] (\"s1\")", "duplicate session id \"s1\""],
    );
}

#[test]
fn huge_values() {
    let title = "x".repeat(10 * 1024 * 1024);
    check(
        &good_with(r#""title": "One""#, &format!(r#""title": "{title}""#)),
        "invalid",
        &[
            "sessions[0] (\"s1\").title",
            "is 10485760 characters long; at most 1000",
        ],
    );
    check(
        &good_with(
            r#""name": "T""#,
            &format!(r#""name": "{}""#, "n".repeat(5000)),
        ),
        "invalid",
        &["conference.name", "5000 characters"],
    );
    check(
        &good_with(
            r#""name": "Room A""#,
            r#""name": "Room A"}, {"id": "c", "name": "C", "colour": "red""#,
        ),
        "syntax",
        &["unknown field `colour`"],
    );
    let many = format!(
        r#"{{"conference": {{"name": "T", "timezone": "UTC"}}, "rooms": [{}], "sessions": []}}"#,
        (0..1001)
            .map(|i| format!(r#"{{"id": "r{i}", "name": "R{i}"}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    check(&many, "invalid", &["1001 rooms; at most 1000"]);
}

#[test]
fn not_utf8() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("One").unwrap();
    bytes[at] = 0xff;
    let err = parse("input.json", &bytes).unwrap_err();
    assert!(err.to_string().contains("not valid JSON"), "{err}");
}

#[test]
fn a_bom_and_stray_spaces_are_fine() {
    let text = format!(
        "\u{feff}{}",
        good_with(r#""title": "One""#, r#""title": "   One  ""#)
    );
    let v = parse("input.json", text.as_bytes()).unwrap();
    assert_eq!(v.schedule.sessions[0].title, "One");
}

#[test]
fn overlaps_are_warnings() {
    let text = good_with(
        r#""end": "2025-05-01T10:30"}]"#,
        r#""end": "2025-05-01T10:30"}, {"id": "s2", "title": "Two", "room": "a", "start": "2025-05-01T10:15", "end": "2025-05-01T11:00"}]"#,
    );
    let v = parse("input.json", text.as_bytes()).unwrap();
    assert_eq!(v.warnings.len(), 1);
    assert!(
        v.warnings[0]
            .to_string()
            .contains("overlaps \"s1\" in room \"Room A\" (10:00–10:30 and 10:15–11:00)"),
        "{}",
        v.warnings[0]
    );
}
