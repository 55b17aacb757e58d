// @ts-check
// The Schedule tab: the selected room's sessions on one conference day (the
// core lists them, with each one's phase and delay), the day tabs, and the
// room's "running late?" delay bar.

import { $, $$, button, chip, el, renderPart, textEl } from './dom.js';
import { showError } from './feedback.js';
import { showPreview } from './dialogs.js';
import { sessionActions } from './actions.js';
import { t } from './l10n.js';
import { KIND_LABEL, hooks, roomName, sessionById, ui, view } from './state.js';

/** @typedef {import('./view').SessionRow} SessionRow */

/** Phases in which a session can still be delayed, ended or moved. */
const LIVE = ['now', 'overlapped', 'upcoming'];

export function renderSchedule() {
  const v = view();
  const name = ui.selectedRoom ? roomName(ui.selectedRoom) : '';
  $('#delay-room-name').textContent = name || '—';
  $('#add-session').disabled = !ui.selectedRoom || !v.day;
  renderDelayBar();

  renderPart('days', $('#days'), [v.days, v.day], () => {
    const box = $('#days');
    box.replaceChildren();
    for (const day of v.days) {
      const b = button(day.today ? t('panel.day_today', { day: day.label }) : day.label, 'day small', { day: day.key, focus: `day:${day.key}` });
      b.setAttribute('aria-pressed', String(day.key === v.day));
      box.append(b);
    }
  });

  const label = v.days.find((d) => d.key === v.day)?.label || '';
  $('#timeline-title').textContent = name ? `${name} · ${label}` : t('panel.no_room_selected');
  const sessions = v.sessions.filter((s) => s.room_id === ui.selectedRoom);
  const timeline = $('#timeline');
  // Rebuilt when a session changes or moves into another phase, not every
  // poll: a click must not land on a button that is being replaced.
  const changed = renderPart('timeline', timeline, [ui.selectedRoom, v.day, sessions, v.rooms.length, v.limits.row_delays], () => {
    timeline.replaceChildren();
    if (!sessions.length) {
      const why = ui.selectedRoom ? 'panel.no_sessions'
        : v.rooms.length ? 'panel.pick_room_left' : 'panel.no_schedule';
      timeline.append(el('li', 'empty', t(why)));
      return;
    }
    for (const s of sessions) timeline.append(sessionRow(s));
  });
  if (changed && ui.scrollPending) {
    ui.scrollPending = false;
    const target = $('[data-phase="now"]', timeline) || $('[data-phase="upcoming"]', timeline);
    timeline.scrollTop = target ? Math.max(0, target.offsetTop - 8) : 0;
  }
}

function renderDelayBar() {
  const { limits } = view();
  $('#delay-minutes').max = String(limits.delay_minutes);
  renderPart('delay-bar', $('#delay-quick'), [limits.quick_delays, !!ui.selectedRoom], () => {
    const box = $('#delay-quick');
    box.replaceChildren(...limits.quick_delays.map((m) => {
      const b = button(t('panel.plus_min', { m }), 'big accent', { delay: String(m) });
      b.disabled = !ui.selectedRoom;
      return b;
    }));
  });
  $('#delay-custom').disabled = !ui.selectedRoom;
}

