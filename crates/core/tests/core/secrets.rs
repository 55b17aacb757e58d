//! Secrets out of sight: a token never in a source's name (so never in the
//! store, the log, an error or the control panel), sent as a bearer token;
//! token files must be private; the store's files are private.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use kiosk_core::config::Config;
use kiosk_core::fetch::{fetch, FetchLimits, Validator};
use kiosk_core::secret::{read_secret_file, Secret};
use kiosk_core::settings::{serve_token, Flags, Settings};
use kiosk_core::store::Store;
use kiosk_core::sync::{Source, SourceConfig, UrlSource};

const SECRET: &str = "s3cret-token-9f8e7d";

#[track_caller]
fn check(url: &str, fetched: &str, token: Option<&str>, name: &str) {
    let source = UrlSource::parse(url);
    assert_eq!(source.url, fetched, "{url}");
    assert_eq!(source.token.as_ref().map(Secret::expose), token, "{url}");
    assert_eq!(source.name, name, "{url}");
    assert_eq!(Source::parse(url).name(), name);
    assert!(
        !format!("{source:?}").contains(SECRET),
        "Debug hides it: {source:?}"
    );
}

#[test]
fn a_token_moves_out_of_the_url_and_names_carry_no_credentials() {
    let t = SECRET;
    check(
        &format!("http://main-hall.local:8787/feed.json?token={t}"),
        "http://main-hall.local:8787/feed.json",
        Some(t),
        "http://main-hall.local:8787/feed.json",
    );
    check(
        &format!("https://example.org/s.json?event=dask&token={t}#top"),
        "https://example.org/s.json?event=dask",
        Some(t),
        "https://example.org/s.json?event=dask",
    );
    check(
        &format!("https://user:{t}@example.org/s.json"),
        &format!("https://user:{t}@example.org/s.json"),
        None,
        "https://example.org/s.json",
    );
    check(
        &format!("https://example.org/s.json?api_key={t}&Key={t}&day=2"),
        &format!("https://example.org/s.json?api_key={t}&Key={t}&day=2"),
        None,
        "https://example.org/s.json?api_key=%E2%80%A6&Key=%E2%80%A6&day=2",
    );
    check(
        "http://127.0.0.1:9/feed.json",
        "http://127.0.0.1:9/feed.json",
        None,
        "http://127.0.0.1:9/feed.json",
    );
    // Not even a URL: no query, no user part in its name.
    check(
        &format!("http://[bad/feed.json?token={t}"),
        &format!("http://[bad/feed.json?token={t}"),
        None,
        "http://[bad/feed.json",
    );
}

/// A one-shot HTTP server that records the request it gets.
fn recording_server() -> (String, std::sync::mpsc::Receiver<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            lines.push(line.trim_end().to_string());
        }
        let mut stream = stream;
        let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        tx.send(lines).unwrap();
    });
    (format!("http://{addr}"), rx)
}

