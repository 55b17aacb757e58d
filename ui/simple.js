// The simpler display: what is on now and next, as text, from the same
// snapshots. It renders what it is pushed and decides nothing.

import {
  getSnapshot, onSnapshot, options, reportRender, waitingText,
} from './ipc.js';

const $ = (sel) => document.querySelector(sel);
let current = null;

document.body.className = `theme-${options.theme === 'light' ? 'light' : 'dark'}`;
if (options.kiosk) document.body.classList.add('kiosk');

function line(label, session) {
  const div = document.createElement('div');
  div.className = 'line';
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = `${label} ${session.when}`;
  const speakers = session.speakers.map((s) => s.name).join(', ');
  div.append(time, speakers ? `${session.title} — ${speakers}` : session.title);
  return div;
}

function render(snap) {
  current = snap;
  $('#simple').dataset.state = snap.has_schedule ? 'ready' : 'empty';
  document.documentElement.lang = snap.labels.lang;
  const room = snap.view === 'room' && snap.rooms.length === 1 ? snap.rooms[0] : null;
  $('#place').textContent = room ? room.room : (snap.conference || 'Summit Kiosk');
  const list = $('#rooms');
  list.classList.toggle('many', snap.rooms.length > 2);
  list.classList.toggle('one', !!room);
  list.replaceChildren(...snap.rooms.map((r) => {
    const card = document.createElement('section');
    card.className = 'simple-room';
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = r.room;
    const when = document.createElement('div');
    when.className = 'when';
    when.textContent = r.current ? `${r.texts.label} ${r.current.span}` : r.texts.quiet;
    const now = document.createElement('div');
    now.className = 'now';
    now.textContent = r.current ? r.current.title : '—';
    const speakers = document.createElement('div');
    speakers.className = 'who';
    speakers.textContent = r.current ? r.current.speakers.map((s) => s.name).join(', ') : '';
    // One room: its name is the page's title already.
    if (!room) card.append(name);
    card.append(when, now, speakers);
    if (r.next) card.append(line(snap.labels.next, r.next));
    return card;
  }));
  const a = $('#announcement');
  a.hidden = !snap.announcement;
  a.textContent = snap.announcement ? snap.announcement.text : '';
  $('#notice').hidden = !snap.notice;
  $('#notice').textContent = snap.notice || '';
  tick();
}

function tick() {
  if (!current) return;
  // The clock's text is the core's, pushed every clock minute.
  if ($('#clock').textContent !== current.clock) $('#clock').textContent = current.clock;
  requestAnimationFrame(() => requestAnimationFrame(reportRender));
}

async function start() {
  await onSnapshot(render);
  try {
    render(await getSnapshot());
  } catch (err) {
    $('#notice').textContent = waitingText(err);
    $('#notice').hidden = false;
  }
  setInterval(tick, 1000);
}

start();
