//! The library, in process.
//!
//! The real worker is the app's binary; here a stand-in worker (a shell
//! script speaking the worker's protocol) drives the library's bookkeeping
//! and the parent's side of the worker: timeouts, crashes, settle, dedup,
//! links, forgetting.

use super::*;

/// A worker that answers "a good 4 × 3 photo" with the file's SHA-256, as
/// the real one would.
fn stub_worker(script: &str) -> WorkerCommand {
    WorkerCommand {
        program: PathBuf::from("/bin/sh"),
        args: vec!["-c".into(), script.into(), "stub-worker".into()],
    }
}

const GOOD_WORKER: &str = r#"
input="$2"
[ -f "$input" ] || { echo '{"error":{"code":"read","message":"cannot read the file: not found"}}'; exit 0; }
h=$(sha256sum < "$input" | cut -d' ' -f1)
echo "{\"ok\":{\"hash\":\"$h\",\"width\":4,\"height\":3,\"credit\":null,\"renditions\":[]}}"
"#;

fn limits(ms: u64) -> WorkerLimits {
    WorkerLimits {
        memory_mb: 1024,
        timeout: Duration::from_millis(ms),
    }
}

fn run_stub(script: &str, ms: u64) -> Result<worker::Ingested, PhotoError> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jpg");
    std::fs::write(&input, b"x").unwrap();
    worker::run(
        &stub_worker(script),
        &input,
        &[1920],
        &Destination::Cache(dir.path().to_path_buf()),
        limits(ms),
    )
}

