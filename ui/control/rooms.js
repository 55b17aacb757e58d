// @ts-check
// The rooms column: every room's state and what is on now, as the core says.

import { $, $$, chip, el, renderPart, textEl } from './dom.js';
import { t } from './l10n.js';
import { ui, view } from './state.js';

/** A room state's catalogue key. */
const STATE_LABEL = {
  in_session: 'panel.state.in_session', break: 'panel.state.break', working_session: 'panel.state.working_session',
  between_sessions: 'panel.state.between_sessions', not_started: 'panel.state.not_started',
  day_over: 'panel.state.day_over', event_over: 'panel.state.event_over',
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
    if (!rooms.length) box.append(el('p', 'empty', t('panel.no_rooms')));
    for (const room of rooms) {
      const card = el('button', 'room');
      card.type = 'button';
      card.dataset.roomId = room.id;
      card.dataset.focus = `room:${room.id}`;
      card.dataset.state = room.state;
      card.setAttribute('aria-pressed', String(room.id === ui.selectedRoom));
      const head = el('span', 'room-head');
      head.append(textEl('span', 'room-name', room.name));
      head.append(el('span', `state state-${room.state}`, t(STATE_LABEL[room.state])));
      card.append(head);
      const cur = room.current;
      if (cur || room.next) {
        const status = el('span', 'room-status');
        if (cur) status.append(el('span', 'time', `${cur.start_local}–${cur.end_local}`));
        status.append(room.late_minutes > 0 ? chip(t('panel.min_late', { m: room.late_minutes }), 'late') : chip(t('panel.on_time'), 'ok'));
        card.append(status);
      }
      if (cur) card.append(textEl('span', 'title room-title', cur.title || t('panel.untitled')));
      if (room.next) {
        const next = el('span', 'room-next');
        next.append(el('span', 'time', t('panel.next_at', { time: room.next.start_local })));
        next.append(textEl('span', 'title clamp-1', room.next.title || t('panel.untitled')));
        card.append(next);
      }
      if (!cur && !room.next) card.append(el('span', 'room-quiet', t('panel.nothing_more')));
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
