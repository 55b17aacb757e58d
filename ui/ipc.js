// The one module that talks to Tauri. Nothing else in the UI touches
// window.__TAURI__, so the rest is plain DOM code.

const tauri = window.__TAURI__;

/** Options the shell set for this window: { kiosk, theme, monitor }. */
export const options = window.__KIOSK_OPTIONS__ || { kiosk: false, theme: 'dark', monitor: null };

/** The snapshot the screen should show now (asked once, when the page loads). */
export function getSnapshot() {
  return tauri.core.invoke('get_snapshot');
}

/** Call `handler(snapshot)` whenever the shell pushes a new one. */
export function onSnapshot(handler) {
  return tauri.event.listen('snapshot-changed', (event) => handler(event.payload));
}
