//! What a person would check on a screenshot, done by the tests: nothing
//! overlaps or leaves the screen, clamped text ends on whole lines, every
//! text is at least 7:1 against what is behind it, a QR code decodes (also
//! as a phone 3 m away sees it), and how tall a title's capitals are.

use std::path::Path;
use std::process::Command;

use fantoccini::Client;
use serde_json::Value;

use crate::e2e::js;

/// The blocks of the room and lobby screens that must not overlap, each
/// inside the viewport; and every clamped box a whole number of lines.
const LAYOUT: &str = r#"
const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const blocks = [...document.querySelectorAll(
  '#room-status, #hero-meta, #now-title, #now-speakers, #now-badges, #progress, #next, #after, #qr, #wall, #announcement, #lobby-view .room-card')]
  .filter(visible);
const problems = [];
const vw = innerWidth, vh = innerHeight;
for (const b of blocks) {
  const r = b.getBoundingClientRect();
  if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1)
    problems.push(`${b.id || b.className} leaves the screen`);
}
for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) {
  const a = blocks[i].getBoundingClientRect(), b = blocks[j].getBoundingClientRect();
  if (blocks[i].contains(blocks[j]) || blocks[j].contains(blocks[i])) continue;
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  if (w > 1 && h > 1) problems.push(`${blocks[i].id || blocks[i].className} overlaps ${blocks[j].id || blocks[j].className}`);
}
// Inside a card or the hero, every text box is within its box's content.
for (const box of document.querySelectorAll('#hero, #lobby-view .room-card, .card')) {
  if (!visible(box)) continue;
  const r = box.getBoundingClientRect();
  const s = getComputedStyle(box);
  const bottom = r.bottom - parseFloat(s.paddingBottom) + 1;
  for (const t of box.querySelectorAll('.title, .speakers, .badges, .meta, .room-name, .room-next, .bar, .qr, .room-status')) {
    if (!visible(t)) continue;
    const tr = t.getBoundingClientRect();
    if (tr.bottom > bottom || tr.right > r.right + 1) problems.push(`${t.className} in ${box.id || box.className} is cut (${Math.round(tr.bottom)} > ${Math.round(bottom)})`);
  }
}
// Clamped text shows whole lines: its box is a whole number of line boxes.
for (const t of document.querySelectorAll('.title, .speakers')) {
  if (!visible(t)) continue;
  const s = getComputedStyle(t);
  const lh = parseFloat(s.lineHeight);
  const lines = t.getBoundingClientRect().height / lh;
  if (Math.abs(lines - Math.round(lines)) > 0.05) problems.push(`${t.className} is ${lines.toFixed(2)} lines: "${t.textContent.slice(0, 40)}"`);
  if (lh < parseFloat(s.fontSize) * 1.36) problems.push(`${t.className} line height ${lh} cuts descenders`);
}
return problems;
"#;

/// Nothing overlaps, leaves the screen or is cut; `what` names the screen.
pub(crate) async fn assert_fits(c: &Client, what: &str) {
    let problems = js(c, LAYOUT).await;
    assert_eq!(problems, serde_json::json!([]), "{what}");
}

/// The rows of a list in the control panel (`arguments[0]`: their selector):
/// each inside the window's width, its blocks inside it and apart from one
/// another, no text cut (ellipsis or overflow), rows apart; and whether the
/// last row ends inside the window (`fits`).
const ROWS_LAYOUT: &str = r#"
const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const box = (e) => e.getBoundingClientRect();
const name = (e) => (e.className || e.tagName) + ' "' + e.textContent.trim().slice(0, 30) + '"';
const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
const apart = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) <= 1 || Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) <= 1;
const problems = [];
const rows = [...document.querySelectorAll(arguments[0])].filter(visible);
for (const row of rows) {
  const r = box(row);
  if (r.left < -1 || r.right > innerWidth + 1) problems.push(`${name(row)} leaves the window sideways`);
  // Every text of the row: inside it, not cut, and not over another.
  const texts = [...row.querySelectorAll('*')].filter((e) => visible(e)
    && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
  for (const t of texts) {
    const tr = box(t);
    if (!inside(tr, r)) problems.push(`${name(t)} leaves its row`);
    const s = getComputedStyle(t);
    if (s.display !== 'inline' && (t.scrollWidth > t.clientWidth + 1 || t.scrollHeight > t.clientHeight + 2))
      problems.push(`${name(t)} is cut (${t.scrollWidth}x${t.scrollHeight} in ${t.clientWidth}x${t.clientHeight})`);
  }
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    if (texts[i].contains(texts[j]) || texts[j].contains(texts[i])) continue;
    if (!apart(box(texts[i]), box(texts[j]))) problems.push(`${name(texts[i])} overlaps ${name(texts[j])}`);
  }
}
for (let i = 1; i < rows.length; i++) if (!apart(box(rows[i - 1]), box(rows[i])))
  problems.push(`${name(rows[i - 1])} overlaps the next row`);
