// The organizer's control panel: one screen to see every room's "now" and to
// change the day in seconds (delay a room, extend, skip, announce, hide a
// photo). It renders what `control_state` returns and sends edits; every
// decision (what a delay moves, what is allowed) is the shell's. Text goes in
// through textContent only: titles and names may be hostile.

import * as ipc from './control-ipc.js';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const POLL_MS = 2000;
const MAX_SPEAKER_ROWS = 50;
const TOOLTIP_CHARS = 400;

const STATE_LABEL = {
  in_session: 'In session', break: 'Break', working_session: 'Working session',
  between_sessions: 'Between sessions', not_started: 'Not started yet',
  day_over: 'Done for today', event_over: 'Finished',
};
const KIND_LABEL = { talk: 'Talk', break: 'Break', working_session: 'Working session', social: 'Social' };

let state = null;          // the last control_state
let receivedAt = 0;        // performance.now() when it arrived
let locked = null;         // null until the first answer
let selectedRoom = null;   // room id
let selectedDay = null;    // 'YYYY-MM-DD' in the venue's zone
let dayChosen = false;     // the organizer picked a day: stop following today
let scrollPending = true;  // scroll the timeline to "now" after the next render
let tab = 'schedule';
let unlockDeadline = 0;    // performance.now() after which unlocking may be tried
let wrongPinSeen = false;
let approveModePending = false; // a set_approve_mode call is on its way
const signatures = new Map();

// ---------------------------------------------------------------- helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Text in any script: its own direction, clamped by CSS, full text on hover. */
function textEl(tag, className, text) {
  const node = el(tag, className, text);
  node.dir = 'auto';
  const s = String(text ?? '');
  node.title = s.length > TOOLTIP_CHARS ? `${s.slice(0, TOOLTIP_CHARS)}…` : s;
  return node;
}

function button(label, className, data = {}) {
  const b = el('button', `button ${className || ''}`.trim(), label);
  b.type = 'button';
  for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
  return b;
}

function chip(text, kind) {
  return el('span', `chip${kind ? ` chip-${kind}` : ''}`, text);
}

