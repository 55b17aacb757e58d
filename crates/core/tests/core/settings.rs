//! The config file merged with the command line's flags: `check(config,
//! flags, expect)` tables, flags winning, and the errors naming the flag.

use std::path::Path;

use kiosk_core::blanking::BlankingPolicy;
use kiosk_core::config::{Config, Theme, WallPolicy};
use kiosk_core::settings::{Flags, Settings, StartSchedule};
use kiosk_core::snapshot::Selection;

/// The settings a test looks at, as `key=value` lines.
fn summary(s: &Settings) -> Vec<String> {
    let selection = match &s.selection {
        Selection::Room { room } => format!("room {room}"),
        Selection::Lobby => "lobby".into(),
    };
    let schedule = match &s.schedule {
        StartSchedule::Demo => "demo".into(),
        StartSchedule::Import(source) => format!("import {source}"),
        StartSchedule::Store => "store".into(),
    };
    vec![
        format!("selection={selection}"),
        format!("schedule={schedule}"),
        format!("theme={:?}", s.theme),
        format!("wall={:?}", s.photo_wall),
        format!(
            "sources={}",
            s.sources
                .iter()
                .map(|x| x.location())
                .collect::<Vec<_>>()
                .join(",")
        ),
        format!("poll={}", s.poll_interval.as_secs()),
        format!("offline={}", s.offline_after.as_secs()),
        format!("photo_interval={}", s.photo_interval.as_secs()),
        format!("kiosk={}", s.kiosk),
        format!("monitor={}", s.monitor.as_deref().unwrap_or("-")),
        format!("zone={}", s.venue_timezone.as_deref().unwrap_or("-")),
        format!("data={}", s.data_dir.display()),
        format!("log={}", s.log_level),
        format!(
            "serve={}",
            s.serve
                .as_ref()
                .map(|(a, t)| format!("{a} {}", t.expose()))
                .unwrap_or("-".into())
        ),
        format!("speed={}", s.speed),
        format!(
            "blanking={}",
            match s.blanking {
                BlankingPolicy::Inhibit => "inhibit".to_string(),
                BlankingPolicy::Allow => "allow".to_string(),
                BlankingPolicy::OutsideEventHours { margin } =>
                    format!("outside-hours {}m", margin.as_secs() / 60),
            }
        ),
        format!("at={}", s.at.map(|t| t.to_string()).unwrap_or("-".into())),
        format!(
            "publish={}",
            s.publish.as_ref().map_or("-".into(), |t| t.name())
        ),
        format!("screen_name={}", s.screen_name),
        format!("heartbeat={}", s.heartbeat_interval.as_secs()),
    ]
}

/// Every `expect` line must be among the resolved settings' lines.
#[track_caller]
fn check(config: &str, flags: Flags, expect: &[&str]) {
    let config = Config::parse(Path::new("test.toml"), config).expect("test config parses");
    let settings = Settings::resolve(config, flags).expect("resolves");
    let got = summary(&settings);
    for line in expect {
        assert!(
            got.iter().any(|g| g == line),
            "expected {line:?} in {got:#?}"
        );
    }
}

#[track_caller]
fn check_err(config: &str, flags: Flags, expect: &[&str]) {
    let config = Config::parse(Path::new("test.toml"), config).expect("test config parses");
    let err = Settings::resolve(config, flags)
        .expect_err("refused")
        .to_string();
    for part in expect {
        assert!(err.contains(part), "{part:?} not in {err:?}");
    }
}

fn flags() -> Flags {
    Flags::default()
}