const last = rows.length ? box(rows[rows.length - 1]).bottom : 0;
return { problems, rows: rows.length, fits: last <= innerHeight + 1, last_bottom: Math.round(last) };
"#;

/// The panel's rows matching `rows_css` are laid out whole (see
/// [`ROWS_LAYOUT`]); how many there are and whether all are in the window.
pub(crate) async fn assert_rows_fit(c: &Client, rows_css: &str, what: &str) -> (usize, bool) {
    let got = c
        .execute(ROWS_LAYOUT, vec![rows_css.into()])
        .await
        .expect("the rows' layout");
    assert_eq!(got["problems"], serde_json::json!([]), "{what}");
    (
        got["rows"].as_u64().unwrap_or(0) as usize,
        got["fits"].as_bool().unwrap_or(false),
    )
}

/// Every visible element with text of its own: its colour and the colour
/// behind it (backgrounds composited from the page down; a translucent one
/// over an image is taken over white and over black, whichever is worse).
const TEXT_COLOURS: &str = r#"
const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(',').map((x) => parseFloat(x)); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
const out = [];
for (const e of document.querySelectorAll('body *')) {
  const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
  if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.display === 'none' || s.opacity === '0') continue;
  let hidden = false;
  for (let a = e; a; a = a.parentElement) {
    const as = getComputedStyle(a);
    if (a.hidden || as.display === 'none' || as.visibility === 'hidden') { hidden = true; break; }
  }
  if (hidden) continue;
  const layers = [];
  let overImage = false;
  for (let a = e; a; a = a.parentElement) {
    const bg = parse(getComputedStyle(a).backgroundColor);
    if (bg && bg[3] > 0) layers.push(bg);
    if (bg && bg[3] >= 1) break;
    if (a.querySelector(':scope > img')) overImage = true;
  }
  out.push({ text: e.textContent.trim().slice(0, 40), fg: parse(s.color), layers, overImage });
}
return out;
"#;

fn luminance(c: [f64; 3]) -> f64 {
    let f = |v: f64| {
        let v = v / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2])
}

pub(crate) fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn over(top: &[f64], under: [f64; 3]) -> [f64; 3] {
    let a = top[3];
    [0, 1, 2].map(|i| top[i] * a + under[i] * (1.0 - a))
}

/// Every text on screen against what is behind it: at least `min`:1.
/// Returns the lowest ratio seen, for the report.
pub(crate) async fn assert_contrast(c: &Client, what: &str, min: f64) -> f64 {
    let texts = js(c, TEXT_COLOURS).await;
    let mut lowest = f64::MAX;
    let mut bad = Vec::new();
    for t in texts.as_array().unwrap() {
        let fg: Vec<f64> = serde_json::from_value(t["fg"].clone()).unwrap();
        let layers: Vec<Vec<f64>> = serde_json::from_value(t["layers"].clone()).unwrap();
        let opaque_base = layers.last().is_some_and(|l| l[3] >= 1.0);
        let bases: Vec<[f64; 3]> = if opaque_base && !t["overImage"].as_bool().unwrap() {
            vec![[0.0; 3]]
        } else {
            vec![[255.0; 3], [0.0; 3]]
        };
        for base in bases {
            let bg = layers.iter().rev().fold(base, |under, l| over(l, under));
            let ratio = contrast(over(&fg, bg), bg);
            lowest = lowest.min(ratio);
            if ratio < min {
                bad.push(format!("{:?} {ratio:.2}:1", t["text"].as_str().unwrap()));
            }
        }
    }
    assert!(bad.is_empty(), "{what}: text below {min}:1: {bad:?}");
    assert!(lowest < f64::MAX, "{what}: no text found");
    lowest
}