function nowMs() {
  return state ? state.now_ms + (performance.now() - receivedAt) : Date.now();
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

// ------------------------------------------------------- venue time zone

let zone = 'UTC';
let fmtTime, fmtTimeSec, fmtParts, fmtDay, fmtDayShort;
const dayKeyCache = new Map();

function setZone(tz) {
  let ok = tz;
  try { new Intl.DateTimeFormat('en-GB', { timeZone: tz }); } catch { ok = 'UTC'; }
  if (ok === zone && fmtTime) return;
  zone = ok;
  const base = { timeZone: zone, hourCycle: 'h23' };
  fmtTime = new Intl.DateTimeFormat('en-GB', { ...base, hour: '2-digit', minute: '2-digit' });
  fmtTimeSec = new Intl.DateTimeFormat('en-GB', { ...base, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  fmtParts = new Intl.DateTimeFormat('en-GB', {
    ...base, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  fmtDay = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short' });
  fmtDayShort = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short' });
  dayKeyCache.clear();
}
setZone('UTC');

function partsOf(ms) {
  const p = {};
  for (const { type, value } of fmtParts.formatToParts(new Date(ms))) p[type] = Number(value);
  if (p.hour === 24) p.hour = 0;
  return p;
}

/** 'YYYY-MM-DD' of an instant, in the venue's zone. */
function dayKey(ms) {
  if (!Number.isFinite(ms)) return '';
  let key = dayKeyCache.get(ms);
  if (!key) {
    const p = partsOf(ms);
    key = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    if (dayKeyCache.size > 20000) dayKeyCache.clear();
    dayKeyCache.set(ms, key);
  }
  return key;
}

function offsetAt(ms) {
  const p = partsOf(ms);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant of a wall-clock time on a day, in the venue's zone. */
function zonedMs(key, hour, minute) {
  const [y, m, d] = key.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d, hour, minute);
  const first = guess - offsetAt(guess);
  const second = guess - offsetAt(first);
  return second;
}

/** Epoch milliseconds from a number or an RFC 3339 string; NaN otherwise. */
function toMs(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Date.parse(value);
  return NaN;
}

function hhmm(ms) { return Number.isFinite(ms) ? fmtTime.format(new Date(ms)) : '—'; }
function dayLabel(key) {
  const [y, m, d] = key.split('-').map(Number);
  return fmtDay.format(new Date(Date.UTC(y, m - 1, d, 12)));
}
function stamp(ms) {
  if (!Number.isFinite(ms)) return '—';
  const sameDay = dayKey(ms) === dayKey(nowMs());
  return sameDay ? fmtTimeSec.format(new Date(ms)) : `${fmtDayShort.format(new Date(ms))} ${fmtTimeSec.format(new Date(ms))}`;
}
function shortStamp(ms) {
  if (!Number.isFinite(ms)) return '—';
  const sameDay = dayKey(ms) === dayKey(nowMs());
  return sameDay ? hhmm(ms) : `${fmtDayShort.format(new Date(ms))} ${hhmm(ms)}`;
}
function ago(ms) {
  if (!Number.isFinite(ms)) return '';
  const min = Math.round((nowMs() - ms) / 60000);
  if (min < 1) return 'just now';
  if (min < 120) return `${min} min ago`;
  return `${Math.round(min / 60)} h ago`;
}

/** "9", "905", "0905", "9:05", "9.05", "09h05" → { hour, minute }, else null. */
function parseClock(text) {
  const s = String(text || '').trim();
  let m = /^(\d{1,2})(?:[:.h](\d{2}))?$/.exec(s);
  if (!m) {
    const digits = /^(\d{3,4})$/.exec(s);
    if (digits) m = [s, s.slice(0, s.length - 2), s.slice(-2)];
  }
  if (!m) return null;
  const hour = Number(m[1]), minute = Number(m[2] || 0);
  if (hour > 23 || minute > 59) return null;
  return { hour, minute };
}

function clockInput(id, value) {
  const input = el('input', 'time-input');
  input.type = 'text';
  input.id = id;
  input.inputMode = 'numeric';
  input.maxLength = 5;
  input.placeholder = 'HH:MM';
  input.autocomplete = 'off';
  input.value = value || '';
  return input;
}

// ---------------------------------------------------- error and status

const errorBox = $('#error');
let errorSource = null;

function showError(message, source = 'action') {
  if (locked && source === 'poll') {
    $('#lock-problem').textContent = message;
    $('#lock-problem').hidden = false;
  }
  $('.message', errorBox).textContent = message;
  errorBox.title = message.length > TOOLTIP_CHARS ? `${message.slice(0, TOOLTIP_CHARS)}…` : message;
  errorBox.hidden = false;
  errorSource = source;
}
function clearError(source) {
  if (source === 'poll') $('#lock-problem').hidden = true;
  if (source && errorSource !== source) return;
  errorBox.hidden = true;
  errorSource = null;
}
$('#error-close').addEventListener('click', () => clearError());

let statusTimer = 0;
function say(message) {
  const box = $('#status');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { box.hidden = true; }, 8000);
}

/** An IPC failure: the lock screen for `locked`, the error strip otherwise. */
function fail(err, prefix) {
  if (err && err.code === 'locked') {
    showLock(null);
    return;
  }
  const message = (err && err.message) || String(err);
  showError(prefix ? `${prefix}: ${message}` : message);
}

// ----------------------------------------------------------- polling

let inFlight = null;
let again = false;

async function refresh() {
  if (inFlight) { again = true; return inFlight; }
  inFlight = (async () => {
    do {
      again = false;
      try {
        receive(await ipc.controlState());
        clearError('poll');
      } catch (err) {
        if (err && err.code === 'locked') showLock(err.retry_after_ms ?? null);
        else showError(`Cannot read the kiosk's state: ${(err && err.message) || err}`, 'poll');
      }
    } while (again);
  })();
  try { await inFlight; } finally { inFlight = null; }
}

function receive(snap) {
  // A locked answer is only { locked, unlock_retry_after_ms }: keep the zone.
  if (snap.timezone) setZone(snap.timezone);
  if (!Number.isFinite(snap.now_ms)) snap.now_ms = Date.now();
  state = snap;
  receivedAt = performance.now();
  $('#loading').hidden = true;
  if (snap.locked) {
    showLock(snap.unlock_retry_after_ms);
    return;
  }
  hideLock();
  render();
}

// ------------------------------------------------------------- lock

const lockScreen = $('#lock-screen');
const pinInput = $('#pin');

/**
 * How long until the next PIN try, in ms. The value is read as a duration,
 * or, when it is as large as an epoch instant, as the instant to wait for.
 */
function retryDelay(value) {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return value > 1e11 ? Math.max(0, value - Date.now()) : value;
}

function showLock(retryAfter) {
  const wait = retryDelay(retryAfter);
  if (wait > 0) {
    unlockDeadline = performance.now() + wait;
    wrongPinSeen = true;
  }
  if (locked === true) { tickLock(); return; }
  locked = true;
  for (const d of $$('dialog')) if (d.open) d.close('locked');
  $('#app').hidden = true;
  $('#loading').hidden = true;
  lockScreen.hidden = false;
  $('#lock-conference').textContent = state && state.conference ? state.conference : '';
  signatures.clear(); // re-render everything after unlocking
  tickLock();
  pinInput.focus();
}

function hideLock() {
  if (locked === false) return;
  locked = false;
  lockScreen.hidden = true;
  $('#app').hidden = false;
  pinInput.value = '';
  wrongPinSeen = false;
  unlockDeadline = 0;
  $('#lock-message').hidden = true;
}

function tickLock() {
  if (!locked) return;
  const left = Math.ceil((unlockDeadline - performance.now()) / 1000);
  const msg = $('#lock-message');
  const unlockButton = $('#unlock');
  if (left > 0) {
    msg.textContent = `Wrong PIN; try again in ${left} s`;
    msg.hidden = false;
    unlockButton.disabled = true;
  } else {
    unlockButton.disabled = false;
    if (wrongPinSeen) {
      msg.textContent = 'Wrong PIN; try again.';
      msg.hidden = false;
    }
  }
}

$('#lock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (performance.now() < unlockDeadline) return;
  const pin = pinInput.value;
  if (!pin) { pinInput.focus(); return; }
  const unlockButton = $('#unlock');
  unlockButton.disabled = true;
  try {
    await ipc.unlock(pin);
    pinInput.value = '';
    hideLock();
    clearError();
    await refresh();
  } catch (err) {
    pinInput.value = '';
    pinInput.focus();
    if (err.code === 'wrong_pin' || err.code === 'backoff' || err.code === 'retry_later') {
      wrongPinSeen = true;
      const said = /(\d+)\s*s\b/.exec(err.message || ''); // "… Try again in 4 s."
      const wait = retryDelay(err.retry_after_ms) || (said ? Number(said[1]) * 1000 : 0);
      unlockDeadline = performance.now() + wait;
      await refresh(); // the state's unlock_retry_after_ms is the shell's word on it
    } else {
      const msg = $('#lock-message');
      msg.textContent = err.message || String(err);
      msg.hidden = false;
    }
  } finally {
    unlockButton.disabled = false;
    tickLock();
  }
});

$('#lock').addEventListener('click', async () => {
  showLock(null);
  try { await ipc.lock(); } catch (err) { if (err.code !== 'locked') showError(err.message); }
  refresh();
});

// ---------------------------------------------------------- rendering

/** Re-render a part only when what it shows changed, keeping focus. */
function renderPart(name, container, inputs, build) {
  const sig = JSON.stringify(inputs);
  if (signatures.get(name) === sig) return false;
  signatures.set(name, sig);
  const active = document.activeElement;
  const focusKey = active && container.contains(active) ? active.dataset.focus : null;
  build();
  if (focusKey) {
    const again = $$('[data-focus]', container).find((n) => n.dataset.focus === focusKey);
    if (again) again.focus({ preventScroll: true });
  }
  return true;
}

function render() {
  if (!state) return;
  const rooms = state.rooms || [];
  if (!rooms.some((r) => r.id === selectedRoom)) {
    selectedRoom = rooms.length ? rooms[0].id : null;
    scrollPending = true;
  }
  document.getElementById('app').dataset.state = 'ready';
  renderHeader();
  renderRooms();
  renderSchedule();
  renderAnnouncements();
  renderPhotos();
  renderSources();
  renderAudit();
  tick();
}

function sessionsById() {
  const map = new Map();
  for (const s of state.sessions || []) map.set(s.id, s);
  return map;
}

function roomName(id) {
  const room = (state.rooms || []).find((r) => r.id === id);
  return room ? room.name : id;
}

function renderHeader() {
  $('#conference').textContent = state.conference || 'Summit Kiosk';
  $('#timezone').textContent = `Times in ${zone}`;
  const undoButton = $('#undo');
  undoButton.disabled = !state.undo;
  const what = state.undo ? state.undo.what : 'nothing to undo';
  $('.undo-what', undoButton).textContent = what;
  undoButton.title = state.undo ? `Undo: ${what.slice(0, TOOLTIP_CHARS)}` : 'Nothing to undo';

  const sources = state.sources || [];
  const active = sources.find((s) => s.active) || sources[0];
  const badge = $('#sync-badge');
  let level = 'muted', text = 'No schedule source';
  if (active) {
    if (active.last_error) {
      level = 'bad';
      text = active.failing_since_ms ? `Sync failing since ${shortStamp(active.failing_since_ms)}` : 'Last sync failed';
    } else if (active.last_success_ms) {
      level = 'ok';
      text = `Synced ${shortStamp(active.last_success_ms)}`;
    } else {
      text = 'Not synced yet';
    }
  }
  badge.dataset.level = level;
  badge.textContent = text;
  badge.title = active ? `${active.name}: ${active.last_error || text}`.slice(0, TOOLTIP_CHARS) : text;

  const tabCount = (name, n, alert) => {
    const count = $(`[data-tab="${name}"] .count`);
    count.hidden = !n;
    count.textContent = String(n);
    count.classList.toggle('alert', !!alert);
  };
  tabCount('announcements', (state.announcements || []).filter((a) => a.active).length, false);
  const waiting = state.approve_mode ? (state.photos || []).filter((p) => !p.approved).length : 0;
  tabCount('photos', waiting + (state.quarantined || []).length, waiting > 0);
  const failing = sources.filter((s) => s.last_error).length;
  tabCount('sources', failing, failing > 0);
}

function delayOf(byId, ...sessions) {
  for (const s of sessions) {
    if (s && byId.has(s.id)) return byId.get(s.id).delayed_minutes || 0;
  }
  return 0;
}

function renderRooms() {
  const box = $('#rooms');
  const byId = sessionsById();
  const rooms = state.rooms || [];
  const inputs = [selectedRoom, rooms, rooms.map((r) => delayOf(byId, r.current, r.next))];
  const filter = $('#room-filter');
  filter.hidden = rooms.length <= 8;
  box.dataset.count = rooms.length > 8 ? 'many' : 'few';
  renderPart('rooms', box, inputs, () => {
    box.replaceChildren();
    if (!rooms.length) box.append(el('p', 'empty', 'No rooms in the schedule.'));
    for (const room of rooms) {
      const card = el('button', 'room');
      card.type = 'button';
      card.dataset.roomId = room.id;
      card.dataset.focus = `room:${room.id}`;
      card.dataset.state = room.state;
      card.setAttribute('aria-pressed', String(room.id === selectedRoom));
      const head = el('span', 'room-head');
      head.append(textEl('span', 'room-name', room.name));
      head.append(el('span', `state state-${room.state}`, STATE_LABEL[room.state] || String(room.state).replace(/_/g, ' ')));
      card.append(head);
      const cur = room.current;
      const late = delayOf(byId, room.current, room.next);
      if (cur || room.next) {
        const status = el('span', 'room-status');
        if (cur) status.append(el('span', 'time', `${cur.start_local}–${cur.end_local}`));
        status.append(late > 0 ? chip(`${late} min late`, 'late') : chip('on time', 'ok'));
        card.append(status);
      }
      if (cur) card.append(textEl('span', 'title room-title', cur.title || 'Untitled'));
      if (room.next) {
        const next = el('span', 'room-next');
        next.append(el('span', 'time', `Next ${room.next.start_local}`));
        next.append(textEl('span', 'title clamp-1', room.next.title || 'Untitled'));
        card.append(next);
      }
      if (!cur && !room.next) card.append(el('span', 'room-quiet', 'Nothing more scheduled'));
      box.append(card);
    }
    filterRooms();
  });
}

function filterRooms() {
  const words = $('#room-filter').value.trim().toLowerCase();
  for (const card of $$('#rooms [data-room-id]')) {
    const name = $('.room-name', card).textContent.toLowerCase();
    card.hidden = !!words && !name.includes(words) && card.dataset.roomId !== selectedRoom;
  }
}
$('#room-filter').addEventListener('input', filterRooms);

$('#rooms').addEventListener('click', (event) => {
  const card = event.target.closest('[data-room-id]');
  if (!card) return;
  selectRoom(card.dataset.roomId);
});

function selectRoom(id) {
  if (selectedRoom !== id) scrollPending = true;
  selectedRoom = id;
  setTab('schedule');
  render();
}

// -------------------------------------------------------- schedule

function roomSessions(roomId) {
  return (state.sessions || []).filter((s) => s.room_id === roomId).sort((a, b) => a.start_ms - b.start_ms || a.end_ms - b.end_ms);
}

function pickDay(days, now) {
  const today = dayKey(now);
  if (days.includes(today)) return today;
  return days.find((d) => d > today) || days[days.length - 1] || today;
}

function sessionPhase(s, now) {
  if (s.skipped) return 'skipped';
  if (s.cancelled) return 'cancelled';
  if (s.end_ms <= now) return 'past';
  if (s.start_ms <= now) return 'now';
  return 'upcoming';
}

function renderSchedule() {
  const now = nowMs();
  const all = (state.sessions || []);
  const days = [...new Set(all.map((s) => dayKey(s.start_ms)))].sort();
  if (!dayChosen || !days.includes(selectedDay)) {
    const pick = pickDay(days, now);
    if (pick !== selectedDay) scrollPending = true;
    selectedDay = pick;
  }
  const name = selectedRoom ? roomName(selectedRoom) : '';
  $('#delay-room-name').textContent = name || '—';
  $$('#delay-room button').forEach((b) => { b.disabled = !selectedRoom; });
  $('#add-session').disabled = !selectedRoom;

  renderPart('days', $('#days'), [days, selectedDay, zone], () => {
    const box = $('#days');
    box.replaceChildren();
    const today = dayKey(now);
    for (const key of days) {
      const b = button(key === today ? `${dayLabel(key)} · today` : dayLabel(key), 'day small', { day: key, focus: `day:${key}` });
      b.setAttribute('aria-pressed', String(key === selectedDay));
      box.append(b);
    }
  });

  const sessions = selectedRoom ? roomSessions(selectedRoom).filter((s) => dayKey(s.start_ms) === selectedDay) : [];
  $('#timeline-title').textContent = name ? `${name} · ${selectedDay ? dayLabel(selectedDay) : ''}` : 'No room selected';
  const timeline = $('#timeline');
  // Rebuilt when a session changes or moves into another phase, not every
  // poll: a click must not land on a button that is being replaced.
  const phases = sessions.map((s) => sessionPhase(s, now));
  const changed = renderPart('timeline', timeline, [selectedRoom, selectedDay, phases, sessions, (state.rooms || []).length], () => {
    timeline.replaceChildren();
    if (!sessions.length) {
      const why = selectedRoom ? 'No sessions in this room on this day.'
        : (state.rooms || []).length ? 'Pick a room on the left.' : 'No schedule yet: see the Sources tab.';
      timeline.append(el('li', 'empty', why));
      return;
    }
    sessions.forEach((s, i) => timeline.append(sessionRow(s, phases[i])));
  });
  if (changed && scrollPending) {
    scrollPending = false;
    const target = $('[data-phase="now"]', timeline) || $('[data-phase="upcoming"]', timeline);
    timeline.scrollTop = target ? Math.max(0, target.offsetTop - 8) : 0;
  }
}

function sessionRow(s, phase) {
  const row = el('li', 'session');
  row.dataset.sessionId = s.id;
  row.dataset.phase = phase;
  row.dataset.kind = s.kind;

  const when = el('div', 'when');
  when.append(el('span', 'start', s.start_local), el('span', 'end', `–${s.end_local}`));
  if (s.delayed_minutes > 0) when.append(chip(`+${s.delayed_minutes} min`, 'late'));
  if (s.delayed_minutes < 0) when.append(chip(`${s.delayed_minutes} min`, 'ok'));
  row.append(when);

  const info = el('div', 'info');
  const meta = el('div', 'meta');
  if (phase === 'now') meta.append(chip('Now on screen', 'now'));
  meta.append(chip(KIND_LABEL[s.kind] || s.kind, `kind-${s.kind}`));
  if (s.cancelled) meta.append(chip('Cancelled', 'cancelled'));
  if (s.skipped) meta.append(chip('Skipped: not shown', 'skipped'));
  if (s.local) meta.append(chip('Added here', 'local'));
  if (phase === 'past') meta.append(chip('Ended', 'past'));
  info.append(meta);
  info.append(textEl('div', 'title clamp-2', s.title || 'Untitled'));
  const speakers = s.speakers || [];
  if (speakers.length) {
    const line = el('div', 'speakers clamp-1');
    line.dir = 'auto';
    speakers.forEach((sp, i) => {
      const item = el('span', 'speaker');
      item.dir = 'auto';
      item.append(el('span', 'speaker-name', sp.name));
      if (sp.affiliation) item.append(' ', el('span', 'affiliation', sp.affiliation));
      line.append(item);
      if (i < speakers.length - 1) line.append(el('span', 'sep', ' · '));
    });
    line.title = speakers.map((sp) => sp.name).join(', ').slice(0, TOOLTIP_CHARS);
    info.append(line);
  }
  row.append(info);

  const actions = el('div', 'actions');
  const add = (label, action, cls) => {
    const b = button(label, `small ${cls || ''}`, { action, focus: `${action}:${s.id}` });
    actions.append(b);
  };
  const live = phase === 'now' || phase === 'upcoming';
  if (live) {
    add('+5', 'delay-5', 'accent');
    add('+10', 'delay-10', 'accent');
    add('Delay…', 'delay');
    add('Started at…', 'started-at');
    add('Extend…', 'extend');
    if (phase === 'now') add('End now', 'end-now', 'warn');
    add('Skip', 'skip', 'warn');
    add('Cancel', 'cancel', 'warn');
    add('Move…', 'move');
  }
  add('Edit…', 'edit');
  row.append(actions);
  row.classList.toggle('minimal', !live); // one button: beside the text, not below
  return row;
}

$('#days').addEventListener('click', (event) => {
  const b = event.target.closest('[data-day]');
  if (!b) return;
  selectedDay = b.dataset.day;
  dayChosen = selectedDay !== dayKey(nowMs());
  scrollPending = true;
  render();
});

$('#timeline').addEventListener('click', (event) => {
  const b = event.target.closest('button[data-action]');
  const row = event.target.closest('[data-session-id]');
  if (!b || !row) return;
  const session = sessionsById().get(row.dataset.sessionId);
  if (!session) return;
  const action = b.dataset.action;
  const handlers = {
    'delay-5': () => delaySession(session, 5),
    'delay-10': () => delaySession(session, 10),
    delay: () => askMinutes(session, 'delay'),
    'started-at': () => askStartedAt(session),
    extend: () => askMinutes(session, 'extend'),
    'end-now': () => confirmSimple(session, 'end_now'),
    skip: () => confirmSimple(session, 'skip'),
    cancel: () => confirmSimple(session, 'cancel'),
    move: () => askMove(session),
    edit: () => editSession(session),
  };
  if (handlers[action]) handlers[action]();
});

// ----------------------------------------------------------- dialogs

const dialog = $('#dialog');
const preview = $('#delay-preview');

/**
 * Show a modal until it is confirmed or cancelled. Enter confirms, Escape
 * cancels. `onConfirm` may throw an IPC error (shown in the dialog, which
 * stays open) or return a function to run after the dialog closes.
 */
function openModal(node, { onConfirm, confirmButton, cancelButton, errorBox: errBox, focus }) {
  return new Promise((resolve) => {
    let busy = false;
    const confirmLabel = confirmButton.textContent;
    if (errBox) errBox.hidden = true;
    const close = (result) => {
      node.removeEventListener('keydown', onKey);
      node.removeEventListener('cancel', onCancel);
      node.removeEventListener('close', onClose);
      cancelButton.removeEventListener('click', onCancelClick);
      node.querySelector('form').removeEventListener('submit', onSubmit);
      confirmButton.textContent = confirmLabel;
      confirmButton.disabled = false;
      if (node.open) node.close();
      resolve(result);
    };
    const confirm = async () => {
      if (busy) return;
      busy = true;
      confirmButton.disabled = true;
      confirmButton.textContent = 'Working…';
      try {
        const then = await onConfirm();
        close(true);
        if (typeof then === 'function') then();
      } catch (err) {
        busy = false;
        confirmButton.disabled = false;
        confirmButton.textContent = confirmLabel;
        if (err && err.code === 'locked') { close(false); showLock(null); return; }
        const message = (err && err.message) || String(err);
        if (!(err && err.local)) showError(message); // a typo is said in the dialog only
        if (errBox) { errBox.textContent = message; errBox.hidden = false; }
        else close(false);
      }
    };
    const onSubmit = (event) => { event.preventDefault(); confirm(); };
    const onCancel = (event) => { event.preventDefault(); if (!busy) close(false); };
    const onCancelClick = () => { if (!busy) close(false); };
    const onClose = () => close(false); // closed from outside (locked)
    const onKey = (event) => {
      if (event.key === 'Escape') { event.preventDefault(); if (!busy) close(false); return; }
      if (event.key !== 'Enter' || event.isComposing) return;
      const tag = event.target.tagName;
      if (tag === 'TEXTAREA' || tag === 'BUTTON' || (tag === 'INPUT' && event.target.type === 'file')) return;
      event.preventDefault();
      confirm();
    };
    node.addEventListener('keydown', onKey);
    node.addEventListener('cancel', onCancel);
    node.addEventListener('close', onClose);
    cancelButton.addEventListener('click', onCancelClick);
    node.querySelector('form').addEventListener('submit', onSubmit);
    node.showModal();
    (focus || confirmButton).focus();
  });
}

/** The generic dialog: a title, some fields, Cancel and a confirm button. */
function ask({ title, body, confirm = 'OK', danger = false, onConfirm, focus }) {
  $('#dialog-title').textContent = title;
  const holder = $('#dialog-body');
  holder.replaceChildren(...(Array.isArray(body) ? body : [body]).filter(Boolean));
  const ok = $('#dialog-confirm');
  ok.textContent = confirm;
  ok.classList.toggle('danger', danger);
  ok.classList.toggle('accent', !danger);
  return openModal(dialog, {
    onConfirm, confirmButton: ok, cancelButton: $('#dialog-cancel'),
    errorBox: $('#dialog-error'), focus: typeof focus === 'function' ? focus() : focus,
  });
}

function field(labelText, input, hint) {
  const label = el('label', 'field');
  const head = el('span', 'field-label', labelText);
  if (hint) head.append(' ', el('span', 'hint', hint));
  label.append(head, input);
  return label;
}

function sessionLine(s) {
  const p = el('p', 'dialog-session');
  p.append(el('span', 'time', `${s.start_local}–${s.end_local}`), ' ', textEl('span', 'title clamp-2', s.title || 'Untitled'));
  return p;
}

/** Apply one edit, say what it did, and refresh. */
async function applyEdit(edit) {
  const result = await ipc.applyEdit(edit);
  clearError();
  say(`Done: ${result && result.what ? result.what : 'changed'}`);
  refresh();
  return result;
}

// ---------------------------------------------------- delay preview

/**
 * Ask the shell what a delay would move, show it, and run `onConfirm` if
 * the organizer agrees. `plan` failures other than `locked` are shown as
 * the dialog's own fallback text when `fallback` is given.
 */
async function showDelayPreview({ title, summary, room, fromMs, minutes, onConfirm, fallback }) {
  let plan = null;
  try {
    plan = await ipc.planDelay(room, fromMs, minutes);
  } catch (err) {
    if (err.code === 'locked' || !fallback) { fail(err); return; }
  }
  $('#delay-preview-title').textContent = title;
  $('#delay-preview-summary').textContent = summary || '';
  $('#delay-preview-summary').hidden = !summary;
  const list = $('#delay-preview-list');
  list.replaceChildren();
  const stop = $('#delay-preview-stop');
  stop.dataset.kind = '';
  if (plan) {
    for (const shift of plan.shifted || []) {
      const li = el('li', 'shift');
      li.dataset.sessionId = shift.session_id;
      li.append(
        el('span', 'old', shift.old_start_local),
        el('span', 'arrow', '→'),
        el('span', 'new', shift.new_start_local),
        textEl('span', 'title clamp-1', shift.title || 'Untitled'),
      );
      list.append(li);
    }
    const n = (plan.shifted || []).length;
    list.hidden = n === 0;
    const abs = plan.absorbed_by;
    if (abs) {
      stop.dataset.kind = 'absorbed';
      stop.replaceChildren(
        el('strong', null, 'Stops at '),
        textEl('span', 'stop-title', clip(abs.title, 80)),
        ` (${abs.old_start_local}): it starts ${abs.new_start_local} instead of ${abs.old_start_local} and ends as planned. Later sessions keep their times.`,
      );
    } else if (plan.runs_to_day_end) {
      stop.dataset.kind = 'day-end';
      stop.replaceChildren(el('strong', null, "Runs to the day's end: "), 'no break absorbs it, so every later session today moves.');
    } else {
      stop.replaceChildren(n ? `${plural(n, 'session')} move; later sessions keep their times.` : 'Nothing moves.');
    }
    const text = [summary, n ? `${plural(n, 'session')} move by ${minutes} min:` : ''].filter(Boolean).join(' ');
    $('#delay-preview-summary').textContent = text;
    $('#delay-preview-summary').hidden = !text;
  } else {
    list.hidden = true;
    stop.replaceChildren(fallback);
  }
  await openModal(preview, {
    onConfirm, confirmButton: $('#delay-confirm'), cancelButton: $('#delay-cancel'),
    errorBox: null,
  });
}

function delayRoom(minutes) {
  if (!selectedRoom || !(minutes >= 1 && minutes <= 720)) {
    showError('A delay must be between 1 and 720 minutes.');
    return;
  }
  const fromMs = Math.floor(nowMs());
  const room = selectedRoom;
  return showDelayPreview({
    title: `Delay ${roomName(room)} by ${minutes} min`,
    summary: `From now (${hhmm(fromMs)}).`,
    room, fromMs, minutes,
    onConfirm: async () => {
      const result = await applyEdit({ kind: 'delay', room, from_ms: fromMs, minutes });
      $('#delay-minutes').value = '';
      return result;
    },
  });
}

function delaySession(s, minutes) {
  return showDelayPreview({
    title: `Delay from “${clip(s.title)}” by ${minutes} min`,
    room: s.room_id, fromMs: s.start_ms, minutes,
    onConfirm: () => applyEdit({ kind: 'delay', room: s.room_id, from_ms: s.start_ms, minutes }),
  });
}

function clip(text, n = 60) {
  const chars = [...String(text || 'Untitled')];
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : chars.join('');
}

$('#delay-room').addEventListener('click', (event) => {
  const b = event.target.closest('[data-delay]');
  if (b) delayRoom(Number(b.dataset.delay));
});
$('#delay-room').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('#delay-minutes');
  const minutes = Number(input.value);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 720) {
    showError('Type a delay between 1 and 720 minutes.');
    input.focus();
    return;
  }
  delayRoom(minutes);
});