#[test]
fn the_token_travels_as_a_bearer_header_and_errors_never_show_it() {
    let (base, requests) = recording_server();
    let url = format!("{base}/feed.json?token={SECRET}");
    let err = fetch(&url, &Validator::default(), &FetchLimits::default()).unwrap_err();
    let lines = requests.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(
        lines[0], "GET /feed.json HTTP/1.1",
        "not in the request line"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.eq_ignore_ascii_case(&format!("authorization: Bearer {SECRET}"))),
        "{lines:?}"
    );
    let text = err.to_string();
    assert!(text.contains("502"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    // Nothing listening: the error names the source, still without it.
    let gone = fetch(
        &format!("http://127.0.0.1:9/feed.json?token={SECRET}"),
        &Validator::default(),
        &FetchLimits {
            connect: Duration::from_secs(2),
            ..FetchLimits::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(gone.starts_with("http://127.0.0.1:9/feed.json: "), "{gone}");
    assert!(!gone.contains(SECRET), "{gone}");
}

fn write_mode(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn token_files_must_be_private_one_line_and_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    write_mode(&path, &format!("{SECRET}\n"), 0o600);
    assert_eq!(
        read_secret_file(&path, "the token file").unwrap().expose(),
        SECRET
    );
    for (what, text, mode, expect) in [
        (
            "readable by others",
            SECRET,
            0o644,
            "may be read by others (mode 0644); make it private: chmod 600",
        ),
        ("readable by the group", SECRET, 0o640, "mode 0640"),
        ("empty", "\n  \n", 0o600, "is empty"),
        ("two lines", "one\ntwo", 0o600, "one line"),
        (
            "too large",
            &"x".repeat(5000),
            0o600,
            "over the limit of 4096",
        ),
    ] {
        write_mode(&path, text, mode);
        let e = read_secret_file(&path, "the token file")
            .unwrap_err()
            .to_string();
        assert!(e.contains(expect), "{what}: {e}");
        assert!(
            e.contains(&path.display().to_string()),
            "{what}: names the file: {e}"
        );
        assert!(!e.contains(SECRET), "{what}: {e}");
    }
    let link = dir.path().join("link");
    write_mode(&path, SECRET, 0o600);
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let e = read_secret_file(&link, "the token file")
        .unwrap_err()
        .to_string();
    assert!(e.contains("regular file"), "{e}");
    let e = read_secret_file(&dir.path().join("missing"), "the token file").unwrap_err();
    assert!(e.to_string().contains("cannot read the token file"), "{e}");
}

#[test]
fn the_serve_token_comes_from_a_file_the_environment_or_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed-token");
    write_mode(&file, "from-the-file-123", 0o600);
    let config = |text: &str| Config::parse(Path::new("k.toml"), text).unwrap();
    let with_file = config(&format!(
        "serve_token_file = \"{}\"\nserve_token = \"inline-123\"",
        file.display()
    ));
    let env = Some(Secret::new("from-the-env-123"));
    let resolved = |flag: Option<&Path>, env: Option<Secret>, c: &Config| {
        serve_token(flag.map(Path::to_path_buf), env, c)
            .unwrap()
            .map(|s| s.expose().to_string())
    };
    assert_eq!(
        resolved(Some(&file), env.clone(), &config("")).as_deref(),
        Some("from-the-file-123")
    );
    assert_eq!(
        resolved(None, env.clone(), &with_file).as_deref(),
        Some("from-the-env-123")
    );
    assert_eq!(
        resolved(None, None, &with_file).as_deref(),
        Some("from-the-file-123")
    );
    assert_eq!(
        resolved(None, None, &config("serve_token = \"inline-123\"")).as_deref(),
        Some("inline-123")
    );
    assert_eq!(resolved(None, None, &config("")), None);
    // A token file others may read stops the kiosk from serving, naming it.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = Settings::resolve(
        config(&format!(
            "serve_listen = \"127.0.0.1:0\"\nserve_token_file = \"{}\"",
            file.display()
        )),
        Flags::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("serve_token_file") && e.contains("chmod 600"),
        "{e}"
    );
    // A source with a token file.
    write_mode(&file, "source-token-456", 0o600);
    let c = config(&format!(
        "sources = [\"/srv/a.json\", {{ url = \"http://leader:8787/feed.json\", token_file = \"{}\" }}]",
        file.display()
    ));
    let sources: Vec<Source> = c
        .sources
        .iter()
        .map(|s| Source::from_config(s).unwrap())
        .collect();
    assert_eq!(sources[0].name(), "/srv/a.json");
    match &sources[1] {
        Source::Url(u) => {
            assert_eq!(u.name, "http://leader:8787/feed.json");
            assert_eq!(
                u.token.as_ref().map(Secret::expose),
                Some("source-token-456")
            );
        }
        other => panic!("{other:?}"),
    }
    let e = Config::parse(
        Path::new("k.toml"),
        "sources = [{ url = \"http://x\", token = \"inline\" }]",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("a file path or http(s) URL, or a table"), "{e}");
    let e = Source::from_config(&SourceConfig::WithToken(
        kiosk_core::sync::SourceWithToken {
            url: "/srv/file.json".into(),
            token_file: file.clone(),
        },
    ))
    .unwrap_err()
    .to_string();
    assert!(e.contains("goes with an http(s) or mqtt(s) url"), "{e}");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_store_closes_its_folder_and_files_to_others() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Left open by an older version (or by hand).
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = data.join("store.sqlite");
    // Another connection keeps the WAL and SHM in place while the store is
    // opened again.
    let mut first = Store::open(&path).unwrap();
    first
        .apply(&kiosk_core::demo::demo().schedule, "demo")
        .unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["store.sqlite", "store.sqlite-wal", "store.sqlite-shm"] {
        assert!(data.join(f).exists(), "{f}");
        std::fs::set_permissions(data.join(f), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&path), 0o600);
    for f in ["store.sqlite-wal", "store.sqlite-shm"] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    drop((store, first));
    // A brand-new store in a new folder.
    let fresh = dir.path().join("new/deeper/store.sqlite");
    let mut store = Store::open(&fresh).unwrap();
    store
        .apply(&kiosk_core::demo::demo().schedule, "demo")
        .unwrap();
    assert_eq!(mode(fresh.parent().unwrap()), 0o700);
    assert_eq!(mode(&fresh), 0o600);
    assert_eq!(mode(&fresh.with_extension("sqlite-wal")), 0o600);
}

#[test]
fn a_rewritten_file_keeps_its_mode_and_a_new_one_gets_the_given_mode() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    write_mode(&config, "room = \"A\"\n", 0o640);
    kiosk_core::private::write_atomically(&config, b"room = \"B\"\n", 0o600).unwrap();
    assert_eq!(mode(&config), 0o640);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "room = \"B\"\n");
    let new = dir.path().join("new.toml");
    kiosk_core::private::write_atomically(&new, b"x", 0o600).unwrap();
    assert_eq!(mode(&new), 0o600);
    let public = dir.path().join("feed.json");
    kiosk_core::private::write_atomically(&public, b"{}", 0o644).unwrap();
    assert_eq!(mode(&public), 0o644);
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}
