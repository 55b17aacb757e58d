// @ts-check
// The control panel's one seam to Tauri: nothing else in ui/control touches
// window.__TAURI__. Every command is wrapped in a typed function, and every
// failure comes back as a plain { code, message } object so the UI can show
// a sentence and branch on a code (`locked` → the lock screen).

/** @typedef {import('./view').ControlState} ControlState */
/** @typedef {import('./view').EditIntent} EditIntent */
/** @typedef {import('./view').AnnouncementIntent} AnnouncementIntent */
/** @typedef {import('./view').Preview} Preview */
/** @typedef {import('./view').RoomStatusIntent} RoomStatusIntent */
/** @typedef {import('./view').EmergencyIntent} EmergencyIntent */
/** @typedef {import('./view').Done} Done */
/** @typedef {import('./view').Action} Action */
/** @typedef {import('./view').PanelLabels} PanelLabels */
/** @typedef {{ code: string, message: string, local?: boolean }} Failure */

const tauri = window.__TAURI__;

/** A rejected invoke as { code, message }, whatever shape it came in. @returns {Failure} */
export function failure(err) {
  if (err && typeof err === 'object' && typeof err.message === 'string') {
    return { ...err, code: typeof err.code === 'string' ? err.code : 'error' };
  }
  return { code: 'error', message: String(err) };
}

/** @param {string} command @param {any} [args] @param {any} [options] */
async function call(command, args, options) {
  if (!tauri || !tauri.core) {
    // Outside the app there is no core to word this: the code is the message.
    throw { code: 'no_shell', message: 'no_shell' };
  }
  try {
    return await tauri.core.invoke(command, args, options);
  } catch (err) {
    throw failure(err);
  }
}

/** The panel's words in the organizer's language (asked once). @returns {Promise<PanelLabels>} */
export const controlLabels = () => call('control_labels');

/** Everything the panel shows, for day tab `day` (null: today). @returns {Promise<ControlState>} */
export const controlState = (day) => call('control_state', { day });

/** Call `handler()` whenever the shell says something the panel shows changed. */
export function onControlChanged(handler) {
  if (!tauri || !tauri.event) return Promise.resolve(() => {});
  return tauri.event.listen('control-changed', () => handler());
}

/** @returns {Promise<void>} */
export const unlock = (pin) => call('unlock', { pin });
/** @returns {Promise<void>} */
export const lock = () => call('lock');

/** What an edit would move; changes nothing. @param {EditIntent} edit @returns {Promise<Preview>} */
export const planDelay = (edit) => call('plan_delay', { edit });
/** @param {EditIntent} edit @returns {Promise<Done>} */
export const applyEdit = (edit) => call('apply_edit', { edit });
/** @returns {Promise<Done>} */
export const undo = () => call('undo');

/** @param {AnnouncementIntent} announcement @returns {Promise<Done>} */
export const addAnnouncement = (announcement) => call('add_announcement', { announcement });
/** @returns {Promise<Done>} */
export const removeAnnouncement = (id) => call('remove_announcement', { id });

/** Set a room's status, or clear it (no occupancy). @param {RoomStatusIntent} status @returns {Promise<Done>} */
export const setRoomStatus = (status) => call('set_room_status', { status });
/** @param {EmergencyIntent} emergency @returns {Promise<Done>} */
export const postEmergency = (emergency) => call('post_emergency', { emergency });
/** @returns {Promise<Done>} */
export const clearEmergency = (id) => call('clear_emergency', { id });

/** @returns {Promise<Done>} */
export const setPhotoHidden = (id, hidden) => call('set_photo_hidden', { id, hidden });
/** @returns {Promise<Done>} */
export const setPhotoApproved = (id, approved) => call('set_photo_approved', { id, approved });
/** @returns {Promise<Done>} */
export const setApproveMode = (on) => call('set_approve_mode', { on });

/** One photo's bytes as the raw request body; the file name rides in a header. @returns {Promise<Done>} */
export const uploadPhoto = (bytes, fileName) =>
  call('upload_photo', bytes, { headers: { 'x-file-name': encodeURIComponent(fileName) } });

/** @returns {Promise<Done>} */
export const syncNow = (source) => call('sync_now', { source });
/** @returns {Promise<Done>} */
export const setActiveSource = (source) => call('set_active_source', { source });
/** @returns {Promise<Done>} */
export const rollback = () => call('rollback');

/** Ask screen `screen` to show its name, or reload. @param {string} screen @param {Action} action @returns {Promise<Done>} */
export const commandScreen = (screen, action) => call('command_screen', { screen, action });