// ------------------------------------------------- session actions

function minutesPicker(id) {
  const wrap = el('div', 'minutes-picker');
  const input = el('input', 'minutes-input');
  input.type = 'number';
  input.id = id;
  input.min = '1';
  input.max = '720';
  input.step = '1';
  input.inputMode = 'numeric';
  input.placeholder = 'min';
  const quick = el('div', 'quick');
  for (const n of [5, 10, 15, 20, 30]) {
    const b = button(`+${n}`, 'accent', { minutes: String(n) });
    b.addEventListener('click', () => { input.value = String(n); $('#dialog-confirm').click(); });
    quick.append(b);
  }
  wrap.append(quick, field('Or minutes', input));
  return { wrap, input };
}

function askMinutes(s, what) {
  const { wrap, input } = minutesPicker('dialog-minutes');
  const isExtend = what === 'extend';
  return ask({
    title: isExtend ? 'Extend by how long?' : 'Delay by how long?',
    body: [sessionLine(s), el('p', 'hint', isExtend
      ? 'It ends later; the sessions after it shift until a break absorbs it.'
      : 'It and the later sessions in this room shift until a break absorbs it.'), wrap],
    confirm: 'Preview…',
    focus: input,
    onConfirm: () => {
      const minutes = Number(input.value);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 720) {
        throw { code: 'invalid', local: true, message: 'Pick or type between 1 and 720 minutes.' };
      }
      return () => (isExtend ? extendPreview(s, minutes) : delaySession(s, minutes));
    },
  });
}

