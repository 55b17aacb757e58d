//! End-to-end: the control panel in German through the real binary, with
//! `panel_language = "de"` in its config, at 1920x1080 and 3840x2160: the
//! lock screen's words, unlocking with the PIN, a room delayed by 10
//! minutes, the German labels checked exactly in the page and read back by
//! OCR (tesseract's German model) from the screenshot, the German audit
//! line of the delay, and the longer German words laid out whole (no text
//! cut, nothing overlapping) in the rows, the tabs and the header.

use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::e2e::{delay_main_hall, js, open_tab, switch_to_page, wait_js, SERIAL, T};
use crate::e2e_language::ocr;
use crate::screen_checks::assert_rows_fit;
use crate::support::{demo_file, screenshot_dir, E2e, Kiosk};

/// The parts of the panel holding its own words, which must fit whole.
/// (Schedule titles clamp with an ellipsis by design, as does the undo
/// button's last change, their whole text in the tooltip; the delay
/// field's screen-reader label is hidden on purpose.)
const ROWS: [&str; 10] = [
    "#heading",
    "#tabs",
    "#delay-room .delay-what",
    "#delay-quick",
    "#rooms .room-head",
    "#rooms .room-status",
    "#timeline .session .when",
    "#timeline .session .meta",
    "#timeline .session .actions",
    "#audit .audit-entry .time",
];

/// "dark" if the picture is mostly dark (OCR wants dark text on light).
fn theme_of(png: &std::path::Path) -> &'static str {
    let out = Command::new("convert")
        .arg(png)
        .args(["-colorspace", "Gray", "-format", "%[fx:mean]", "info:"])
        .output()
        .expect("ImageMagick's convert");
    let mean: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    if mean < 0.5 {
        "dark"
    } else {
        "light"
    }
}

/// Saved, every row laid out whole, and `expect`ed words read back by OCR.
async fn shoot(c: &Kiosk<'_>, name: &str, expect: &[&str]) {
    c.shot(name).await;
    for rows in ROWS {
        assert_rows_fit(c, rows, &format!("{name}: {rows}")).await;
    }
    let png = screenshot_dir().join(name);
    let read = ocr(&png, theme_of(&png));
    for word in expect {
        assert!(
            read.contains(word),
            "{name}: OCR did not find {word:?} in:\n{read}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_control_panel_speaks_german() {
    let _one = SERIAL.lock().await;
    for (w, h, size) in [(1920, 1080, "1080p"), (3840, 2160, "2160p")] {
        let rig = E2e::start(w, h);
        let schedule = demo_file();
        let c = rig
            .kiosk()
            .panel()
            .config("panel_language = \"de\"\n")
            .args(&["--room", "Main hall", "--at", T, "--schedule", &schedule])
            .args(&["--photo-wall", "off"])
            .launch()
            .await;
        switch_to_page(&c, "/control.html").await;
        wait_js(
            &c,
            "return !document.querySelector('#lock-screen').hidden && document.documentElement.lang === 'de'",
            Duration::from_secs(20),
            "the German lock screen",
        )
        .await;
        let lock = js(
            &c,
            "const q = (s) => document.querySelector(s).textContent;
             return [document.title, q('#lock-screen h1'), q('#lock-form .field-label'), q('#unlock')]",
        )
        .await;
        assert_eq!(
            lock,
            json!([
                "Summit Kiosk · Steuerpult",
                "Steuerpult gesperrt",
                "PIN oder Passphrase der Veranstalter",
                "Entsperren"
            ])
        );
        c.shot(&format!("panel-de-locked-{size}.png")).await;

        c.unlock().await;
        c.wait_rooms().await;
        delay_main_hall(&c, 10).await;
        wait_js(
            &c,
            "return document.querySelector('#status').textContent.startsWith('Erledigt: ')",
            Duration::from_secs(10),
            "the delay is done",
        )
        .await;
        wait_js(
            &c,
            "return document.querySelector('#rooms [data-room-id=\"main\"]').textContent.includes('10 Min. Verspätung')",
            Duration::from_secs(10),
            "the main hall is 10 minutes late",
        )
        .await;
        let words = js(
            &c,
            "const q = (s) => document.querySelector(s).textContent;
             return { lang: document.documentElement.lang,
                      tabs: [...document.querySelectorAll('#tabs [data-tab]')].map((t) => (t.querySelector('[data-l10n]') || t).textContent),
                      rooms: q('#rooms-panel .panel-title'),
                      late: q('#delay-room .label'),
                      quick: [...document.querySelectorAll('#delay-quick button')].map((b) => b.textContent),
                      preview: q('#delay-custom'),
                      lock: q('#lock'),
                      undo: q('#undo .undo-label'),
                      idle: q('#idle'),
                      chip: q('#rooms [data-room-id=\"main\"] .chip-late'),
                      status: q('#status') }",
        )
        .await;
        let status = words["status"].as_str().unwrap().to_string();
        assert_eq!(
            words,
            json!({
                "lang": "de",
                "tabs": ["Programm", "Durchsagen", "Notfall", "Fotos", "Quellen", "Bildschirme", "Protokoll"],
                "rooms": "Räume jetzt auf dem Bildschirm",
                "late": "Verspätung?",
                "quick": ["+5 Min.", "+10 Min.", "+15 Min."],
                "preview": "Vorschau…",
                "lock": "Sperren",
                "undo": "Rückgängig",
                "idle": "Änderungen erreichen sofort jeden Bildschirm. „Rückgängig“ nimmt die letzte zurück.",
                "chip": "10 Min. Verspätung",
                "status": status,
            })
        );
        // The audit line of the delay, as the core wrote it in German.
        let what = status.strip_prefix("Erledigt: ").unwrap().to_string();
        let (head, plan) = what.split_once(" (").unwrap();
        let hm = head
            .strip_prefix("Main hall ab ")
            .and_then(|rest| rest.strip_suffix(" um 10 Minuten verschoben"))
            .unwrap_or_else(|| panic!("not the German delay line: {what:?}"));
        assert!(hm.len() == 5 && hm.as_bytes()[2] == b':', "{what:?}");
        assert!(
            plan.contains(" rück") && plan.contains("10 Minuten nach hinten"),
            "{what:?}"
        );
        shoot(
            &c,
            &format!("panel-de-schedule-{size}.png"),
            &[
                "Programm",
                "Durchsagen",
                "Bildschirme",
                "Protokoll",
                "Verspätung",
            ],
        )
        .await;

        open_tab(&c, "Protokoll").await;
        wait_js(
            &c,
            "return !!document.querySelector('#audit .audit-entry')",
            Duration::from_secs(10),
            "the audit log",
        )
        .await;
        let audit = js(
            &c,
            "return [document.querySelector('#panel-audit .panel-title').textContent, document.querySelector('#audit .audit-entry .what').textContent]",
        )
        .await;
        assert_eq!(audit, json!(["Protokoll neueste zuerst", what]));
        shoot(
            &c,
            &format!("panel-de-audit-{size}.png"),
            &["Protokoll", "verschoben", "Minuten"],
        )
        .await;
        c.close().await;
    }
}
