// @ts-check
// The organizer's control panel: one screen to see every room's "now" and
// to change the day in seconds. It renders the view the core computes
// (`control_state`) and sends intents; it decides nothing: no time
// arithmetic, no limits (they come in the view).

import { renderAnnouncements } from './announcements.js';
import { renderAudit } from './audit.js';
import { renderEmergency, renderRoomStatus } from './glance.js';
import { $, $$, forgetRendered } from './dom.js';
import { ageStatus, clearError, done, showError } from './feedback.js';
import * as ipc from './ipc.js';
import { hideLock, renderLock, showLock } from './lock.js';
import { renderPhotos } from './photos.js';
import { onRoomSelected, renderRooms } from './rooms.js';
import { renderSchedule, selectRoom } from './schedule.js';
import { renderScreens } from './screens.js';
import { renderSources } from './sources.js';
import { setLabels, t } from './l10n.js';
import { hooks, ui, view } from './state.js';

/** @typedef {import('./view').ControlState} ControlState */

function renderHeader() {
  const v = view();
  $('#conference').textContent = v.conference || t('panel.app_name');
  $('#timezone').textContent = t('panel.times_in', { zone: v.timezone });
  if ($('#clock').textContent !== v.clock) $('#clock').textContent = v.clock;
  const undoButton = $('#undo');
  undoButton.disabled = !v.undo;
  const what = v.undo ? v.undo.what : t('panel.nothing_to_undo');
  $('.undo-what', undoButton).textContent = what;
  undoButton.title = v.undo ? t('panel.undo_what', { what }) : t('panel.nothing_to_undo');
  const badge = $('#sync-badge');
  badge.dataset.level = v.sync_badge.level;
  badge.textContent = v.sync_badge.text;
  badge.title = v.sync_badge.detail;
  const tabCount = (name, n, alert) => {
    const count = $(`[data-tab="${name}"] .count`);
    count.hidden = !n;
    count.textContent = String(n);
    count.classList.toggle('alert', alert);
  };
  tabCount('announcements', v.counts.announcements, false);
  tabCount('photos', v.counts.photos, v.counts.photos_alert);
  tabCount('sources', v.counts.sources, v.counts.sources > 0);
  tabCount('screens', v.counts.screens, v.screens.red > 0);
}

function render() {
  const v = view();
  if (!v.rooms.some((r) => r.id === ui.selectedRoom)) {
    ui.selectedRoom = v.rooms.length ? v.rooms[0].id : null;
    ui.scrollPending = true;
  }
  $('#app').dataset.state = 'ready';
  renderHeader();
  renderRooms();
  renderSchedule();
  renderRoomStatus();
  renderAnnouncements();
  renderEmergency();
  renderPhotos();
  renderSources();
  renderScreens();
  renderAudit();
}

/** @param {ControlState} state */
function receive(state) {
  ui.lock = state.lock;
  $('#loading').hidden = true;
  if (state.lock.locked || !state.view) {
    if (!ui.locked) forgetRendered(); // render everything again after unlocking
    showLock();
    return;
  }
  ui.view = state.view;
  hideLock();
  render();
}

let inFlight = null;
let again = false;
let pollTimer = 0;
/** The core's poll interval, once it has answered. */
let pollMs = 0;

/** Ask the core for the view now (one call at a time; a second ask repeats it). */
async function refresh() {
  if (inFlight) { again = true; return inFlight; }
  inFlight = (async () => {
    do {
      again = false;
      try {
        const state = await ipc.controlState(ui.selectedDay);
        receive(state);
        clearError('poll');
        pollMs = state.poll_ms;
      } catch (err) {
        showError(t('panel.cannot_read_state', { message: (err && err.message) || String(err) }), 'poll');
      }
      clearTimeout(pollTimer);
      // Before any answer there is nothing to keep up with (outside the app).
      if (pollMs) pollTimer = setTimeout(refresh, pollMs);
    } while (again);
    ageStatus();
  })();
  try { await inFlight; } finally { inFlight = null; }
}

hooks.refresh = refresh;
hooks.showLock = () => { refresh(); };

function setTab(name) {
  ui.tab = name;
  for (const t of $$('#tabs [data-tab]')) t.setAttribute('aria-selected', String(t.dataset.tab === name));
  for (const p of $$('#main [data-panel]')) p.hidden = p.dataset.panel !== name;
}
$('#tabs').addEventListener('click', (event) => {
  const t = event.target.closest('[data-tab]');
  if (t) setTab(t.dataset.tab);
});
$('#tabs').addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
  const tabs = $$('#tabs [data-tab]');
  const i = tabs.findIndex((t) => t.dataset.tab === ui.tab);
  const next = tabs[(i + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
  setTab(next.dataset.tab);
  next.focus();
});
$('#sync-badge').addEventListener('click', () => setTab('sources'));

onRoomSelected((id) => {
  selectRoom(id);
  setTab('schedule');
  render();
});

$('#undo').addEventListener('click', () => {
  const undoButton = $('#undo');
  if (undoButton.disabled) return;
  undoButton.disabled = true;
  done(() => ipc.undo(), t('panel.undo_failed'));
});

async function start() {
  // Listen first, then ask: a change that races the first answer is not lost.
  try { await ipc.onControlChanged(() => refresh()); } catch { /* polling still works */ }
  try {
    setLabels(await ipc.controlLabels());
  } catch (err) {
    // Outside the app there are no words to show but the failure itself.
    showError((err && err.message) || String(err), 'poll');
  }
  renderLock();
  await refresh();
}

start();
