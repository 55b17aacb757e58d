// The display window: renders the DisplaySnapshot the shell pushes. It never
// decides what is on; it only shows it. Text goes in through textContent only.

import { getSnapshot, onSnapshot, openControlPanel, options, reportRender } from './ipc.js';
import { setMode, startWall } from './wall.js';

const $ = (sel, root = document) => root.querySelector(sel);
const MAX_SPEAKERS = 6;

let current = null;      // the last snapshot shown
let receivedAt = 0;      // performance.now() when it arrived
let clockFormat = null;  // Intl formatter in the venue's zone

document.body.className = `theme-${options.theme === 'light' ? 'light' : 'dark'}`;
if (options.kiosk) document.body.classList.add('kiosk');

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/** Longer titles get a smaller size so they still fit in three lines. */
function sizeClass(text) {
  const n = [...(text || '')].length;
  return n > 140 ? 'len-xl' : n > 90 ? 'len-l' : n > 55 ? 'len-m' : 'len-s';
}

function setTitle(node, text) {
  node.textContent = text || 'Untitled';
  node.classList.remove('len-s', 'len-m', 'len-l', 'len-xl');
  node.classList.add(sizeClass(text));
}

function fillSpeakers(node, speakers) {
  node.replaceChildren();
  const shown = speakers.slice(0, MAX_SPEAKERS);
  shown.forEach((sp, i) => {
    const item = el('span', 'speaker');
    item.dir = 'auto'; // a name in Arabic or Hebrew keeps its affiliation on the right side
    item.append(el('span', 'speaker-name', sp.name));
    if (sp.affiliation) item.append(' ', el('span', 'affiliation', sp.affiliation));
    node.append(item);
    if (i < shown.length - 1) node.append(el('span', 'sep', ' · '));
  });
  if (speakers.length > MAX_SPEAKERS) {
    node.append(el('span', 'more', ` +${speakers.length - MAX_SPEAKERS} more`));
  }
  node.hidden = speakers.length === 0;
}

function fillTrack(node, track) {
  node.hidden = !track;
  if (!track) return;
  $('.name', node).textContent = track.name;
  $('.dot', node).style.setProperty('background', track.colour || 'currentColor');
}

function when(session) {
  return session.weekday ? `${session.weekday} ${session.start_local}` : session.start_local;
}

const KIND_LABEL = { talk: 'Now', social: 'Now', break: 'Break', working_session: 'Working session' };

function renderCard(node, session) {
  node.hidden = !session;
  if (!session) return;
  node.dataset.sessionId = session.id;
  node.classList.toggle('cancelled', !!session.cancelled);
  $('.time', node).textContent = when(session);
  fillTrack($('.track', node), session.track);
  setTitle($('.card-title', node), session.title);
  fillSpeakers($('.speakers', node), session.speakers);
}

function renderRoom(snap) {
  const room = snap.rooms[0];
  $('#place').textContent = room.room;
  const hero = $('#hero');
  const title = $('#now-title');
  const progress = $('#progress');
  const cur = room.current;
  hero.dataset.state = room.state;
  hero.classList.toggle('ending-soon', !!(cur && cur.ending_soon));
  $('#now-subtitle').hidden = true;

  if (cur) {
    hero.dataset.sessionId = cur.id;
    $('#hero-label').textContent = KIND_LABEL[cur.kind] || 'Now';
    $('#hero-time').textContent = `${cur.start_local}–${cur.end_local}`;
    fillTrack($('#hero-track'), cur.track);
    setTitle(title, cur.title);
    if (cur.subtitle) {
      $('#now-subtitle').textContent = cur.subtitle;
      $('#now-subtitle').hidden = false;
    }
    fillSpeakers($('#now-speakers'), cur.speakers);
    progress.hidden = false;
    $('.left', progress).textContent = cur.kind === 'break'
      ? `until ${cur.end_local}`
      : `${cur.left_text} left`;
    renderCard($('#next'), room.next);
    renderCard($('#after'), room.after);
  } else {
    delete hero.dataset.sessionId;
    progress.hidden = true;
    fillTrack($('#hero-track'), null);
    const next = room.next;
    if (next) {
      // Between sessions the next one is the hero; the card shows the one after.
      hero.dataset.sessionId = next.id;
      const label = room.state === 'day_over' ? 'Next day' : room.state === 'not_started' ? 'First up' : 'Next';
      $('#hero-label').textContent = label;
      $('#hero-time').textContent = `at ${when(next)}` +
        (room.next_starts_in_text ? ` · ${room.next_starts_in_text}` : '');
      fillTrack($('#hero-track'), next.track);
      setTitle(title, next.title);
      fillSpeakers($('#now-speakers'), next.speakers);
      renderCard($('#next'), room.after);
      $('#next .label').textContent = 'Then';
      renderCard($('#after'), null);
    } else {
      $('#hero-label').textContent = 'That was all';
      $('#hero-time').textContent = '';
      setTitle(title, `Thank you for coming to ${snap.conference}!`);
      fillSpeakers($('#now-speakers'), []);
      renderCard($('#next'), null);
      renderCard($('#after'), null);
    }
  }
  if (cur) $('#next .label').textContent = 'Next';
}

