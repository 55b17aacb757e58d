// The control panel's one seam to Tauri: nothing else in control*.js touches
// window.__TAURI__. Every command is wrapped in a function, and every failure
// comes back as a plain { code, message, retry_after_ms? } object so the UI
// can show a sentence and branch on a code (`locked` → the lock screen).

const tauri = window.__TAURI__;

/** A rejected invoke as { code, message, … }, whatever shape it came in. */
function normalizeError(err) {
  if (err && typeof err === 'object' && typeof err.message === 'string') {
    return { ...err, code: typeof err.code === 'string' ? err.code : 'error' };
  }
  if (typeof err === 'string') return { code: 'error', message: err };
  return { code: 'error', message: String(err) };
}

async function call(command, args, options) {
  if (!tauri || !tauri.core) {
    throw { code: 'no_shell', message: 'This page must run inside the Summit Kiosk app.' };
  }
  try {
    return await tauri.core.invoke(command, args, options);
  } catch (err) {
    throw normalizeError(err);
  }
}

/** Everything the panel shows (see control.js for the shape). */
export const controlState = () => call('control_state');

/** Call `handler()` whenever the shell says something the panel shows changed. */
export function onControlChanged(handler) {
  if (!tauri || !tauri.event) return Promise.resolve(() => {});
  return tauri.event.listen('control-changed', () => handler());
}

export const unlock = (pin) => call('unlock', { pin });
export const lock = () => call('lock');

/** What delaying `room` by `minutes` from `fromMs` would move; changes nothing. */
export const planDelay = (room, fromMs, minutes) => call('plan_delay', { room, fromMs, minutes });

/** One schedule edit: `{ kind: 'delay' | 'started_at' | …, … }` (snake_case fields). */
export const applyEdit = (edit) => call('apply_edit', { edit });
export const undo = () => call('undo');

export const addAnnouncement = ({ text, rooms, priority, startsMs, expiresMs }) =>
  call('add_announcement', { text, rooms, priority, startsMs, expiresMs });
export const removeAnnouncement = (id) => call('remove_announcement', { id });

export const setPhotoHidden = (id, hidden) => call('set_photo_hidden', { id, hidden });
export const setPhotoApproved = (id, approved) => call('set_photo_approved', { id, approved });
export const setApproveMode = (on) => call('set_approve_mode', { on });

/** One photo's bytes as the raw request body; the file name rides in a header. */
export const uploadPhoto = (bytes, fileName) =>
  call('upload_photo', bytes, { headers: { 'x-file-name': encodeURIComponent(fileName) } });

export const syncNow = (source) => call('sync_now', { source });
export const setActiveSource = (source) => call('set_active_source', { source });
export const rollback = () => call('rollback');