function extendPreview(s, minutes) {
  const newEnd = hhmm(s.end_ms + minutes * 60000);
  return showDelayPreview({
    title: `Extend “${clip(s.title)}” by ${minutes} min`,
    summary: `It ends ${newEnd} instead of ${s.end_local}.`,
    room: s.room_id, fromMs: s.end_ms, minutes,
    fallback: 'No later session in this room moves.',
    onConfirm: () => applyEdit({ kind: 'extend', session: s.id, minutes }),
  });
}

function askStartedAt(s) {
  const input = clockInput('dialog-started', hhmm(nowMs()));
  const hint = el('p', 'hint live');
  const day = dayKey(s.start_ms);
  const compute = () => {
    const t = parseClock(input.value);
    if (!t) return null;
    const at = zonedMs(day, t.hour, t.minute);
    return { at, diff: Math.round((at - s.start_ms) / 60000) };
  };
  const update = () => {
    const c = compute();
    if (!c) hint.textContent = 'Type the time as HH:MM.';
    else if (c.diff > 0) hint.textContent = `${c.diff} min late: it and later sessions shift.`;
    else if (c.diff < 0) hint.textContent = `${-c.diff} min early: only this session moves.`;
    else hint.textContent = 'On time: nothing changes.';
  };
  input.addEventListener('input', update);
  update();
  return ask({
    title: 'When did it actually start?',
    body: [sessionLine(s), field('Started at', input, `planned ${s.start_local}`), hint],
    confirm: 'Next…',
    focus: input,
    onConfirm: () => {
      const c = compute();
      if (!c) throw { code: 'invalid', local: true, message: 'Type the start time as HH:MM, for example 10:47.' };
      const edit = { kind: 'started_at', session: s.id, at_ms: c.at };
      if (c.diff > 0) {
        return () => showDelayPreview({
          title: `“${clip(s.title)}” started at ${hhmm(c.at)} (+${c.diff} min)`,
          room: s.room_id, fromMs: s.start_ms, minutes: c.diff,
          fallback: 'Only this session moves.',
          onConfirm: () => applyEdit(edit),
        });
      }
      if (c.diff === 0) { say('It started on time: nothing to change.'); return undefined; }
      return applyEdit(edit);
    },
  });
}