#[test]
fn worker_a_slow_worker_is_stopped() {
    let started = Instant::now();
    let e = run_stub("sleep 20", 300).unwrap_err();
    assert_refused(&e, "worker", &["took longer than", "300 ms"]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn worker_a_crashing_worker_gives_a_reason() {
    let e = run_stub(
        "echo 'memory allocation of 123456 bytes failed' >&2; kill -ABRT $$",
        5000,
    )
    .unwrap_err();
    assert_refused(&e, "worker", &["more memory than", "1024 MiB"]);
    let e = run_stub("echo 'thread main panicked: boom' >&2; kill -SEGV $$", 5000).unwrap_err();
    assert_refused(&e, "worker", &["killed by signal 11", "boom"]);
    let e = run_stub("echo not json; exit 3", 5000).unwrap_err();
    assert_refused(&e, "worker", &["exited with status 3"]);
    // Its own refusal comes through as is.
    let e = run_stub(
        r#"echo '{"error":{"code":"shape","message":"too thin"}}'"#,
        5000,
    )
    .unwrap_err();
    assert_eq!(e, PhotoError::Shape("too thin".into()));
    let e = run_stub(r#"echo '{"error":{"code":"empty"}}'"#, 5000).unwrap_err();
    assert_eq!(e, PhotoError::Empty);
}

#[test]
fn worker_a_chatty_worker_does_not_block() {
    // 1 MiB on stderr before the answer: the parent drains both pipes.
    let script = format!(
        "head -c 1048576 /dev/zero | tr '\\0' x >&2; {}",
        GOOD_WORKER.trim()
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jpg");
    std::fs::write(&input, b"x").unwrap();
    let done = worker::run(
        &stub_worker(&script),
        &input,
        &[1920],
        &Destination::Cache(dir.path().to_path_buf()),
        limits(10_000),
    )
    .unwrap();
    assert_eq!(done.hash, kiosk_core::photos::content_hash(b"x"));
}

struct Lib {
    _dir: tempfile::TempDir,
    folder: PathBuf,
    elsewhere: PathBuf,
    store: Mutex<Store>,
    library: Library,
}

fn lib() -> Lib {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("photos");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let store = Mutex::new(Store::open(&dir.path().join("store.sqlite")).unwrap());
    let library = Library {
        folders: vec![Folder {
            path: folder.clone(),
            origin: "folder".into(),
        }],
        renditions: dir.path().join("renditions"),
        worker: stub_worker(GOOD_WORKER),
        limits: limits(10_000),
        long_edges: vec![1920],
        approve_mode: Default::default(),
        settle: Duration::ZERO,
        parallel: 2,
    };
    Lib {
        _dir: dir,
        folder,
        elsewhere,
        store,
        library,
    }
}

impl Lib {
    fn pass(&self) -> library::PassReport {
        self.library.pass(&self.store).unwrap()
    }
    fn photos(&self) -> Vec<kiosk_core::store::Photo> {
        self.store.lock().unwrap().photos().unwrap()
    }
    fn quarantine(&self, name: &str) -> Option<String> {
        let path = self.folder.join(name).to_string_lossy().into_owned();
        self.store
            .lock()
            .unwrap()
            .photo_files()
            .unwrap()
            .into_iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{name} is not known"))
            .quarantine
    }
}

/// Age a file so it counts as settled.
fn age(path: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(secs))
        .unwrap();
}

#[test]
fn library_identical_photos_are_one_and_removed_files_are_forgotten() {
    let l = lib();
    std::fs::write(l.folder.join("a.jpg"), b"same").unwrap();
    std::fs::write(l.folder.join("copy of a.JPG"), b"same").unwrap();
    std::fs::write(l.folder.join("b.png"), b"other").unwrap();
    std::fs::write(l.folder.join("notes.txt"), b"not a photo name").unwrap();
    std::fs::write(l.folder.join(".hidden.jpg"), b"hidden").unwrap();
    let report = l.pass();
    assert_eq!(report.ingested, 3, "{report:?}");
    assert_eq!(report.added.len(), 2, "{report:?}");
    assert_eq!(l.photos().len(), 2);
    // Nothing changed: nothing done.
    let again = l.pass();
    assert!(!again.changed(), "{again:?}");
    // One of the two copies goes: the photo stays.
    std::fs::remove_file(l.folder.join("a.jpg")).unwrap();
    let report = l.pass();
    assert_eq!(report.forgotten, 1);
    assert_eq!(l.photos().len(), 2);
    // Both go: the photo goes.
    std::fs::remove_file(l.folder.join("copy of a.JPG")).unwrap();
    let report = l.pass();
    assert_eq!(report.forgotten, 1);
    let photos = l.photos();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].hash, kiosk_core::photos::content_hash(b"other"));
}

/// Anyone at a screen's USB port can make an unsigned bundle: its photos
/// wait for the organizer, even with approve mode off; a signed bundle's
/// (and the folder's) follow approve mode.
#[test]
fn library_photos_of_unsigned_usb_bundles_wait_for_approval() {
    for (origin, approve_mode, approved) in [
        (kiosk_core::photos::UNSIGNED_USB_ORIGIN, false, false),
        (kiosk_core::photos::UNSIGNED_USB_ORIGIN, true, false),
        ("usb", false, true),
        ("usb", true, false),
        ("folder", false, true),
    ] {
        let mut l = lib();
        l.library.folders[0].origin = origin.into();
        l.library
            .approve_mode
            .store(approve_mode, std::sync::atomic::Ordering::Relaxed);
        std::fs::write(l.folder.join("from-a-stick.jpg"), b"a photo").unwrap();
        assert_eq!(l.pass().added.len(), 1, "{origin}");
        let photos = l.photos();
        assert_eq!(photos[0].origin, origin);
        assert_eq!(
            photos[0].approved, approved,
            "{origin}, approve mode {approve_mode}"
        );
    }
}

#[test]
fn library_a_file_still_being_written_waits_for_the_settle_time() {
    let mut l = lib();
    l.library.settle = Duration::from_secs(60);
    let path = l.folder.join("fresh.jpg");
    std::fs::write(&path, b"half a photo").unwrap();
    let report = l.pass();
    assert_eq!(report.unsettled, 1, "{report:?}");
    assert_eq!(report.ingested, 0);
    assert!(l.store.lock().unwrap().photo_files().unwrap().is_empty());
    age(&path, 120);
    let report = l.pass();
    assert_eq!((report.unsettled, report.ingested), (0, 1), "{report:?}");
}

#[test]
fn library_a_replaced_file_is_ingested_again() {
    let l = lib();
    let path = l.folder.join("photo.jpg");
    std::fs::write(&path, b"first version").unwrap();
    age(&path, 100);
    l.pass();
    std::fs::write(&path, b"second version, longer").unwrap();
    age(&path, 50);
    let report = l.pass();
    assert_eq!(report.ingested, 1, "{report:?}");
    let photos = l.photos();
    assert_eq!(
        photos.iter().map(|p| p.hash.clone()).collect::<Vec<_>>(),
        vec![kiosk_core::photos::content_hash(b"second version, longer")],
        "the first version is no photo of any file any more"
    );
}

#[test]
fn library_links_fifos_and_worker_refusals() {
    let l = lib();
    std::fs::write(l.folder.join("good.jpg"), b"good").unwrap();
    std::fs::write(l.elsewhere.join("secret.jpg"), b"secret").unwrap();
    std::os::unix::fs::symlink(l.elsewhere.join("secret.jpg"), l.folder.join("outside.jpg"))
        .unwrap();
    std::os::unix::fs::symlink(l.folder.join("nowhere.jpg"), l.folder.join("dangling.jpg"))
        .unwrap();
    std::os::unix::fs::symlink(&l.elsewhere, l.folder.join("linked-folder")).unwrap();
    let c = std::ffi::CString::new(l.folder.join("pipe.jpg").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);

    let candidates = library::scan(&l.library.folders[0]);
    let problem = |name: &str| {
        candidates
            .iter()
            .find(|c| c.path.file_name().unwrap() == name)
            .unwrap_or_else(|| panic!("{name} not found"))
            .problem
            .clone()
    };
    assert_refused(
        &problem("outside.jpg").unwrap(),
        "outside",
        &["outside the photo folder"],
    );
    assert_refused(&problem("dangling.jpg").unwrap(), "read", &["broken link"]);
    assert_refused(
        &problem("pipe.jpg").unwrap(),
        "read",
        &["not a regular file"],
    );
    assert_eq!(problem("good.jpg"), None);
    assert!(
        !candidates
            .iter()
            .any(|c| c.path.starts_with(l.folder.join("linked-folder"))),
        "a linked folder is not walked into"
    );

    let report = l.pass();
    assert_eq!(report.quarantined.len(), 3, "{report:?}");
    assert!(l
        .quarantine("outside.jpg")
        .unwrap()
        .contains("outside the photo folder"));
    assert!(l
        .quarantine("dangling.jpg")
        .unwrap()
        .contains("broken link"));
    assert!(l
        .quarantine("pipe.jpg")
        .unwrap()
        .contains("not a regular file"));
    assert_eq!(l.quarantine("good.jpg"), None);
    assert_eq!(l.photos().len(), 1, "the wall keeps rotating");
}

#[test]
fn library_a_link_to_a_photo_inside_the_folder_is_fine() {
    // The worker opens with O_NOFOLLOW, so the library must hand it the
    // link's target, not the link (a link the scan accepted was once
    // quarantined "Too many levels of symbolic links"). The stand-in worker
    // below refuses links as the real one does.
    let mut l = lib();
    std::fs::create_dir(l.folder.join("day1")).unwrap();
    std::fs::write(l.folder.join("day1/keynote.jpg"), b"keynote").unwrap();
    std::os::unix::fs::symlink(l.folder.join("day1/keynote.jpg"), l.folder.join("best.jpg"))
        .unwrap();
    let candidates = library::scan(&l.library.folders[0]);
    let link = candidates
        .iter()
        .find(|c| c.path.ends_with("best.jpg"))
        .unwrap();
    assert_eq!(link.problem, None);
    // A worker that, like the real one, refuses to follow links.
    l.library.worker = stub_worker(&format!(
        "[ -L \"$2\" ] && {{ echo '{{\"error\":{{\"code\":\"read\",\"message\":\"Too many levels of symbolic links (os error 40)\"}}}}'; exit 0; }}\n{GOOD_WORKER}"
    ));
    l.pass();
    assert_eq!(
        l.quarantine("best.jpg"),
        None,
        "a link to a photo inside the folder must be shown"
    );
}
