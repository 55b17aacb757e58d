//! A stick pulled out mid-copy changes nothing; staging verifies again.

use super::*;

/// An opener that reads the real files but fails, as a pulled stick does
/// (EIO), once `budget` bytes in all were read.
fn pulled_after(budget: u64) -> impl Opener {
    let left = Rc::new(Cell::new(budget));
    move |dir: &Path, name: &str| -> io::Result<Box<dyn Read>> {
        let inner = SafeOpener.open(dir, name)?;
        Ok(Box::new(Pulled {
            inner,
            left: left.clone(),
        }))
    }
}

struct Pulled {
    inner: Box<dyn Read>,
    left: Rc<Cell<u64>>,
}

impl Read for Pulled {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left.get();
        if left == 0 && !buf.is_empty() {
            return Err(io::Error::from_raw_os_error(5));
        }
        let want = buf.len().min(left as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left.set(left - n as u64);
        Ok(n)
    }
}

#[test]
fn a_stick_pulled_mid_copy_changes_nothing_and_the_next_insertion_applies() {
    let kit = Kit::new();
    let stick = kit.stick("stick", 100);
    let manifest = read_manifest(&stick);
    let schedule = manifest.files[0].size;
    let photo = manifest.files[1].size;
    let total: u64 = manifest.files.iter().map(|f| f.size).sum();
    for n in [0, 1, 4096, schedule / 2, schedule + photo / 2, total - 1] {
        let mut kit = Kit::new();
        let settings = kit.settings(same_conference(), &[]);
        let before = (kit.revision(), kit.title());
        let err = bundle::process(&stick, &settings, &mut kit.store, &pulled_after(n)).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.code(), "io", "{n}: {text}");
        assert!(text.contains("summit-kiosk/"), "names the file: {text}");
        assert!(text.contains("pulled"), "{text}");
        assert_eq!(
            (kit.revision(), kit.title()),
            before,
            "{n}: nothing applied"
        );
        kit.assert_staging_empty();
        let checked = bundle::check(
            &stick,
            &settings.policy,
            &[],
            None,
            &ImportOptions::default(),
        )
        .unwrap();
        assert!(!kit.store.bundle_seen(&checked.id).unwrap(), "not recorded");
        let report = bundle::report_text(&Err(err), "k", jiff::Timestamp::now());
        assert!(report.contains("tried again"), "{report}");

        let outcome = kit.process(&stick, &settings).unwrap();
        assert!(
            matches!(outcome, ApplyOutcome::Applied(_)),
            "{n}: {outcome:?}"
        );
        assert_eq!((kit.revision(), kit.title()), (2, NEW_TITLE.to_string()));
    }
}

#[test]
fn staging_verifies_again_what_the_check_saw() {
    // The stick changes between the check and the copy.
    let kit = Kit::new();
    let stick = kit.stick("stick", 100);
    let checked: CheckedBundle = bundle::check(
        &stick,
        &Policy::default(),
        &[],
        None,
        &ImportOptions::default(),
    )
    .unwrap();
    let photo = stick.join("summit-kiosk/photos/b.png");
    let mut bytes = fs::read(&photo).unwrap();
    bytes[0] ^= 0xff;
    fs::write(&photo, &bytes).unwrap();
    let err = bundle::stage(&checked, &kit.staging(), &SafeOpener).unwrap_err();
    assert_eq!(err.code(), "hash_mismatch", "{err}");
    assert!(err.to_string().contains("photos/b.png"));
    kit.assert_staging_empty();
    bytes.push(0);
    fs::write(&photo, &bytes).unwrap();
    let err = bundle::stage(&checked, &kit.staging(), &SafeOpener).unwrap_err();
    assert_eq!(err.code(), "size_mismatch", "{err}");
    assert!(err.to_string().contains("more than 70000 bytes"), "{err}");
    kit.assert_staging_empty();
    fs::remove_file(&photo).unwrap();
    symlink("/etc/shadow", &photo).unwrap();
    let err = bundle::stage(&checked, &kit.staging(), &SafeOpener).unwrap_err();
    assert_eq!(err.code(), "not_regular_file", "{err}");
    kit.assert_staging_empty();
}

/// A kiosk shares its store with the screens and the control panel: the
/// stick is read and staged while the store is free, and only the short
/// checks and the final apply take it.
#[test]
fn a_stick_is_staged_while_the_store_is_free() {
    let mut kit = Kit::new();
    let stick = kit.stick("stick", 100);
    let settings = kit.settings(same_conference(), &[]);
    let store = std::mem::replace(&mut kit.store, Store::open_in_memory().unwrap());
    let shared = std::sync::Mutex::new(store);
    let (free, held) = (Cell::new(0), Cell::new(0));
    let watching = |dir: &Path, name: &str| -> io::Result<Box<dyn Read>> {
        match shared.try_lock() {
            Ok(_) => free.set(free.get() + 1),
            Err(_) => held.set(held.get() + 1),
        }
        SafeOpener.open(dir, name)
    };
    let outcome = bundle::process_shared(&stick, &settings, &shared, &watching).unwrap();
    assert!(matches!(outcome, ApplyOutcome::Applied(_)), "{outcome:?}");
    assert_eq!(held.get(), 0, "a file was read with the store locked");
    assert_eq!(free.get(), read_manifest(&stick).files.len());
    kit.store = shared.into_inner().unwrap();
    assert_eq!((kit.revision(), kit.title()), (2, NEW_TITLE.to_string()));
}