#[test]
fn flags_win_over_the_file_and_the_file_over_defaults() {
    let file = r#"
        room = "Hall B"
        theme = "light"
        photo_wall = "breaks"
        sources = ["/srv/a.json", "https://example.org/b.xml"]
        poll_interval_secs = 30
        offline_after_secs = 120
        photo_interval_secs = 12
        kiosk = true
        monitor = "HDMI-1"
        venue_timezone = "Europe/Berlin"
        data_dir = "/var/lib/kiosk"
        log_level = "debug"
    "#;
    let table = [
        // The file alone.
        (
            file,
            flags(),
            vec![
                "selection=room Hall B",
                "theme=Light",
                "wall=Breaks",
                "sources=/srv/a.json,https://example.org/b.xml",
                "poll=30",
                "offline=120",
                "photo_interval=12",
                "kiosk=true",
                "monitor=HDMI-1",
                "zone=Europe/Berlin",
                "data=/var/lib/kiosk",
                "log=debug",
                "schedule=store",
                "speed=1",
                "at=-",
            ],
        ),
        // Each flag replaces its key.
        (
            file,
            Flags {
                room: Some("Main hall".into()),
                theme: Some(Theme::Dark),
                photo_wall: Some(WallPolicy::Off),
                sources: vec!["/tmp/c.ics".into()],
                poll_interval_secs: Some(5),
                offline_after_secs: Some(9),
                photo_interval_secs: Some(3),
                monitor: Some("1".into()),
                venue_timezone: Some("Asia/Tokyo".into()),
                data_dir: Some("/tmp/d".into()),
                log_level: Some("warn".into()),
                ..flags()
            },
            vec![
                "selection=room Main hall",
                "theme=Dark",
                "wall=Off",
                "sources=/tmp/c.ics",
                "poll=5",
                "offline=9",
                "photo_interval=3",
                "monitor=1",
                "zone=Asia/Tokyo",
                "data=/tmp/d",
                "log=warn",
            ],
        ),
        // --lobby wins over a room from the file; lobby in the file over --room.
        (
            file,
            Flags {
                lobby: true,
                ..flags()
            },
            vec!["selection=lobby"],
        ),
        (
            "lobby = true",
            Flags {
                room: Some("X".into()),
                ..flags()
            },
            vec!["selection=lobby"],
        ),
        // No room anywhere: the lobby; the demo's default room.
        (
            "",
            flags(),
            vec![
                "selection=lobby",
                "theme=Dark",
                "wall=Auto",
                "poll=60",
                "offline=300",
                "photo_interval=8",
                "kiosk=false",
            ],
        ),
        (
            "",
            Flags {
                demo: true,
                ..flags()
            },
            vec!["selection=room Main hall", "schedule=demo"],
        ),
        (
            "",
            Flags {
                demo: true,
                lobby: true,
                ..flags()
            },
            vec!["selection=lobby"],
        ),
        // The demo wins over a schedule in the file; a flag over the file's.
        (
            "schedule = \"/srv/s.json\"",
            Flags {
                demo: true,
                ..flags()
            },
            vec!["schedule=demo"],
        ),
        (
            "schedule = \"/srv/s.json\"",
            flags(),
            vec!["schedule=import /srv/s.json"],
        ),
        (
            "schedule = \"/srv/s.json\"",
            Flags {
                schedule: Some("https://x.org/s.xml".into()),
                ..flags()
            },
            vec!["schedule=import https://x.org/s.xml"],
        ),
        // --kiosk adds to the file's false; a false flag cannot unset the file's true.
        (
            "kiosk = false",
            Flags {
                kiosk: true,
                ..flags()
            },
            vec!["kiosk=true"],
        ),
        ("kiosk = true", flags(), vec!["kiosk=true"]),
        // Bounds: a zero poll interval would spin; photo interval 1 s to 1 h.
        ("poll_interval_secs = 0", flags(), vec!["poll=1"]),
        ("photo_interval_secs = 0", flags(), vec!["photo_interval=1"]),
        (
            "",
            Flags {
                photo_interval_secs: Some(99_999),
                ..flags()
            },
            vec!["photo_interval=3600"],
        ),
        // The feed: address and token from either side.
        (
            "serve_listen = \"0.0.0.0:8787\"\nserve_token = \"file-secret\"",
            flags(),
            vec!["serve=0.0.0.0:8787 file-secret"],
        ),
        (
            "serve_token = \"file-secret\"",
            Flags {
                serve: Some("127.0.0.1:9".into()),
                ..flags()
            },
            vec!["serve=127.0.0.1:9 file-secret"],
        ),
        (
            "serve_listen = \"0.0.0.0:8787\"\nserve_token = \"a\"",
            Flags {
                serve_token: Some("b".into()),
                ..flags()
            },
            vec!["serve=0.0.0.0:8787 b"],
        ),
        ("serve_token = \"unused\"", flags(), vec!["serve=-"]),
        // The screen: never blanks by default; allowing blanking wins over
        // the event-hours schedule; the margin comes from the file.
        ("", flags(), vec!["blanking=inhibit"]),
        ("allow_blanking = true", flags(), vec!["blanking=allow"]),
        (
            "",
            Flags {
                blank_outside_event_hours: true,
                ..flags()
            },
            vec!["blanking=outside-hours 30m"],
        ),
        (
            "event_hours_margin_minutes = 90\nblank_outside_event_hours = true",
            flags(),
            vec!["blanking=outside-hours 90m"],
        ),
        (
            "blank_outside_event_hours = true",
            Flags {
                allow_blanking: true,
                ..flags()
            },
            vec!["blanking=allow"],
        ),
        // The clock.
        (
            "",
            Flags {
                at: Some("2020-02-26T10:20:00-05:00".into()),
                speed: Some(60.0),
                ..flags()
            },
            vec!["at=2020-02-26T15:20:00Z", "speed=60"],
        ),
    ];
    for (config, flags, expect) in table {
        check(config, flags, &expect);
    }
}