/** @param {SessionRow} s */
function sessionRow(s) {
  const row = el('li', 'session');
  row.dataset.sessionId = s.id;
  row.dataset.phase = s.phase;
  row.dataset.kind = s.kind;

  const when = el('div', 'when');
  when.append(el('span', 'start', s.start_local), el('span', 'end', `–${s.end_local}`));
  if (s.delay_minutes > 0) when.append(chip(t('panel.plus_min', { m: s.delay_minutes }), 'late'));
  if (s.delay_minutes < 0) when.append(chip(t('panel.minus_min', { m: -s.delay_minutes }), 'ok'));
  row.append(when);

  const info = el('div', 'info');
  const meta = el('div', 'meta');
  if (s.phase === 'now') meta.append(chip(t('panel.now_on_screen'), 'now'));
  if (s.phase === 'overlapped') meta.append(chip(t('panel.under_way'), 'past'));
  meta.append(chip(t(KIND_LABEL[s.kind]), `kind-${s.kind}`));
  if (s.cancelled) meta.append(chip(t('panel.cancelled'), 'cancelled'));
  if (s.skipped) meta.append(chip(t('panel.skipped'), 'skipped'));
  if (s.local) meta.append(chip(t('panel.added_here'), 'local'));
  if (s.phase === 'past') meta.append(chip(t('panel.ended'), 'past'));
  info.append(meta);
  info.append(textEl('div', 'title clamp-2', s.title || t('panel.untitled')));
  if (s.speakers.length) {
    const line = el('div', 'speakers clamp-1');
    line.dir = 'auto';
    s.speakers.forEach((sp, i) => {
      const item = el('span', 'speaker');
      item.dir = 'auto';
      item.append(el('span', 'speaker-name', sp.name));
      if (sp.affiliation) item.append(' ', el('span', 'affiliation', sp.affiliation));
      line.append(item);
      if (i < s.speakers.length - 1) line.append(el('span', 'sep', ' · '));
    });
    line.title = s.speakers.map((sp) => sp.name).join(', ');
    info.append(line);
  }
  row.append(info);

  const actions = el('div', 'actions');
  const add = (label, action, cls) => actions.append(button(label, `small ${cls || ''}`, { action, focus: `${action}:${s.id}` }));
  const live = LIVE.includes(s.phase);
  if (live) {
    for (const m of view().limits.row_delays) add(`+${m}`, `delay-${m}`, 'accent');
    add(t('panel.delay_more'), 'delay');
    add(t('panel.started_at_more'), 'started-at');
    add(t('panel.extend_more'), 'extend');
    if (s.phase !== 'upcoming') add(t('panel.end_now'), 'end-now', 'warn');
    add(t('panel.skip'), 'skip', 'warn');
    add(t('panel.cancel'), 'cancel', 'warn');
    add(t('panel.move_more'), 'move');
  }
  add(t('panel.edit_more'), 'edit');
  row.append(actions);
  row.classList.toggle('minimal', !live); // one button: beside the text, not below
  return row;
}

$('#days').addEventListener('click', (event) => {
  const b = event.target.closest('[data-day]');
  if (!b) return;
  const today = view().days.find((d) => d.today);
  // Picking today's tab follows today again (the core moves it at the day change).
  ui.selectedDay = today && today.key === b.dataset.day ? null : b.dataset.day;
  ui.scrollPending = true;
  hooks.refresh();
});

$('#timeline').addEventListener('click', (event) => {
  const b = event.target.closest('button[data-action]');
  const row = event.target.closest('[data-session-id]');
  const session = row && sessionById(row.dataset.sessionId);
  if (b && session) sessionActions(session, b.dataset.action);
});

/** Delay the selected room from now by `minutes`, after the core's preview. */
function delayRoom(minutes) {
  if (!ui.selectedRoom) return;
  showPreview({ kind: 'delay', room: ui.selectedRoom, minutes });
}

$('#delay-room').addEventListener('click', (event) => {
  const b = event.target.closest('[data-delay]');
  if (b) delayRoom(Number(b.dataset.delay));
});
$('#delay-room').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('#delay-minutes');
  const minutes = Number(input.value);
  // The core checks the range and says it; this only catches a non-number.
  if (!input.value.trim() || !Number.isInteger(minutes)) {
    showError(t('panel.typo.delay_minutes'));
    input.focus();
    return;
  }
  delayRoom(minutes);
  input.value = '';
});

/** The tabs' visible parts that depend on the selected room. */
export function selectRoom(id) {
  if (ui.selectedRoom !== id) ui.scrollPending = true;
  ui.selectedRoom = id;
  for (const card of $$('#rooms [data-room-id]')) card.setAttribute('aria-pressed', String(card.dataset.roomId === id));
}
