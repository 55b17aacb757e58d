//! End-to-end: the display in German through the real binary, with
//! `display_language = "de"` in its config, at 1080p and 4K, dark and
//! light: the room screen (a talk running late in a full room) and the
//! lobby. The German words are read back from each screenshot by OCR
//! (tesseract with its German model), the page carries `lang="de"`, no
//! English label is left, the schedule's own words stay as written, and
//! the layout checks (fit, no clip or overlap, contrast, the title's cap
//! height) pass with the longer German strings.

use std::path::Path;
use std::process::{Command, Stdio};

use fantoccini::Client;
use serde_json::Value;

use crate::e2e::{js, SERIAL};
use crate::e2e_glance::{full, launch_as, seeded};
use crate::screen_checks::{assert_contrast, assert_fits, cap_height};
use crate::support::{screenshot_dir, E2e, Kiosk};

const SIZES: [(u32, u32, &str); 2] = [(1920, 1080, "1080p"), (3840, 2160, "2160p")];
const THEMES: [&str; 2] = ["dark", "light"];

/// The kiosk with `display_language = "de"` in its config file.
async fn launch<'a>(rig: &'a E2e, data: &Path, theme: &str, view: &[&str]) -> Kiosk<'a> {
    let kiosk = rig.kiosk().config("display_language = \"de\"\n");
    launch_as(kiosk, data, theme, view).await
}

/// The words of the screen's fixed parts (not the schedule's).
async fn words(c: &Client) -> Value {
    js(
        c,
        "const q = (s) => document.querySelector(s);
         const shown = (s) => [...document.querySelectorAll(s)].filter((e) => !e.closest('[hidden]')).map((e) => e.textContent);
         return { lang: document.documentElement.lang,
                  label: q('#hero-label').textContent,
                  time: q('#hero-time').textContent,
                  left: q('#progress .left').textContent,
                  late: q('#hero-late').textContent,
                  status: shown('#room-status span'),
                  badges: shown('#now-badges .badge'),
                  cards: shown('#upcoming .card .label'),
                  qr: q('#qr figcaption').textContent,
                  clock: q('#clock').textContent,
                  title: q('#now-title').textContent,
                  lobby: shown('#lobby-view .label, #lobby-view .quiet, #lobby-view .room-status span, #lobby-view .late, #lobby-view .meta .time') };",
    )
    .await
}

/// The text tesseract's German model reads in `png` (grey, dark text on
/// light: a dark theme's screenshot is inverted first).
pub(crate) fn ocr(png: &Path, theme: &str) -> String {
    let grey = png.with_extension("ocr.png");
    let mut convert = Command::new("convert");
    convert.arg(png).args(["-colorspace", "Gray"]);
    if theme == "dark" {
        convert.arg("-negate");
    }
    let status = convert.arg(&grey).status().expect("ImageMagick's convert");
    assert!(status.success());
    let out = Command::new("tesseract")
        .arg(&grey)
        .args(["stdout", "-l", "deu"])
        .stderr(Stdio::piped())
        .output()
        .expect("tesseract: run `cargo xtask test`, which installs tesseract-ocr-deu");
    assert!(
        out.status.success(),
        "tesseract -l deu: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Saved, then checked: fits, contrast ≥ 7:1, and the `expect`ed words read
/// back from the picture.
async fn shoot(c: &Kiosk<'_>, name: &str, theme: &str, expect: &[&str]) {
    c.shot(name).await;
    assert_fits(c, name).await;
    let lowest = assert_contrast(c, name, 7.0).await;
    eprintln!("{name}: lowest text contrast {lowest:.2}:1");
    // Labels are set in capitals by the CSS: compared without case.
    let read = ocr(&screenshot_dir().join(name), theme).to_uppercase();
    for word in expect {
        assert!(
            read.contains(&word.to_uppercase()),
            "{name}: OCR did not find {word:?} in:\n{read}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_display_speaks_german() {
    let _one = SERIAL.lock().await;
    for (w, h, size) in SIZES {
        let rig = E2e::start(w, h);
        for theme in THEMES {
            let data = seeded(full);
            let c = launch(&rig, data.path(), theme, &["--room", "Main hall"]).await;
            let got = words(&c).await;
            let expect = serde_json::json!({
                "lang": "de",
                "label": "Jetzt",
                "time": "09:20–09:35",
                "left": "noch 13 Min.",
                "late": "10 Min. Verspätung",
                "status": ["Voll", "Ausweichraum: Breakout A"],
                "badges": ["EN", "Keine Aufzeichnung"],
                "cards": ["Als Nächstes", "Danach"],
                "qr": "Zum Livestream",
                "clock": "09:22",
                // The schedule's words, as written.
                "title": "ETL Pipelines for Machine Learning",
                "lobby": [],
            });
            assert_eq!(got, expect);
            let name = format!("language-de-room-{theme}-{size}.png");
            shoot(
                &c,
                &name,
                theme,
                // "Voll" sits in a coloured pill that OCR misreads in the
                // light theme; its text is checked in the page above.
                &["Jetzt", "Als Nächstes", "Verspätung", "Aufzeichnung"],
            )
            .await;
            let png = screenshot_dir().join(&name);
            let cap = cap_height(&c, "#now-title", &png).await;
            assert!(
                f64::from(cap) >= 0.03 * f64::from(h),
                "{name}: cap height {cap} px at {h} lines"
            );
            c.close().await;
        }
        // The lobby, with its longer words in narrower cards.
        let data = seeded(full);
        let c = launch(&rig, data.path(), "dark", &["--lobby"]).await;
        let got = words(&c).await;
        let lobby: Vec<&str> = got["lobby"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for word in [
            "Jetzt",
            "Voll",
            "Ausweichraum: Breakout A",
            "10 Min. Verspätung",
        ] {
            assert!(
                lobby.contains(&word),
                "{word:?} not in the lobby's {lobby:?}"
            );
        }
        let name = format!("language-de-lobby-dark-{size}.png");
        shoot(&c, &name, "dark", &["Jetzt", "Verspätung"]).await;
        c.close().await;
    }
}
