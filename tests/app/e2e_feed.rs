//! A follower kiosk that trusts the organizer's key, on its real window:
//! whatever answers at the leader's address with a feed it did not sign
//! (another key, no signature, an older signed feed replayed, a plain
//! schedule) changes nothing on screen, and after `offline_after` the
//! badge says the schedule is old; the organizer's next feed shows at once.

use std::path::Path;
use std::time::{Duration, Instant};

use kiosk_core::feed::{self, Feed, Published, Publisher, ServerLimits, SigningKey};
use kiosk_core::model::Schedule;
use kiosk_core::store::Store;

use crate::e2e::{data_dir, js, wait_for_title, wait_js, SERIAL, T};
use crate::support::E2e;

const TOKEN: &str = "e2e-signed-feed-token-01";
const SESSION: &str = "d1-cloudprovider";
const BADGE: &str = "return document.querySelector('#offline').hidden";

fn schedule(title: &str) -> Schedule {
    let mut s = kiosk_core::demo::demo().schedule;
    s.sessions
        .iter_mut()
        .find(|x| x.id == SESSION)
        .unwrap()
        .title = title.into();
    s
}

/// The feed bytes a publisher with `key` makes for `title`.
fn signed(key: &Path, title: &str) -> Vec<u8> {
    let publisher = Publisher::new(Published::new(), Some(SigningKey::load(key, None).unwrap()));
    let mut store = Store::open_in_memory().unwrap();
    publisher
        .publish(
            &mut store,
            schedule(title),
            kiosk_core::feed::Notices::default(),
        )
        .unwrap();
    publisher.published().current().unwrap().bytes.to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follower_with_the_key_keeps_its_screen_against_forged_feeds() {
    let _one = SERIAL.lock().await;
    let keys = tempfile::tempdir().unwrap();
    let organizer = keys.path().join("organizer.key");
    let public = kiosk_core::bundle::generate_keypair(&organizer).unwrap();
    let attacker = keys.path().join("attacker.key");
    kiosk_core::bundle::generate_keypair(&attacker).unwrap();
    // Made in this order, so "Old" is an older version than "Genuine".
    let old = signed(&organizer, "Old signed schedule");
    let genuine = signed(&organizer, "Genuine signed schedule");

    // The "leader": a real feed server on 127.0.0.1 whose answer the test
    // swaps, as whoever wins the leader's address on the network would.
    let published = Published::new();
    let mut version = 1;
    let mut serve = |bytes: Vec<u8>| {
        version += 1;
        published.set(version, feed::etag_of(&bytes), bytes);
    };
    serve(genuine);
    let server = feed::serve(
        "127.0.0.1:0",
        TOKEN,
        published.clone(),
        ServerLimits::default(),
    )
    .unwrap();
    let data = data_dir();
    let token = crate::support::private_token_file(data.path(), TOKEN);
    let config = format!(
        "sources = [{{ url = \"http://{}/feed.json\", token_file = {:?} }}]\n\
         trusted_keys = [{:?}]\npoll_interval_secs = 1\noffline_after_secs = 3\n",
        server.addr,
        token,
        public.lines().nth(1).unwrap()
    );

    let rig = E2e::start(1920, 1080);
    let c = rig
        .kiosk()
        .data_dir(data.path())
        .config(&config)
        .args(&[
            "--kiosk",
            "--at",
            T,
            "--room",
            "Main hall",
            "--photo-wall",
            "off",
        ])
        .launch()
        .await;
    wait_for_title(
        &c,
        "Genuine signed schedule",
        Duration::from_secs(60),
        "the organizer's signed feed shows",
    )
    .await;
    assert_eq!(js(&c, BADGE).await, true, "no badge while it works");

    let plain = Feed::new(
        u64::MAX / 2,
        schedule("Unsigned forgery"),
        kiosk_core::feed::Notices::default(),
    )
    .to_bytes();
    let forgeries = [
        (signed(&attacker, "Forged by another key"), "does not trust"),
        (plain, "is not signed"),
        (old, "refused as a replay"),
        (
            kiosk_core::demo::DEMO_JSON
                .replace(
                    "Native Cloud Deployment with Dask-Cloudprovider",
                    "Plain forgery",
                )
                .into_bytes(),
            "must be a signed feed",
        ),
    ];
    let mut first = true;
    for (bytes, refusal) in forgeries {
        serve(bytes);
        let since = Instant::now();
        while !c.log().contains(refusal) {
            assert!(
                since.elapsed() < Duration::from_secs(30),
                "no refusal {refusal:?} in the log"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let title: serde_json::Value = js(
            &c,
            "return document.querySelector('#now-title').textContent",
        )
        .await;
        assert_eq!(title, "Genuine signed schedule", "after {refusal:?}");
        if first {
            // Refused for longer than offline_after: the badge, the screen kept.
            wait_js(
                &c,
                "return !document.querySelector('#offline').hidden",
                Duration::from_secs(20),
                "the offline badge",
            )
            .await;
            c.shot("follower-forged-feed-1080p.png").await;
            first = false;
        }
    }
    // The organizer's next feed is taken, and the badge goes.
    serve(signed(&organizer, "The organizer's next schedule"));
    wait_for_title(
        &c,
        "The organizer's next schedule",
        Duration::from_secs(30),
        "the next genuine feed",
    )
    .await;
    wait_js(&c, BADGE, Duration::from_secs(20), "the badge goes").await;
    c.close().await;
}