/// The QR codes zbar finds in a picture (`zbarimg --raw`), QR codes only:
/// with every symbology on, a softened picture gave a false EAN-8 read.
pub(crate) fn decode_qr(png: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(png)
        .output()
        .expect("zbarimg (Debian zbar-tools): run `cargo xtask test`, which installs it");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The screenshot as a phone 3 m from a 55" screen sees it: a 1x lens
/// (69° across, 4.1 m wide at 3 m) in a 1920-pixel preview puts the
/// panel's 1.218 m on 567 pixels, slightly soft.
pub(crate) fn as_seen_from_3m(png: &Path, screen_width: u32) -> std::path::PathBuf {
    let percent = 567.0 * 100.0 / f64::from(screen_width);
    let out = png.with_extension("3m.png");
    let status = Command::new("convert")
        .arg(png)
        .args(["-resize", &format!("{percent:.2}%"), "-blur", "0x0.6"])
        .arg(&out)
        .status()
        .expect("ImageMagick's convert");
    assert!(status.success());
    out
}

/// The height in pixels of the ink of the first character of `css`'s
/// text (a capital without descender gives its cap height), measured on
/// the screenshot: rows in the glyph's box holding pixels far from the
/// background.
pub(crate) async fn cap_height(c: &Client, css: &str, png: &Path) -> u32 {
    let script = format!(
        "const e = document.querySelector({}); const range = document.createRange();
         const node = [...e.childNodes].find((n) => n.nodeType === 3);
         range.setStart(node, 0); range.setEnd(node, 1);
         const r = range.getBoundingClientRect(); const s = getComputedStyle(document.body);
         return [r.left, r.top, r.right, r.bottom, devicePixelRatio, e.textContent[0]];",
        serde_json::to_string(css).unwrap()
    );
    let b = js(c, &script).await;
    let f = |i: usize| b[i].as_f64().unwrap();
    let (left, top, right, bottom) = (f(0), f(1), f(2), f(3));
    let img = image::open(png).unwrap().to_rgb8();
    let bg = *img.get_pixel(2, 2);
    let ink = |p: &image::Rgb<u8>| {
        p.0.iter()
            .zip(bg.0.iter())
            .map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs())
            .sum::<i32>()
            > 240
    };
    let rows = (top.max(0.0) as u32..bottom.min(f64::from(img.height())) as u32)
        .filter(|y| (left.max(0.0) as u32..right as u32).any(|x| ink(img.get_pixel(x, *y))))
        .count();
    eprintln!(
        "cap height of {:?} in {css}: {rows} px",
        b[5].as_str().unwrap_or("?")
    );
    rows as u32
}

/// The cap height of each lobby card's title that starts with a flat
/// capital (no descender, no overshoot): `(title, px)`, in card order.
pub(crate) async fn lobby_title_caps(c: &Client, png: &Path) -> Vec<(String, u32)> {
    let titles = js(
        c,
        "return [...document.querySelectorAll('#lobby-view > *')].map((card) => {
           const t = card.querySelector('.room-now .title');
           return t ? t.textContent : '';
         });",
    )
    .await;
    let mut caps = Vec::new();
    for (i, title) in titles.as_array().unwrap().iter().enumerate() {
        let title = title.as_str().unwrap_or_default();
        if !title.starts_with(|ch: char| "BDEFHIKLMNPRTUVWXYZ".contains(ch)) {
            continue;
        }
        let css = format!("#lobby-view > :nth-child({}) .room-now .title", i + 1);
        caps.push((title.to_string(), cap_height(c, &css, png).await));
    }
    caps
}

/// Run `LAYOUT`-style checks and read back a value (for the lobby's grid).
pub(crate) async fn lobby_grid(c: &Client) -> Value {
    js(
        c,
        "const cards = [...document.querySelectorAll('#lobby-view .room-card')];
         const xs = new Set(cards.map((c) => Math.round(c.getBoundingClientRect().left)));
         const ys = new Set(cards.map((c) => Math.round(c.getBoundingClientRect().top)));
         return [xs.size, ys.size, cards.length];",
    )
    .await
}