#[test]
fn bad_flags_are_refused_naming_them() {
    let table: [(&str, Flags, &[&str]); 5] = [
        (
            "",
            Flags {
                speed: Some(0.0),
                ..flags()
            },
            &["--speed 0", "positive"],
        ),
        (
            "",
            Flags {
                speed: Some(f64::NAN),
                ..flags()
            },
            &["--speed NaN"],
        ),
        (
            "",
            Flags {
                speed: Some(-2.0),
                ..flags()
            },
            &["--speed -2"],
        ),
        (
            "",
            Flags {
                at: Some("yesterday".into()),
                ..flags()
            },
            &["\"yesterday\"", "RFC 3339"],
        ),
        (
            "serve_listen = \"0.0.0.0:8787\"",
            Flags {
                config_path: Some("/etc/k.toml".into()),
                ..flags()
            },
            &["/etc/k.toml", "0.0.0.0:8787", "needs a token"],
        ),
    ];
    for (config, flags, expect) in table {
        check_err(config, flags, expect);
    }
}

#[test]
fn the_clock_is_the_real_one_unless_asked() {
    let resolve = |flags| Settings::resolve(Config::default(), flags).unwrap();
    let real = resolve(flags());
    let (_, clock) = real.clock();
    assert_eq!(clock.speed(), 1.0);
    let before = jiff::Timestamp::now();
    assert!(clock.now() >= before);

    let rehearsal = resolve(Flags {
        at: Some("2020-02-26T10:20:00-05:00".into()),
        speed: Some(60.0),
        ..flags()
    });
    let (start, clock) = rehearsal.clock();
    assert_eq!(start.to_string(), "2020-02-26T15:20:00Z");
    assert_eq!(clock.speed(), 60.0);
    assert!(clock.now() < "2020-02-26T16:00:00Z".parse().unwrap());
}

