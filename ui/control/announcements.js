// @ts-check
// The Announcements tab: post one (text, screens, priority, start, how long:
// the core resolves the start within today's conference day), list them as
// the core words them, take one down.

import { $, $$, button, chip, el, renderPart, textEl } from './dom.js';
import { ask } from './dialogs.js';
import { clearError, done, fail, say, showError } from './feedback.js';
import * as ipc from './ipc.js';
import { t } from './l10n.js';
import { hooks, view } from './state.js';

const STATUS = { on_screen: ['panel.on_screen', 'now'], scheduled: ['panel.scheduled', 'past'], ended: ['panel.not_shown', 'past'] };

export function renderAnnouncements() {
  const v = view();
  const text = $('#announcement-text');
  text.maxLength = v.limits.announcement_chars;
  countChars();
  renderPart('announcement-durations', $('#announcement-expiry'), v.limits.announcement_durations, () => {
    $('#announcement-expiry').replaceChildren(...v.limits.announcement_durations.map((d) => {
      const option = el('option', null, d.label);
      option.value = d.minutes === null ? '' : String(d.minutes);
      option.selected = d.default;
      return option;
    }));
  });
  renderPart('announcement-rooms', $('#announcement-rooms'), v.rooms.map((r) => [r.id, r.name]), () => {
    const box = $('#announcement-rooms');
    const checked = new Set($$('input:checked', box).map((i) => i.value));
    box.replaceChildren();
    for (const room of v.rooms) {
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
  renderPart('announcements', list, v.announcements, () => {
    list.replaceChildren();
    if (!v.announcements.length) list.append(el('li', 'empty', t('panel.no_announcements')));
    for (const a of v.announcements) {
      const li = el('li', 'item announcement');
      li.dataset.announcementId = a.id;
      li.dataset.priority = a.priority;
      const meta = el('div', 'meta');
      if (a.priority === 'urgent') meta.append(chip(t('panel.urgent'), 'urgent'));
      const [status, kind] = STATUS[a.status];
      meta.append(chip(t(status), kind), el('span', 'time', a.when), textEl('span', 'where clamp-1', a.rooms));
      const body = el('div', 'item-body');
      body.append(meta, textEl('div', 'text clamp-3', a.text));
      const remove = button(t('panel.remove'), 'warn', { focus: `ann-remove:${a.id}` });
      remove.addEventListener('click', () => ask({
        title: t('panel.remove_announcement'),
        body: textEl('p', 'quote clamp-3', a.text),
        confirm: t('panel.remove'), danger: true,
        onConfirm: async () => { await done(() => ipc.removeAnnouncement(a.id)); },
      }));
      li.append(body, remove);
      list.append(li);
    }
  });
}

function countChars() {
  $('#announcement-count').textContent = `${[...$('#announcement-text').value].length} / ${view().limits.announcement_chars}`;
}

function syncRoomChecks() {
  $('#announcement-rooms').hidden = $('#announcement-all').checked;
}
$('#announcement-all').addEventListener('change', syncRoomChecks);
$('#announcement-text').addEventListener('input', countChars);

$('#announcement-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const textArea = $('#announcement-text');
  const text = textArea.value.trim();
  if (!text) { showError(t('panel.type_announcement')); textArea.focus(); return; }
  let rooms = null;
  if (!$('#announcement-all').checked) {
    rooms = $$('#announcement-rooms input:checked').map((i) => i.value);
    if (!rooms.length) { showError(t('panel.pick_a_room')); return; }
  }
  const priority = ($('#announcement-form input[name="priority"]:checked') || {}).value === 'urgent' ? 'urgent' : 'normal';
  const length = $('#announcement-expiry').value;
  const addButton = $('#announcement-add');
  addButton.disabled = true;
  try {
    await ipc.addAnnouncement({
      text, rooms, priority,
      start: $('#announcement-start').value.trim(),
      minutes: length ? Number(length) : null,
    });
    clearError();
    say(t('panel.announcement_posted'));
    textArea.value = '';
    $('#announcement-start').value = '';
    countChars();
    hooks.refresh();
  } catch (err) {
    fail(err, t('panel.could_not_post'));
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