const SIMPLE = {
  end_now: { title: 'End it now?', text: 'It ends now on every screen; nothing else moves.', confirm: 'End now' },
  skip: { title: 'Skip this session?', text: 'It disappears from the screens; nothing else moves.', confirm: 'Skip' },
  cancel: { title: 'Cancel this session?', text: 'It stays on the screens, marked as cancelled.', confirm: 'Cancel session' },
};

function confirmSimple(s, kind) {
  const how = SIMPLE[kind];
  return ask({
    title: how.title,
    body: [sessionLine(s), el('p', 'hint', `${how.text} Undo takes it back.`)],
    confirm: how.confirm,
    danger: true,
    onConfirm: () => applyEdit({ kind, session: s.id }),
  });
}

function roomSelect(id, current) {
  const select = el('select', 'room-select');
  select.id = id;
  for (const room of state.rooms || []) {
    const option = el('option', null, room.name);
    option.value = room.id;
    option.selected = room.id === current;
    select.append(option);
  }
  return select;
}

function askMove(s) {
  const select = roomSelect('dialog-room', (state.rooms || []).find((r) => r.id !== s.room_id)?.id);
  return ask({
    title: 'Move to another room',
    body: [sessionLine(s), el('p', 'hint', `Now in ${roomName(s.room_id)}; the times stay the same.`), field('Room', select)],
    confirm: 'Move',
    focus: select,
    onConfirm: () => {
      if (select.value === s.room_id) throw { code: 'invalid', local: true, message: 'That is the room it is already in.' };
      return applyEdit({ kind: 'move', session: s.id, room: select.value });
    },
  });
}

