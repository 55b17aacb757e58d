// @ts-check
// What the organizer can do to a session, and adding one. Times are sent as
// typed (`HH:MM`) and minutes as numbers: the core resolves them within the
// session's conference day and checks every limit, and says why it refuses.

import { $, $$, button, clockInput, el, field, textEl } from './dom.js';
import { applyEdit, ask, showPreview, typo } from './dialogs.js';
import { say } from './feedback.js';
import { t } from './l10n.js';
import { KIND_LABEL, roomName, ui, view } from './state.js';

/** @typedef {import('./view').SessionRow} SessionRow */
/** @typedef {import('./view').EditIntent} EditIntent */

function sessionLine(s) {
  const p = el('p', 'dialog-session');
  p.append(el('span', 'time', `${s.start_local}–${s.end_local}`), ' ', textEl('span', 'title clamp-2', s.title || t('panel.untitled')));
  return p;
}

/** Whole minutes as typed, or a mistake said in the dialog. */
function minutesOf(input) {
  const minutes = Number(input.value);
  if (!input.value.trim() || !Number.isInteger(minutes)) throw typo(t('panel.typo.minutes'));
  return minutes;
}

function minutesPicker() {
  const { limits } = view();
  const wrap = el('div', 'minutes-picker');
  const input = el('input', 'minutes-input');
  input.type = 'number';
  input.id = 'dialog-minutes';
  input.min = '1';
  input.max = String(limits.delay_minutes);
  input.step = '1';
  input.inputMode = 'numeric';
  input.placeholder = t('panel.min');
  const quick = el('div', 'quick');
  for (const n of limits.minute_choices) {
    const b = button(`+${n}`, 'accent', { minutes: String(n) });
    b.addEventListener('click', () => { input.value = String(n); $('#dialog-confirm').click(); });
    quick.append(b);
  }
  wrap.append(quick, field(t('panel.or_minutes'), input));
  return { wrap, input };
}

/** Ask how long, then show the core's preview of the delay or extension. @param {SessionRow} s */
function askMinutes(s, what) {
  const { wrap, input } = minutesPicker();
  const extend = what === 'extend';
  return ask({
    title: extend ? t('panel.extend_how_long') : t('panel.delay_how_long'),
    body: [sessionLine(s), el('p', 'hint', t(extend ? 'panel.extend_hint' : 'panel.delay_hint')), wrap],
    confirm: t('panel.preview'),
    focus: input,
    onConfirm: () => {
      const minutes = minutesOf(input);
      /** @type {EditIntent} */
      const edit = extend ? { kind: 'extend', session: s.id, minutes }
        : { kind: 'delay', room: s.room_id, minutes, from_session: s.id };
      return () => showPreview(edit);
    },
  });
}

/** @param {SessionRow} s */
function askStartedAt(s) {
  const input = clockInput('dialog-started', view().clock);
  return ask({
    title: t('panel.started_when'),
    body: [sessionLine(s), field(t('panel.started_at'), input, t('panel.planned', { time: s.start_local })),
      el('p', 'hint', t('panel.started_hint'))],
    confirm: t('panel.next'),
    focus: input,
    onConfirm: () => {
      if (!input.value.trim()) throw typo(t('panel.typo.start_time'));
      return () => showPreview({ kind: 'started_at', session: s.id, at: input.value.trim() });
    },
  });
}

/** Each simple edit's title, text and confirm button (catalogue keys). */
const SIMPLE = {
  end_now: ['panel.end_now_title', 'panel.end_now_text', 'panel.end_now'],
  skip: ['panel.skip_title', 'panel.skip_text', 'panel.skip'],
  cancel: ['panel.cancel_title', 'panel.cancel_text', 'panel.cancel_session'],
};

/** @param {SessionRow} s @param {'end_now'|'skip'|'cancel'} kind */
function confirmSimple(s, kind) {
  const [title, text, confirm] = SIMPLE[kind];
  return ask({
    title: t(title),
    body: [sessionLine(s), el('p', 'hint', t(text))],
    confirm: t(confirm),
    danger: true,
    onConfirm: () => applyEdit({ kind, session: s.id }),
  });
}

