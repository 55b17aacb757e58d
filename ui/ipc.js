// The one module that talks to Tauri. Nothing else in the UI touches
// window.__TAURI__, so the rest is plain DOM code.

const tauri = window.__TAURI__;

/**
 * Options the shell set for this window: { kiosk, theme, monitor, labels },
 * labels being the words needed before the first snapshot: { lang, waiting }.
 */
export const options = window.__KIOSK_OPTIONS__ || { kiosk: false, theme: 'dark', monitor: null, labels: null };

/** The line shown while no snapshot can be had, in the screen's language. */
export function waitingText(err) {
  const reason = err && err.message ? err.message : String(err);
  const labels = options.labels;
  if (labels && labels.lang) document.documentElement.lang = labels.lang;
  // Without the shell's options (a page opened on its own) the reason alone.
  return labels ? labels.waiting.replace('{reason}', reason) : reason;
}

/** The snapshot the screen should show now (asked once, when the page loads). */
export function getSnapshot() {
  return tauri.core.invoke('get_snapshot');
}

/** Call `handler(snapshot)` whenever the shell pushes a new one. */
export function onSnapshot(handler) {
  return tauri.event.listen('snapshot-changed', (event) => handler(event.payload));
}

/** The photos the wall rotates through: { revision, interval_ms, credit, edges, items }. */
export function getPhotos() {
  return tauri.core.invoke('get_photos');
}

/** Call `handler(playlist)` whenever the photos change. */
export function onPhotos(handler) {
  return tauri.event.listen('photos-changed', (event) => handler(event.payload));
}

/** The address of a photo rendition: served by the shell's photo: scheme. */
export function photoUrl(id, edge) {
  return `photo://localhost/${id}-${edge}.jpg`;
}

/** Open the organizer control panel (it opens locked; the PIN is asked there). */
export function openControlPanel() {
  return tauri.core.invoke('open_control_panel');
}

/**
 * The render heartbeat: tells the shell this page just painted (after each
 * snapshot and once a second; the first is the start-up time). The shell's
 * watchdog keeps systemd's supervision fed only while these arrive. It
 * writes nothing.
 */
export function reportRender() {
  return tauri.core.invoke('report_render').catch(() => {});
}