/** A list of speaker name inputs with Add / Remove. */
function speakerEditor(names) {
  const box = el('div', 'speaker-editor');
  const rows = el('div', 'speaker-rows');
  const addRow = (value) => {
    if (rows.children.length >= MAX_SPEAKER_ROWS) return null;
    const row = el('div', 'speaker-row');
    const input = el('input');
    input.type = 'text';
    input.maxLength = 120;
    input.dir = 'auto';
    input.value = value || '';
    input.setAttribute('aria-label', 'Speaker name');
    const remove = button('Remove', 'small quiet');
    remove.addEventListener('click', () => row.remove());
    row.append(input, remove);
    rows.append(row);
    return input;
  };
  for (const n of names) addRow(n);
  const add = button('+ Add speaker', 'small');
  add.addEventListener('click', () => { const i = addRow(''); if (i) i.focus(); });
  box.append(rows, add);
  return { box, names: () => $$('input', rows).map((i) => i.value.trim()).filter(Boolean) };
}

function titleInput(value) {
  const input = el('input', 'title-input');
  input.type = 'text';
  input.id = 'dialog-title-input';
  input.maxLength = 300;
  input.dir = 'auto';
  input.required = true;
  input.value = value || '';
  return input;
}

/** Start and end on `day`; an end at or before the start is refused. */
function readTimes(day, startText, endText) {
  const a = parseClock(startText), b = parseClock(endText);
  if (!a || !b) throw { code: 'invalid', local: true, message: 'Type the start and end as HH:MM.' };
  const start = zonedMs(day, a.hour, a.minute), end = zonedMs(day, b.hour, b.minute);
  if (end <= start) throw { code: 'invalid', local: true, message: 'The end must be after the start.' };
  return { start, end };
}

function editSession(s) {
  const title = titleInput(s.title);
  const names = (s.speakers || []).map((sp) => sp.name);
  const speakers = speakerEditor(names);
  const start = clockInput('dialog-start', s.start_local);
  const end = clockInput('dialog-end', s.end_local);
  const room = roomSelect('dialog-room', s.room_id);
  const times = el('div', 'form-row');
  times.append(field('Start', start), field('End', end), field('Room', room));
  const titleLength = [...(s.title || '')].length;
  const titleHint = titleLength > 300 ? `now ${titleLength} characters; the limit is 300` : 'up to 300 characters';
  return ask({
    title: 'Edit session',
    body: [field('Title', title, titleHint), times, field('Speakers', speakers.box)],
    confirm: 'Save',
    focus: title,
    onConfirm: () => {
      const edit = { kind: 'edit_session', session: s.id };
      const newTitle = title.value.trim();
      if (!newTitle) throw { code: 'invalid', local: true, message: 'The title cannot be empty.' };
      if (newTitle !== s.title) edit.title = newTitle;
      const newNames = speakers.names();
      if (JSON.stringify(newNames) !== JSON.stringify(names)) edit.speakers = newNames;
      if (start.value.trim() !== s.start_local || end.value.trim() !== s.end_local) {
        const t = readTimes(dayKey(s.start_ms), start.value, end.value);
        if (t.start !== s.start_ms) edit.start_ms = t.start;
        if (t.end !== s.end_ms) edit.end_ms = t.end;
      }
      if (room.value !== s.room_id) edit.room = room.value;
      if (Object.keys(edit).length === 2) { say('Nothing changed.'); return undefined; }
      return applyEdit(edit);
    },
  });
}

$('#add-session').addEventListener('click', () => {
  if (!selectedRoom || !selectedDay) return;
  const title = titleInput('');
  const speakers = speakerEditor(['']);
  const kind = el('select');
  kind.id = 'dialog-kind';
  for (const [value, label] of Object.entries(KIND_LABEL)) {
    const option = el('option', null, label);
    option.value = value;
    kind.append(option);
  }
  const start = clockInput('dialog-start', '');
  const end = clockInput('dialog-end', '');
  const room = roomSelect('dialog-room', selectedRoom);
  const day = selectedDay;
  const times = el('div', 'form-row');
  times.append(field('Start', start), field('End', end), field('Kind', kind), field('Room', room));
  ask({
    title: `Add a session on ${dayLabel(day)}`,
    body: [field('Title', title, 'up to 300 characters'), times, field('Speakers', speakers.box)],
    confirm: 'Add session',
    focus: title,
    onConfirm: () => {
      const text = title.value.trim();
      if (!text) throw { code: 'invalid', local: true, message: 'The title cannot be empty.' };
      const t = readTimes(day, start.value, end.value);
      return applyEdit({
        kind: 'add_session', room: room.value, title: text, speakers: speakers.names(),
        kind_of_session: kind.value, start_ms: t.start, end_ms: t.end,
      });
    },
  });
});

$('#undo').addEventListener('click', async () => {
  const undoButton = $('#undo');
  if (undoButton.disabled) return;
  undoButton.disabled = true;
  try {
    const result = await ipc.undo();
    clearError();
    say(`Undone: ${result && result.what ? result.what : 'the last change'}`);
  } catch (err) {
    fail(err, 'Undo failed');
  }
  refresh();
});

// ------------------------------------------------------------ tabs