function roomSelect(current) {
  const select = el('select', 'room-select');
  select.id = 'dialog-room';
  for (const room of view().rooms) {
    const option = el('option', null, room.name);
    option.value = room.id;
    option.selected = room.id === current;
    select.append(option);
  }
  return select;
}

/** @param {SessionRow} s */
function askMove(s) {
  const select = roomSelect(view().rooms.find((r) => r.id !== s.room_id)?.id);
  return ask({
    title: t('panel.move_title'),
    body: [sessionLine(s), el('p', 'hint', t('panel.move_hint', { room: roomName(s.room_id) })), field(t('panel.room'), select)],
    confirm: t('panel.move'),
    focus: select,
    onConfirm: () => {
      if (select.value === s.room_id) throw typo(t('panel.typo.same_room'));
      return applyEdit({ kind: 'move', session: s.id, room: select.value });
    },
  });
}

/** Speaker name inputs with Add / Remove, as many as the core allows. */
function speakerEditor(names) {
  const { limits } = view();
  const box = el('div', 'speaker-editor');
  const rows = el('div', 'speaker-rows');
  const addRow = (value) => {
    if (rows.children.length >= limits.speakers_per_session) return null;
    const row = el('div', 'speaker-row');
    const input = el('input');
    input.type = 'text';
    input.maxLength = limits.name_chars;
    input.dir = 'auto';
    input.value = value || '';
    input.setAttribute('aria-label', t('panel.speaker_name'));
    const remove = button(t('panel.remove'), 'small quiet');
    remove.addEventListener('click', () => row.remove());
    row.append(input, remove);
    rows.append(row);
    return input;
  };
  for (const n of names) addRow(n);
  const add = button(t('panel.add_speaker'), 'small');
  add.addEventListener('click', () => { const i = addRow(''); if (i) i.focus(); });
  box.append(rows, add);
  return { box, names: () => $$('input', rows).map((i) => i.value.trim()).filter(Boolean) };
}

function titleInput(value) {
  const input = el('input', 'title-input');
  input.type = 'text';
  input.id = 'dialog-title-input';
  input.maxLength = view().limits.title_chars;
  input.dir = 'auto';
  input.required = true;
  input.value = value || '';
  return input;
}

function titleHint(title) {
  const limit = view().limits.title_chars;
  const length = [...(title || '')].length;
  return length > limit ? t('panel.title_too_long', { length, limit }) : t('panel.title_up_to', { limit });
}

/**
 * The session's badges as fields: languages as typed (tags or names, the
 * core reads them), recording, captions, sign language.
 * @param {SessionRow} s
 */
function badgeFields(s) {
  const { glance } = view();
  const languages = el('input');
  languages.id = 'dialog-languages';
  languages.value = s.access.languages.join(', ');
  languages.placeholder = t('panel.languages_placeholder');
  const recording = el('select');
  recording.id = 'dialog-recording';
  recording.append(...glance.recordings.map((r) => {
    const option = el('option', null, r.label);
    option.value = r.value;
    option.selected = r.value === s.access.recording;
    return option;
  }));
  const captions = el('input');
  captions.type = 'checkbox';
  captions.id = 'dialog-captions';
  captions.checked = s.access.captions;
  const captionsLabel = el('label', 'check');
  captionsLabel.append(captions, ' ', t('panel.live_captions'));
  const sign = el('input');
  sign.id = 'dialog-sign-language';
  sign.maxLength = glance.sign_language_chars;
  sign.value = s.access.sign_language || '';
  sign.placeholder = t('panel.sign_language_placeholder');
  const row = el('div', 'form-row');
  row.append(field(t('panel.languages'), languages), field(t('panel.recording'), recording), captionsLabel, field(t('panel.sign_language'), sign));
  const read = () => ({
    languages: languages.value.split(',').map((l) => l.trim()).filter(Boolean),
    recording: recording.value,
    captions: captions.checked,
    ...(sign.value.trim() ? { sign_language: sign.value.trim() } : {}),
  });
  return { row, read };
}

