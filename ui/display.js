// The display window: renders the DisplaySnapshot the shell pushes. It never
// decides what is on; it only shows it. Text goes in through textContent only.

import {
  getSnapshot, onSnapshot, openControlPanel, options, reportRender, waitingText,
} from './ipc.js';
import { setMode, startWall } from './wall.js';
import { $, fillSpeakers, fillTrack, setTitle } from './dom.js';
import {
  fillBadges, fillLate, fillPlanned, fillQr, fillStatus, fit, renderEmergency,
} from './glance.js';
import { renderLobby } from './lobby.js';

let current = null;      // the last snapshot shown
let receivedAt = 0;      // performance.now() when it arrived

document.body.className = `theme-${options.theme === 'light' ? 'light' : 'dark'}`;
if (options.kiosk) document.body.classList.add('kiosk');

function renderCard(node, session, label, untitled) {
  node.hidden = !session;
  if (!session) return;
  node.dataset.sessionId = session.id;
  node.classList.toggle('cancelled', !!session.cancelled);
  $('.label', node).textContent = label;
  $('.time', node).textContent = session.when;
  fillPlanned($('.planned', node), session, false);
  fillTrack($('.track', node), session.track);
  setTitle($('.card-title', node), session, untitled);
  fillSpeakers($('.speakers', node), session);
  fillBadges($('.badges', node), session);
}

/** The hero: the session on, else the next one, else the day's end. */
function renderHero(snap, room) {
  const hero = $('#hero');
  const cur = room.current;
  const shown = cur || room.next;
  hero.dataset.state = room.state;
  hero.classList.toggle('ending-soon', !!(cur && cur.ending_soon));
  $('#now-subtitle').hidden = !(cur && cur.subtitle);
  $('#now-subtitle').textContent = (cur && cur.subtitle) || '';
  $('#progress').hidden = !cur;
  fillTrack($('#hero-track'), shown ? shown.track : null);
  fillSpeakers($('#now-speakers'), shown);
  fillBadges($('#now-badges'), shown);
  fillLate($('#hero-late'), room);
  fillPlanned($('#hero-planned'), shown, !!cur);
  if (shown) hero.dataset.sessionId = shown.id;
  else delete hero.dataset.sessionId;
  // The words and times are the core's, in the screen's language.
  $('#hero-label').textContent = room.texts.label;
  $('#hero-time').textContent = room.texts.time;
  $('.left', $('#progress')).textContent = room.texts.left || '';
  const untitled = snap.labels.untitled;
  if (shown) setTitle($('#now-title'), shown, untitled);
  else setTitle($('#now-title'), { title: room.texts.farewell, title_size: 'm' }, untitled);
}

function renderRoom(snap) {
  const room = snap.rooms[0];
  $('#place').textContent = room.room;
  fillStatus($('#room-status'), room);
  renderHero(snap, room);
  const { next, then, untitled } = snap.labels;
  if (room.current) {
    renderCard($('#next'), room.next, next, untitled);
    renderCard($('#after'), room.after, then, untitled);
  } else {
    // Between sessions the next one is the hero; the card shows the one after.
    renderCard($('#next'), room.next ? room.after : null, then, untitled);
    renderCard($('#after'), null, then, untitled);
  }
  fillQr($('#qr'), room.qr);
}

function render(snap) {
  current = snap;
  receivedAt = performance.now();
  document.getElementById('app').dataset.state = snap.has_schedule ? 'ready' : 'empty';
  $('#splash').hidden = true;
  // The language is the core's: hyphenation and screen readers follow it.
  document.documentElement.lang = snap.labels.lang;
  $('#clock').textContent = snap.clock;
  $('#clock').setAttribute('aria-label', snap.labels.clock);
  $('#event').textContent = [snap.day_label, snap.view === 'room' ? snap.conference : snap.venue, snap.page_text]
    .filter(Boolean).join(' · ');
  const notice = $('#notice');
  notice.textContent = snap.notice || '';
  notice.hidden = !snap.notice;
  const offline = $('#offline');
  offline.hidden = !snap.offline;
  if (snap.offline) offline.textContent = snap.offline.text;

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
  if (!isRoom || !snap.has_schedule) fillQr($('#qr'), null);
  renderWall(snap, isRoom);
  renderAnnouncement(snap.announcement, snap.labels);
  renderEmergency(snap.emergency);
  renderIdentify(snap.identify, snap.labels);
  const app = document.getElementById('app');
  app.dataset.side = isRoom && (snap.wall === 'side' || !$('#qr').hidden) ? 'on' : 'off';
  // Last: the banner and the wall change the room the text has.
  for (const box of document.querySelectorAll(isRoom ? '#hero' : '#lobby-view .room-card')) fit(box);
  tick();
}

/** "Identify": this screen's name over everything, while the shell says so. */
function renderIdentify(name, labels) {
  const box = $('#identify');
  box.hidden = !name;
  if (!name) return;
  $('.label', box).textContent = labels.this_screen_is;
  $('.name', box).textContent = name;
}

/** The organizer's announcement, over everything but the top bar. */
function renderAnnouncement(a, labels) {
  const box = $('#announcement');
  box.hidden = !a;
  if (!a) return;
  box.classList.toggle('urgent', !!a.urgent);
  box.dataset.id = a.id;
  $('.label', box).textContent = a.urgent ? labels.important : labels.announcement;
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
  $('.label', strip).textContent = snap.labels.next;
  $('.time', strip).textContent = first.next.when;
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
  // The clock's text comes with each snapshot (the shell pushes one every
  // clock minute); only the bars move between them.
  const at = nowMs();
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
    notice.textContent = waitingText(err);
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