#[test]
fn the_qr_table_and_emergency_templates() {
    use kiosk_core::config::QrLink;
    use kiosk_core::model::{Room, SessionKind};
    let config = Config::parse(
        Path::new("test.toml"),
        "[qr]\nshow = \"page\"\nkinds = { working_session = \"off\" }\nrooms = { \"Main hall\" = \"stream\" }\n\
         [[emergency_templates]]\nname = \"Fire\"\nheadline = \"Fire: leave now\"\npictogram = \"fire\"\nexpires_minutes = 30\n",
    )
    .unwrap();
    let room = |name: &str| Room {
        id: name.to_lowercase(),
        name: name.into(),
    };
    let check = |r: &str, kind, expect| {
        assert_eq!(config.qr.choice(&room(r), kind), expect, "{r} {kind:?}")
    };
    check("Main hall", SessionKind::WorkingSession, QrLink::Stream);
    check("Room B", SessionKind::WorkingSession, QrLink::Off);
    check("Room B", SessionKind::Talk, QrLink::Page);
    assert_eq!(
        config.emergency_templates.len(),
        1,
        "the config's templates replace the defaults"
    );
    for (text, expect) in [
        (
            "[qr]\nkinds = { lecture = \"page\" }\n",
            "[qr.kinds]: \"lecture\" is not a session kind",
        ),
        ("[qr]\nshow = \"poster\"\n", "unknown variant `poster`"),
        (
            "[[emergency_templates]]\nname = \"x\"\nheadline = \"y\"\npictogram = \"tornado\"\n",
            "unknown variant `tornado`",
        ),
        (
            "[[emergency_templates]]\nname = \"x\"\n",
            "missing field `headline`",
        ),
    ] {
        let err = Config::parse(Path::new("c.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("c.toml") && err.contains(expect),
            "{text}: {err}"
        );
    }
}

#[test]
fn the_fleets_settings() {
    let host = kiosk_core::fleet::probe::host_name();
    check(
        "",
        flags(),
        &[&format!("screen_name={host}"), "heartbeat=15", "publish=-"],
    );
    check(
        "[fleet]\nscreen_name = \"Lobby left\"\ninterval_secs = 1\npublish = \"mqtt://kiosk@broker.local/dask\"\n",
        flags(),
        &["screen_name=Lobby left", "heartbeat=2", "publish=mqtt://broker.local:1883/dask"],
    );
    check(
        "[fleet]\nscreen_name = \"Lobby left\"\ninterval_secs = 100000\n",
        Flags {
            screen_name: Some("Main hall".into()),
            publish: Some("mqtts://broker.local/dask".into()),
            ..flags()
        },
        &[
            "screen_name=Main hall",
            "heartbeat=300",
            "publish=mqtts://broker.local:8883/dask",
        ],
    );
    check_err(
        "",
        Flags {
            publish: Some("mqtt://u:pw@broker/c".into()),
            ..flags()
        },
        &["--publish", "password in the address"],
    );
    check_err(
        "[fleet]\npublish = \"mqtt://broker\"\n",
        flags(),
        &["publish:", "must name the conference"],
    );
    check_err(
        "",
        Flags {
            screen_name: Some("N".repeat(101)),
            ..flags()
        },
        &["screen_name", "at most 100"],
    );
    let typo = Config::parse(Path::new("test.toml"), "[fleet]\nscreen_nam = \"x\"\n").unwrap_err();
    assert!(
        typo.to_string().contains("unknown field `screen_nam`"),
        "{typo}"
    );
}

#[test]
fn at_takes_now_with_an_offset_for_a_clock_that_is_off() {
    for (text, ahead_secs) in [
        ("now", 0),
        ("now+30s", 30),
        ("now-2m", -120),
        ("now+1h", 3_600),
    ] {
        let before = jiff::Timestamp::now();
        let at = kiosk_core::parse_instant(text).unwrap();
        let off = at.duration_since(before).as_secs_f64() - ahead_secs as f64;
        assert!((0.0..1.0).contains(&off), "{text}: {off}");
    }
    for bad in ["now30s", "now+", "now+thirty", "now*2s", "yesterday"] {
        let e = kiosk_core::parse_instant(bad).unwrap_err().to_string();
        assert!(e.contains("is not an instant"), "{bad}: {e}");
    }
}
