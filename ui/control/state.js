// @ts-check
// What the panel holds between answers: the last view from the core and the
// organizer's own choices (room, day tab, tab). Nothing here is decided by
// the UI: the view says what is on, when and how late.

/** @typedef {import('./view').ControlView} ControlView */
/** @typedef {import('./view').LockView} LockView */

/** A session kind's catalogue key (the words are the core's: `t(KIND_LABEL[kind])`). */
export const KIND_LABEL = { talk: 'panel.kind.talk', break: 'panel.kind.break', working_session: 'panel.kind.working_session', social: 'panel.kind.social' };

export const ui = {
  /** @type {ControlView | null} the last unlocked view */
  view: null,
  /** @type {LockView | null} */
  lock: null,
  /** @type {boolean | null} null until the first answer */
  locked: null,
  /** @type {string | null} room id */
  selectedRoom: null,
  /** @type {string | null} a day tab's key; null: today, as the core picks it */
  selectedDay: null,
  /** Scroll the timeline to "now" after the next render. */
  scrollPending: true,
  tab: 'schedule',
  /** A set_approve_mode call is on its way: keep the checkbox as clicked. */
  approveModePending: false,
};

/** The current view; only called while unlocked. @returns {ControlView} */
export function view() {
  if (!ui.view) throw new Error('no_view'); // a bug: called while locked
  return ui.view;
}

export function roomName(id) {
  const room = (ui.view ? ui.view.rooms : []).find((r) => r.id === id);
  return room ? room.name : id;
}

/** @returns {import('./view').SessionRow | undefined} */
export function sessionById(id) {
  return (ui.view ? ui.view.sessions : []).find((s) => s.id === id);
}

/** Things that want to run after each answer (set by main.js). */
export const hooks = {
  /** @type {() => Promise<void>} */
  refresh: async () => {},
  /** @type {(retry: boolean) => void} */
  showLock: () => {},
};