function renderLobby(snap) {
  $('#place').textContent = snap.conference;
  const grid = $('#lobby-view');
  grid.replaceChildren();
  grid.style.setProperty('--rooms', String(snap.rooms.length));
  grid.dataset.count = snap.rooms.length > 6 ? 'many' : snap.rooms.length > 3 ? 'some' : 'few';
  for (const room of snap.rooms) {
    const card = el('article', 'room-card');
    card.dataset.state = room.state;
    card.append(el('h2', 'room-name', room.room));
    const cur = room.current;
    const nowBox = el('div', 'room-now');
    if (cur) {
      card.dataset.sessionId = cur.id;
      card.classList.toggle('ending-soon', cur.ending_soon);
      const meta = el('div', 'meta');
      meta.append(el('span', 'label', KIND_LABEL[cur.kind] || 'Now'));
      meta.append(el('span', 'time', cur.kind === 'break' ? `until ${cur.end_local}` : `${cur.left_text} left`));
      nowBox.append(meta);
      const t = el('div', 'title');
      setTitle(t, cur.title);
      nowBox.append(t);
      const sp = el('div', 'speakers');
      fillSpeakers(sp, cur.speakers);
      nowBox.append(sp);
      const bar = el('div', 'bar');
      const fill = el('div', 'fill');
      fill.dataset.start = cur.start_ms;
      fill.dataset.end = cur.end_ms;
      bar.append(fill);
      nowBox.append(bar);
    } else {
      const quiet = {
        event_over: 'Finished',
        day_over: 'Done for today',
        not_started: room.next ? `Opens at ${when(room.next)}` : 'Not open yet',
        between_sessions: room.next ? `Free until ${room.next.start_local}` : 'Free',
      }[room.state] || 'Free';
      nowBox.append(el('div', 'quiet', quiet));
    }
    card.append(nowBox);
    if (room.next) {
      const next = el('div', 'room-next');
      next.classList.toggle('cancelled', !!room.next.cancelled);
      next.append(el('span', 'time', room.next.cancelled ? `${when(room.next)} cancelled` : when(room.next)));
      next.append(el('span', 'title', room.next.title));
      card.append(next);
    }
    grid.append(card);
  }
}

