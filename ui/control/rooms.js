// @ts-check
// The rooms column: every room's state and what is on now, as the core says.

import { $, $$, chip, el, renderPart, textEl } from './dom.js';
import { ui, view } from './state.js';

/** The display's own words for a room's state. */
const STATE_LABEL = {
  in_session: 'In session', break: 'Break', working_session: 'Working session',
  between_sessions: 'Between sessions', not_started: 'Not started yet',
  day_over: 'Done for today', event_over: 'Finished',
};

/** @type {(id: string) => void} */
let onSelect = () => {};

/** Call `select(roomId)` when a room card is clicked. */
export function onRoomSelected(select) {
  onSelect = select;
}

export function renderRooms() {
  const box = $('#rooms');
  const { rooms, limits } = view();
  const many = rooms.length >= limits.room_filter_from;
  $('#room-filter').hidden = !many;
  box.dataset.count = many ? 'many' : 'few';
  renderPart('rooms', box, [ui.selectedRoom, rooms], () => {
    box.replaceChildren();
    if (!rooms.length) box.append(el('p', 'empty', 'No rooms in the schedule.'));
    for (const room of rooms) {
      const card = el('button', 'room');
      card.type = 'button';
      card.dataset.roomId = room.id;
      card.dataset.focus = `room:${room.id}`;
      card.dataset.state = room.state;
      card.setAttribute('aria-pressed', String(room.id === ui.selectedRoom));
      const head = el('span', 'room-head');
      head.append(textEl('span', 'room-name', room.name));
      head.append(el('span', `state state-${room.state}`, STATE_LABEL[room.state]));
      card.append(head);
      const cur = room.current;
      if (cur || room.next) {
        const status = el('span', 'room-status');
        if (cur) status.append(el('span', 'time', `${cur.start_local}–${cur.end_local}`));
        status.append(room.late_minutes > 0 ? chip(`${room.late_minutes} min late`, 'late') : chip('on time', 'ok'));
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
    card.hidden = !!words && !name.includes(words) && card.dataset.roomId !== ui.selectedRoom;
  }
}
$('#room-filter').addEventListener('input', filterRooms);

$('#rooms').addEventListener('click', (event) => {
  const card = event.target.closest('[data-room-id]');
  if (card) onSelect(card.dataset.roomId);
});