function setTab(name) {
  tab = name;
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
  const i = tabs.findIndex((t) => t.dataset.tab === tab);
  const next = tabs[(i + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
  setTab(next.dataset.tab);
  next.focus();
});
$('#sync-badge').addEventListener('click', () => setTab('sources'));

// --------------------------------------------------- announcements

function renderAnnouncements() {
  const rooms = state.rooms || [];
  renderPart('announcement-rooms', $('#announcement-rooms'), rooms.map((r) => [r.id, r.name]), () => {
    const box = $('#announcement-rooms');
    const checked = new Set($$('input:checked', box).map((i) => i.value));
    box.replaceChildren();
    for (const room of rooms) {
      const label = el('label', 'check');
      const input = el('input');
      input.type = 'checkbox';
      input.value = room.id;
      input.checked = checked.has(room.id);
      input.dataset.focus = `ann-room:${room.id}`;
      label.append(input, ' ', textEl('span', 'clamp-1', room.name));
      box.append(label);
    }
    syncRoomChecks();
  });
  const list = $('#announcements');
  const items = [...(state.announcements || [])].sort((a, b) => (b.active - a.active) || (b.starts_ms - a.starts_ms));
  const upcoming = items.map((a) => a.starts_ms > nowMs());
  renderPart('announcements', list, [items, rooms.map((r) => [r.id, r.name]), upcoming, dayKey(nowMs())], () => {
    list.replaceChildren();
    if (!items.length) list.append(el('li', 'empty', 'No announcements.'));
    const now = nowMs();
    for (const a of items) {
      const li = el('li', 'item announcement');
      li.dataset.announcementId = a.id;
      li.dataset.priority = a.priority;
      const meta = el('div', 'meta');
      if (a.priority === 'urgent') meta.append(chip('Urgent', 'urgent'));
      const status = a.active ? 'On screen' : a.starts_ms > now ? 'Scheduled' : 'Not shown';
      meta.append(chip(status, a.active ? 'now' : 'past'));
      meta.append(el('span', 'time', `from ${shortStamp(a.starts_ms)}${a.expires_ms ? ` until ${shortStamp(a.expires_ms)}` : ', until removed'}`));
      const where = a.rooms && a.rooms.length ? a.rooms.map(roomName).join(', ') : 'All rooms';
      meta.append(textEl('span', 'where clamp-1', where));
      const body = el('div', 'item-body');
      body.append(meta, textEl('div', 'text clamp-3', a.text));
      const remove = button('Remove', 'warn', { focus: `ann-remove:${a.id}` });
      remove.addEventListener('click', () => ask({
        title: 'Remove this announcement?',
        body: textEl('p', 'quote clamp-3', a.text),
        confirm: 'Remove', danger: true,
        onConfirm: async () => {
          await ipc.removeAnnouncement(a.id);
          say('Announcement removed.');
          refresh();
        },
      }));
      li.append(body, remove);
      list.append(li);
    }
  });
}

function syncRoomChecks() {
  const all = $('#announcement-all').checked;
  $('#announcement-rooms').hidden = all;
}
$('#announcement-all').addEventListener('change', syncRoomChecks);
$('#announcement-text').addEventListener('input', () => {
  $('#announcement-count').textContent = `${[...$('#announcement-text').value].length} / 280`;
});

$('#announcement-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const textArea = $('#announcement-text');
  const text = textArea.value.trim();
  if (!text) { showError('Type the announcement first.'); textArea.focus(); return; }
  let rooms = null;
  if (!$('#announcement-all').checked) {
    rooms = $$('#announcement-rooms input:checked').map((i) => i.value);
    if (!rooms.length) { showError('Pick at least one room, or "All rooms".'); return; }
  }
  const priority = ($('#announcement-form input[name="priority"]:checked') || {}).value || 'normal';
  let startsMs = null;
  const startText = $('#announcement-start').value.trim();
  if (startText && startText.toLowerCase() !== 'now') {
    const t = parseClock(startText);
    if (!t) { showError('Type the start as HH:MM, or leave it empty for now.'); $('#announcement-start').focus(); return; }
    startsMs = zonedMs(dayKey(nowMs()), t.hour, t.minute);
  }
  const forMin = Number($('#announcement-expiry').value);
  const expiresMs = forMin ? (startsMs ?? Math.floor(nowMs())) + forMin * 60000 : null;
  const addButton = $('#announcement-add');
  addButton.disabled = true;
  try {
    await ipc.addAnnouncement({ text, rooms, priority, startsMs, expiresMs });
    clearError();
    say('Announcement posted.');
    textArea.value = '';
    $('#announcement-count').textContent = '0 / 280';
    $('#announcement-start').value = '';
    refresh();
  } catch (err) {
    fail(err, 'Could not post it');
  } finally {
    addButton.disabled = false;
  }
});
$('#announcement-text').addEventListener('keydown', (event) => {
  // Enter posts (announcements are one line on the screens); Shift+Enter is kept out.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('#announcement-form').requestSubmit();
  }
});

// ---------------------------------------------------------- photos

function renderPhotos() {
  if (!approveModePending) $('#approve-mode').checked = !!state.approve_mode;
  const photos = [...(state.photos || [])].sort((a, b) => b.added_ms - a.added_ms);
  const grid = $('#photos');
  renderPart('photos', grid, [photos, !!state.approve_mode], () => {
    grid.replaceChildren();
    if (!photos.length) grid.append(el('li', 'empty', 'No photos yet.'));
    for (const p of photos) {
      const li = el('li', 'photo');
      li.dataset.photoId = p.id;
      li.dataset.hidden = String(!!p.hidden);
      const img = el('img');
      img.loading = 'lazy';
      img.decoding = 'async';
      img.alt = p.credit ? `Photo by ${p.credit}` : 'Photo';
      img.src = p.thumb_url;
      const meta = el('div', 'photo-meta');
      meta.append(textEl('div', 'credit clamp-1', p.credit ? `© ${p.credit}` : 'No credit'));
      const chips = el('div', 'chips');
      if (p.hidden) chips.append(chip('Hidden', 'cancelled'));
      if (!p.approved) chips.append(chip(state.approve_mode ? 'Awaiting approval' : 'Not approved', 'late'));
      if (!p.hidden && (p.approved || !state.approve_mode)) chips.append(chip('On the wall', 'ok'));
      chips.append(el('span', 'time', shortStamp(p.added_ms)));
      meta.append(chips);
      const actions = el('div', 'actions');
      const hide = button(p.hidden ? 'Show' : 'Hide', `small ${p.hidden ? '' : 'warn'}`, { focus: `hide:${p.id}` });
      hide.addEventListener('click', () => photoCall(ipc.setPhotoHidden(p.id, !p.hidden), p.hidden ? 'Photo shown.' : 'Photo hidden.'));
      actions.append(hide);
      if (state.approve_mode || !p.approved) {
        const approve = button(p.approved ? 'Unapprove' : 'Approve', `small ${p.approved ? '' : 'accent'}`, { focus: `approve:${p.id}` });
        approve.addEventListener('click', () => photoCall(ipc.setPhotoApproved(p.id, !p.approved), p.approved ? 'Approval withdrawn.' : 'Photo approved.'));
        actions.append(approve);
      }
      meta.append(actions);
      li.append(img, meta);
      grid.append(li);
    }
  });
  const quarantined = state.quarantined || [];
  $('#quarantine-box').hidden = !quarantined.length;
  renderPart('quarantined', $('#quarantined'), quarantined, () => {
    const list = $('#quarantined');
    list.replaceChildren();
    for (const q of quarantined) {
      const li = el('li', 'item');
      const body = el('div', 'item-body');
      body.append(textEl('div', 'path clamp-1', q.path), textEl('div', 'reason clamp-2', q.reason));
      li.append(body);
      list.append(li);
    }
  });
}

async function photoCall(promise, message) {
  try {
    await promise;
    clearError();
    say(message);
  } catch (err) {
    fail(err);
  }
  refresh();
}

$('#approve-mode').addEventListener('change', async (event) => {
  const on = event.target.checked;
  approveModePending = true;
  try {
    await photoCall(ipc.setApproveMode(on), on ? 'New photos now wait for approval.' : 'New photos go straight to the wall.');
  } finally {
    approveModePending = false;
  }
});