/** @param {SessionRow} s */
function editSession(s) {
  const title = titleInput(s.title);
  const names = s.speakers.map((sp) => sp.name);
  const speakers = speakerEditor(names);
  const start = clockInput('dialog-start', s.start_local);
  const end = clockInput('dialog-end', s.end_local);
  const room = roomSelect(s.room_id);
  const times = el('div', 'form-row');
  times.append(field(t('panel.start'), start), field(t('panel.end'), end), field(t('panel.room'), room));
  const badges = badgeFields(s);
  return ask({
    title: t('panel.edit_session'),
    body: [field(t('panel.title'), title, titleHint(s.title)), times, field(t('panel.speakers'), speakers.box), badges.row],
    confirm: t('panel.save'),
    focus: title,
    onConfirm: () => {
      /** @type {EditIntent & { kind: 'edit_session' }} */
      const edit = { kind: 'edit_session', session: s.id };
      const newTitle = title.value.trim();
      if (!newTitle) throw typo(t('panel.typo.empty_title'));
      if (newTitle !== s.title) edit.title = newTitle;
      const newNames = speakers.names();
      if (JSON.stringify(newNames) !== JSON.stringify(names)) edit.speakers = newNames;
      if (start.value.trim() !== s.start_local) edit.start = start.value.trim();
      if (end.value.trim() !== s.end_local) edit.end = end.value.trim();
      if (room.value !== s.room_id) edit.room = room.value;
      const access = badges.read();
      const before = { ...s.access };
      if (!before.sign_language) delete before.sign_language;
      if (JSON.stringify(access) !== JSON.stringify(before)) edit.access = access;
      if (Object.keys(edit).length === 2) { say(t('panel.nothing_changed')); return undefined; }
      return applyEdit(edit);
    },
  });
}

function addSession() {
  const v = view();
  if (!ui.selectedRoom || !v.day) return;
  const title = titleInput('');
  const speakers = speakerEditor(['']);
  const kind = el('select');
  kind.id = 'dialog-kind';
  for (const [value, key] of Object.entries(KIND_LABEL)) {
    const option = el('option', null, t(key));
    option.value = value;
    kind.append(option);
  }
  const start = clockInput('dialog-start', '');
  const end = clockInput('dialog-end', '');
  const room = roomSelect(ui.selectedRoom);
  const day = v.day;
  const times = el('div', 'form-row');
  times.append(field(t('panel.start'), start), field(t('panel.end'), end), field(t('panel.kind'), kind), field(t('panel.room'), room));
  ask({
    title: t('panel.add_session_on', { day: v.days.find((d) => d.key === day)?.label || day }),
    body: [field(t('panel.title'), title, titleHint('')), times, field(t('panel.speakers'), speakers.box)],
    confirm: t('panel.add_session'),
    focus: title,
    onConfirm: () => {
      const text = title.value.trim();
      if (!text) throw typo(t('panel.typo.empty_title'));
      if (!start.value.trim() || !end.value.trim()) throw typo(t('panel.typo.start_end'));
      return applyEdit({
        kind: 'add_session', room: room.value, title: text, speakers: speakers.names(),
        session_kind: kind.value, day, start: start.value.trim(), end: end.value.trim(),
      });
    },
  });
}
$('#add-session').addEventListener('click', addSession);

/** Run the action a row's button names. @param {SessionRow} s @param {string} action */
export function sessionActions(s, action) {
  const quick = /^delay-(\d+)$/.exec(action);
  if (quick) {
    showPreview({ kind: 'delay', room: s.room_id, minutes: Number(quick[1]), from_session: s.id });
    return;
  }
  const handlers = {
    delay: () => askMinutes(s, 'delay'),
    'started-at': () => askStartedAt(s),
    extend: () => askMinutes(s, 'extend'),
    'end-now': () => confirmSimple(s, 'end_now'),
    skip: () => confirmSimple(s, 'skip'),
    cancel: () => confirmSimple(s, 'cancel'),
    move: () => askMove(s),
    edit: () => editSession(s),
  };
  if (handlers[action]) handlers[action]();
}
