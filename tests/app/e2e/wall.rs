//! The photo wall: the demo photos, a photo dropped in the folder.

use super::*;

const WALL: &str = r#"
const wall = document.querySelector('#wall');
const shown = wall.querySelector('img.photo.shown');
return {
  mode: document.querySelector('#app').dataset.wall || 'off',
  hidden: wall.hidden,
  changes: Number(wall.dataset.changes || 0),
  photo: wall.dataset.photo || null,
  src: shown ? shown.getAttribute('src') : null,
  natural: shown ? [shown.naturalWidth, shown.naturalHeight] : null,
  credit: document.querySelector('#wall-credit').textContent,
  next: document.querySelector('#wall-next').hidden ? null : document.querySelector('#wall-next .title').textContent,
};
"#;

pub(super) async fn read_wall(c: &Client) -> Value {
    c.execute(WALL, vec![]).await.expect("read the wall")
}

/// Wait until `ready(wall)`; the last reading.
pub(super) async fn wait_for_wall(
    c: &Client,
    limit: Duration,
    what: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let since = Instant::now();
    loop {
        let w = read_wall(c).await;
        if ready(&w) {
            return w;
        }
        assert!(since.elapsed() < limit, "{what}: {w}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A copy of a demo photo with a comment segment added: a new photo (its own
/// content hash) that decodes like the original.
fn new_photo(source: &str, comment: &str) -> Vec<u8> {
    let bytes = std::fs::read(
        crate::support::root()
            .join("assets/demo/photos")
            .join(source),
    )
    .unwrap();
    let mut out = bytes[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&bytes[2..]);
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_dropped_in_the_folder_appears_on_the_wall() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1920, 1080);
    let photos = tempfile::tempdir().unwrap();
    for (name, source) in [
        ("Evening glow.jpg", "evening-glow.jpg"),
        ("Fallen leaf.jpg", "fallen-leaf.jpg"),
    ] {
        std::fs::copy(
            crate::support::root()
                .join("assets/demo/photos")
                .join(source),
            photos.path().join(name),
        )
        .unwrap();
    }
    let schedule = demo_file();
    let c = rig
        .kiosk()
        .args(&["--schedule", &schedule, "--room", "Main hall", "--kiosk"])
        // The coffee break: the wall fills the screen.
        .args(&["--at", "2020-02-26T10:30:00-05:00"])
        .args(&["--photos", photos.path().to_str().unwrap()])
        .args(&["--photo-interval", "3"])
        .launch()
        .await;
    c.first_render().await;
    let w = wait_for_wall(&c, Duration::from_secs(60), "the demo photos show", |w| {
        w["changes"].as_u64() >= Some(2)
    })
    .await;
    assert_eq!(w["mode"], "full", "{w}");
    assert_eq!(w["hidden"], false);
    assert!(
        w["src"].as_str().unwrap().starts_with("photo://localhost/"),
        "{w}"
    );
    assert!(
        w["src"].as_str().unwrap().ends_with("-1920.jpg"),
        "a 1080p screen loads the 1920 rendition: {w}"
    );
    assert_eq!(w["natural"][0], 1920, "{w}");
    assert!(w["credit"].as_str().unwrap().starts_with("Photo: "), "{w}");
    assert_eq!(
        w["next"], "HPC Deployments with Dask-Jobqueue",
        "the strip says what is next: {w}"
    );
    c.shot("wall-full-1080p.png").await;

    // A photographer drops a photo in: it is ingested and shown, ahead of
    // the photos already seen.
    let dropped = Instant::now();
    std::fs::write(
        photos.path().join("Dropped in by the test.jpg"),
        new_photo("kite.jpg", "dropped by the e2e test"),
    )
    .unwrap();
    let w = wait_for_wall(
        &c,
        Duration::from_secs(30),
        "the dropped photo shows",
        |w| w["credit"] == "Photo: Dropped in by the test",
    )
    .await;
    eprintln!(
        "dropped photo on the wall after {} ms",
        dropped.elapsed().as_millis()
    );
    assert_eq!(w["mode"], "full");
    c.close().await;
}