$('#photo-files').addEventListener('change', async (event) => {
  const files = [...event.target.files];
  event.target.value = '';
  if (!files.length) return;
  const box = $('#uploads');
  const list = $('#upload-list');
  const bar = $('#uploads-progress');
  box.hidden = false;
  list.replaceChildren();
  bar.max = files.length;
  bar.value = 0;
  const rows = files.map((file) => {
    const li = el('li', 'item upload');
    li.dataset.state = 'queued';
    const body = el('div', 'item-body');
    body.append(textEl('div', 'name clamp-1', file.name), el('div', 'result', `Waiting · ${Math.ceil(file.size / 1024)} KB`));
    li.append(body);
    list.append(li);
    return li;
  });
  let added = 0, refused = 0;
  const summary = (done) => {
    $('#uploads-summary').textContent = `${done} of ${files.length} sent · ${added} added${refused ? ` · ${refused} refused` : ''}`;
  };
  summary(0);
  for (let i = 0; i < files.length; i += 1) {
    const row = rows[i];
    const result = $('.result', row);
    row.dataset.state = 'sending';
    result.textContent = 'Uploading…';
    try {
      const bytes = new Uint8Array(await files[i].arrayBuffer());
      const answer = await ipc.uploadPhoto(bytes, files[i].name);
      const ok = !!(answer && answer.ok);
      row.dataset.state = ok ? 'done' : 'refused';
      result.textContent = (answer && answer.message) || (ok ? 'Added' : 'Refused');
      if (ok) added += 1; else refused += 1;
    } catch (err) {
      row.dataset.state = 'refused';
      result.textContent = err.message || String(err);
      refused += 1;
      if (err.code === 'locked') {
        for (const rest of rows.slice(i + 1)) { rest.dataset.state = 'refused'; $('.result', rest).textContent = 'Not sent: the panel locked'; }
        showLock(null);
        break;
      }
    }
    bar.value = i + 1;
    summary(i + 1);
  }
  say(`Upload finished: ${added} added${refused ? `, ${refused} refused (see the list)` : ''}.`);
  refresh();
});

// --------------------------------------------------------- sources

function renderSources() {
  const sources = state.sources || [];
  const list = $('#sources');
  renderPart('sources', list, [sources, Math.floor(nowMs() / 60000)], () => {
    list.replaceChildren();
    if (!sources.length) list.append(el('li', 'empty', 'No schedule sources are configured.'));
    for (const s of sources) {
      const li = el('li', 'item source');
      li.dataset.source = s.name;
      li.dataset.level = s.last_error ? 'bad' : s.last_success_ms ? 'ok' : 'muted';
      const body = el('div', 'item-body');
      const head = el('div', 'meta');
      head.append(textEl('span', 'source-name clamp-1', s.name));
      if (s.active) head.append(chip('Active', 'now'));
      head.append(s.last_error ? chip('Failing', 'cancelled') : s.last_success_ms ? chip('OK', 'ok') : chip('Not synced yet', 'past'));
      body.append(head);
      const facts = el('div', 'facts');
      facts.append(el('span', null, s.last_success_ms ? `Last success ${shortStamp(s.last_success_ms)} (${ago(s.last_success_ms)})` : 'Never synced'));
      if (s.next_poll_ms) facts.append(el('span', null, `Next check ${shortStamp(s.next_poll_ms)}`));
      body.append(facts);
      if (s.last_error) {
        body.append(textEl('div', 'source-error clamp-2', `${s.failing_since_ms ? `Failing since ${shortStamp(s.failing_since_ms)}: ` : ''}${s.last_error}`));
      }
      const actions = el('div', 'actions');
      const sync = button('Sync now', '', { focus: `sync:${s.name}` });
      sync.addEventListener('click', async () => {
        sync.disabled = true;
        sync.textContent = 'Syncing…';
        try {
          const r = await ipc.syncNow(s.name);
          clearError();
          say(r && r.what ? r.what : `Synced ${s.name}.`);
        } catch (err) {
          fail(err, `Sync of ${clip(s.name, 40)} failed`);
        } finally {
          sync.disabled = false;
          sync.textContent = 'Sync now';
        }
        refresh();
      });
      actions.append(sync);
      if (!s.active) {
        const use = button('Use this source', 'accent', { focus: `use:${s.name}` });
        use.addEventListener('click', () => ask({
          title: 'Switch the schedule source?',
          body: [el('p', null, 'The screens will follow:'), textEl('p', 'quote clamp-2', s.name)],
          confirm: 'Switch',
          onConfirm: async () => {
            const r = await ipc.setActiveSource(s.name);
            say(r && r.what ? r.what : 'Source switched.');
            refresh();
          },
        }));
        actions.append(use);
      }
      li.append(body, actions);
      list.append(li);
    }
  });
  const revisions = [...(state.revisions || [])].sort((a, b) => b.revision - a.revision);
  const restorable = revisions.some((r) => 'restorable' in r)
    ? revisions.some((r) => r.restorable && !r.current)
    : revisions.length >= 2;
  $('#rollback').disabled = !restorable;
  renderPart('revisions', $('#revisions'), revisions, () => {
    const list = $('#revisions');
    list.replaceChildren();
    if (!revisions.length) list.append(el('li', 'empty', 'No revisions yet.'));
    revisions.forEach((r, i) => {
      const li = el('li', 'item revision');
      li.dataset.revision = String(r.revision);
      const body = el('div', 'item-body');
      const head = el('div', 'meta');
      head.append(el('span', 'rev', `#${r.revision}`));
      if ('current' in r ? r.current : i === 0) head.append(chip('Current', 'now'));
      head.append(el('span', 'time', shortStamp(toMs(r.applied_ms ?? r.applied))), textEl('span', 'where clamp-1', r.source || ''));
      body.append(head, textEl('div', 'text clamp-2', r.summary || ''));
      li.append(body);
      list.append(li);
    });
  });
}

$('#rollback').addEventListener('click', () => ask({
  title: 'Roll back the schedule?',
  body: el('p', null, 'The screens go back to the previous imported revision. Local changes (delays, announcements) stay.'),
  confirm: 'Roll back', danger: true,
  onConfirm: async () => {
    const r = await ipc.rollback();
    say(`Done: ${r && r.what ? r.what : 'rolled back'}`);
    refresh();
  },
}));

// ----------------------------------------------------------- audit

function renderAudit() {
  const entries = [...(state.audit || [])].sort((a, b) => b.at_ms - a.at_ms);
  const list = $('#audit');
  renderPart('audit', list, [entries, dayKey(nowMs())], () => {
    list.replaceChildren();
    if (!entries.length) list.append(el('li', 'empty', 'Nothing yet.'));
    for (const e of entries) {
      const li = el('li', 'item audit-entry');
      const what = textEl('span', 'what clamp-2', e.what);
      if (e.undone) { li.classList.add('undone'); what.prepend(chip('Undone', 'past'), ' '); }
      li.append(el('span', 'time', stamp(e.at_ms)), what, textEl('span', 'origin clamp-1', e.origin || ''));
      list.append(li);
    }
  });
}

// ------------------------------------------------------------ clock

function tick() {
  tickLock();
  if (!state || locked) return;
  const clock = hhmm(nowMs());
  const node = $('#clock');
  if (node.textContent !== clock) node.textContent = clock;
}

// ------------------------------------------------------------ start

async function start() {
  // Listen first, then ask: a change that races the first answer is not lost.
  try { await ipc.onControlChanged(() => refresh()); } catch { /* polling still works */ }
  await refresh();
  setInterval(refresh, POLL_MS);
  setInterval(tick, 250);
}

start();
