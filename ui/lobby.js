// The lobby screen: every room's now and next, in the grid and page the
// core chose for the room count. Each card's text is clamped to whole lines
// until it fits its cell.

import { $, el, fillSpeakers, setTitle } from './dom.js';
import { fillBadges, fillLate, fillPlanned, fillQr, fillStatus } from './glance.js';

function statusNode(room) {
  const node = el('div', 'room-status');
  node.append(el('span', 'status-text'), el('span', 'status-overflow'));
  fillStatus(node, room);
  return node;
}

function qrNode(qr) {
  const figure = el('figure', 'qr');
  figure.append(el('div', 'qr-code'), el('figcaption'));
  fillQr(figure, qr);
  return figure;
}

function nowBox(room, labels) {
  const box = el('div', 'room-now');
  const cur = room.current;
  if (!cur) {
    box.append(el('div', 'quiet', room.texts.quiet));
    return box;
  }
  // The badges share the label's line: a card has few lines to spare.
  const meta = el('div', 'meta');
  meta.append(el('span', 'label', room.texts.label));
  const badges = el('div', 'badges');
  fillBadges(badges, cur);
  const late = el('span', 'late');
  fillLate(late, room);
  meta.append(badges, late);
  meta.append(el('span', 'time', room.texts.left || ''));
  const title = el('div', 'title');
  setTitle(title, cur, labels.untitled);
  const speakers = el('div', 'speakers');
  fillSpeakers(speakers, cur);
  const bar = el('div', 'bar');
  const fill = el('div', 'fill');
  fill.dataset.start = cur.start_ms;
  fill.dataset.end = cur.end_ms;
  bar.append(fill);
  box.append(meta, title, speakers, bar);
  return box;
}

function nextLine(room) {
  const next = el('div', 'room-next');
  next.classList.toggle('cancelled', !!room.next.cancelled);
  next.append(el('span', 'time', room.texts.next_time || ''));
  const planned = el('s', 'planned');
  fillPlanned(planned, room.next, false);
  if (!room.current) {
    const late = el('span', 'late');
    fillLate(late, room);
    next.append(planned, late);
  } else {
    next.append(planned);
  }
  next.append(el('span', 'title', room.next.title));
  return next;
}

export function renderLobby(snap) {
  $('#place').textContent = snap.conference;
  const grid = $('#lobby-view');
  const layout = snap.lobby || { columns: 1, rows: 1, page: 1, pages: 1, qr: false };
  grid.dataset.columns = String(layout.columns);
  grid.dataset.rows = String(layout.rows);
  grid.style.setProperty('--columns', String(layout.columns));
  grid.style.setProperty('--rows', String(layout.rows));
  const cards = snap.rooms.map((room) => {
    const card = el('article', 'room-card');
    card.dataset.state = room.state;
    card.dataset.roomId = room.room_id;
    if (room.current) card.dataset.sessionId = room.current.id;
    card.classList.toggle('ending-soon', !!(room.current && room.current.ending_soon));
    const head = el('div', 'room-head');
    head.append(el('h2', 'room-name', room.room), statusNode(room));
    card.append(head, nowBox(room, snap.labels));
    if (room.qr) card.append(qrNode(room.qr));
    if (room.next) card.append(nextLine(room));
    return card;
  });
  grid.replaceChildren(...cards);
}