function render(snap) {
  current = snap;
  receivedAt = performance.now();
  document.getElementById('app').dataset.state = snap.has_schedule ? 'ready' : 'empty';
  $('#splash').hidden = true;
  try {
    clockFormat = new Intl.DateTimeFormat('en-GB', {
      timeZone: snap.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
  } catch {
    clockFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' });
  }
  $('#event').textContent = [snap.day_label, snap.view === 'room' ? snap.conference : snap.venue]
    .filter(Boolean).join(' · ');
  const notice = $('#notice');
  notice.textContent = snap.notice || '';
  notice.hidden = !snap.notice;
  const offline = $('#offline');
  offline.hidden = !snap.offline;
  if (snap.offline) {
    offline.textContent = [
      snap.offline.schedule_from && `schedule from ${snap.offline.schedule_from}`,
      `offline since ${snap.offline.offline_since}`,
    ].filter(Boolean).join(' · ');
  }

  const isRoom = snap.view === 'room' && snap.rooms.length === 1;
  $('#room-view').hidden = !isRoom;
  $('#lobby-view').hidden = isRoom || !snap.has_schedule;
  if (!snap.has_schedule) {
    $('#place').textContent = 'Summit Kiosk';
  } else if (isRoom) {
    renderRoom(snap);
  } else {
    renderLobby(snap);
  }
  renderWall(snap, isRoom);
  renderAnnouncement(snap.announcement);
  renderIdentify(snap.identify);
  tick();
}

/** "Identify": this screen's name over everything, while the shell says so. */
function renderIdentify(name) {
  const box = $('#identify');
  box.hidden = !name;
  if (name) $('.name', box).textContent = name;
}

/** The organizer's announcement, over everything but the top bar. */
function renderAnnouncement(a) {
  const box = $('#announcement');
  box.hidden = !a;
  if (!a) return;
  box.classList.toggle('urgent', !!a.urgent);
  box.dataset.id = a.id;
  $('.label', box).textContent = a.urgent ? 'Important' : 'Announcement';
  $('.text', box).textContent = a.text;
}

/** The wall's mode comes from the shell; in full screen a strip says what is next. */
function renderWall(snap, isRoom) {
  const mode = snap.has_schedule ? snap.wall : 'off';
  document.getElementById('app').dataset.wall = mode;
  setMode(mode, snap.speed);
  const strip = $('#wall-next');
  const rooms = snap.rooms.filter((r) => r.next);
  rooms.sort((a, b) => a.next.start_ms - b.next.start_ms);
  const first = rooms[0];
  strip.hidden = mode !== 'full' || !first;
  if (strip.hidden) return;
  $('.time', strip).textContent = when(first.next);
  $('.title', strip).textContent = first.next.title;
  $('.where', strip).textContent = isRoom ? '' : first.room;
}

/** The clock as the shell's clock reads now (it may run faster in rehearsals). */
function nowMs() {
  return current.at_ms + (performance.now() - receivedAt) * current.speed;
}

function setFill(fill, startMs, endMs, at) {
  const p = Math.min(1, Math.max(0, (at - startMs) / (endMs - startMs)));
  const scale = `scaleX(${p.toFixed(3)})`;
  if (fill.style.getPropertyValue('transform') !== scale) fill.style.setProperty('transform', scale);
}

/** Once a second: the clock and the progress bars, from the last snapshot. */
function tick() {
  if (!current) return;
  const at = nowMs();
  const clock = clockFormat.format(new Date(at));
  // Only touch the DOM when the text changes: a kiosk repaints all day long.
  if ($('#clock').textContent !== clock) $('#clock').textContent = clock;
  const cur = current.view === 'room' && current.rooms[0] && current.rooms[0].current;
  if (cur) setFill($('#progress .fill'), cur.start_ms, cur.end_ms, at);
  for (const fill of document.querySelectorAll('#lobby-view .fill')) {
    setFill(fill, Number(fill.dataset.start), Number(fill.dataset.end), at);
  }
  // The second animation frame runs once the first has been painted: the
  // heartbeat says the page really renders, not just that a timer fired.
  requestAnimationFrame(() => requestAnimationFrame(reportRender));
}

function newer(snap) {
  return !current || snap.revision > current.revision || snap.at_ms >= current.at_ms;
}

async function start() {
  // Listen first, then ask: a push that races the answer is not lost.
  await onSnapshot((snap) => { if (newer(snap)) render(snap); });
  try {
    const snap = await getSnapshot();
    if (newer(snap)) render(snap);
  } catch (err) {
    // Keep whatever is on screen; say what went wrong, discreetly.
    const notice = $('#notice');
    notice.textContent = `Waiting for the schedule: ${err && err.message ? err.message : err}`;
    notice.hidden = false;
  }
  setInterval(tick, 1000);
  startWall();
}

// Ctrl+Shift+O on a kiosk's keyboard: the organizer control panel.
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey && event.shiftKey && (event.key === 'O' || event.key === 'o')) {
    event.preventDefault();
    openControlPanel().catch(() => {});
  }
});

start();
