// @ts-check
// What attendees see at a glance, from the panel: the selected room's
// status ("filling up", "full", where to go instead) and the emergency
// takeover, started from a prepared message and confirmed before it goes
// on every chosen screen. The core checks and words everything.

import { $, $$, button, chip, el, renderPart, textEl } from './dom.js';
import { ask } from './dialogs.js';
import { done, say } from './feedback.js';
import * as ipc from './ipc.js';
import { t } from './l10n.js';
import { roomName, ui, view } from './state.js';

/** @typedef {import('./view').EmergencyIntent} EmergencyIntent */

export function renderRoomStatus() {
  const v = view();
  const room = v.rooms.find((r) => r.id === ui.selectedRoom);
  const form = $('#room-status-form');
  form.hidden = !room;
  if (!room) return;
  const status = room.status;
  form.dataset.occupancy = status ? status.occupancy : 'none';
  $('#room-status-now').textContent = status
    ? [status.text, status.overflow && t('panel.overflow', { room: status.overflow }), status.until].filter(Boolean).join(' · ')
    : t('panel.not_set');
  $('#room-status-clear').disabled = !status;
  renderPart('room-status-buttons', $('#room-status-buttons'), [v.glance.occupancies, room.id], () => {
    $('#room-status-buttons').replaceChildren(...v.glance.occupancies.map((o) =>
      button(o.label, o.value === 'full' ? 'big danger' : 'big accent', { occupancy: o.value })));
  });
  renderPart('room-status-overflow', $('#room-status-overflow'), [v.rooms.map((r) => [r.id, r.name]), room.id], () => {
    const select = $('#room-status-overflow');
    const none = el('option', null, t('panel.no_overflow_room'));
    none.value = '';
    select.replaceChildren(none, ...v.rooms.filter((r) => r.id !== room.id).map((r) => {
      const option = el('option', null, r.name);
      option.value = r.id;
      return option;
    }));
  });
  $('#room-status-stream').maxLength = v.glance.url_chars;
}

$('#room-status-buttons').addEventListener('click', (event) => {
  const b = event.target.closest('[data-occupancy]');
  if (!b || !ui.selectedRoom) return;
  const overflow = $('#room-status-overflow').value;
  const stream = $('#room-status-stream').value.trim();
  done(() => ipc.setRoomStatus({
    room: ui.selectedRoom,
    occupancy: b.dataset.occupancy,
    ...(overflow ? { overflow } : {}),
    ...(stream ? { stream_url: stream } : {}),
  }));
});
$('#room-status-clear').addEventListener('click', () => {
  if (ui.selectedRoom) done(() => ipc.setRoomStatus({ room: ui.selectedRoom }));
});

export function renderEmergency() {
  const v = view();
  const g = v.glance;
  const on = g.emergencies.filter((e) => e.on_screen).length;
  const count = $('[data-tab="emergency"] .count');
  count.hidden = !on;
  count.textContent = String(on);
  $('#emergency-headline').maxLength = g.headline_chars;
  $('#emergency-text').maxLength = g.text_chars;
  countChars();
  renderPart('emergency-templates', $('#emergency-templates'), g.templates, () => {
    $('#emergency-templates').replaceChildren(...g.templates.map((t, i) =>
      button(t.name, 'big', { template: String(i) })));
  });
  renderPart('emergency-pictograms', $('#emergency-pictogram'), g.pictograms, () => {
    const none = el('option', null, t('panel.no_pictogram'));
    none.value = '';
    $('#emergency-pictogram').replaceChildren(none, ...g.pictograms.map((p) => {
      const option = el('option', null, p.label);
      option.value = p.value;
      return option;
    }));
  });
  renderPart('emergency-expiry', $('#emergency-expiry'), v.limits.announcement_durations, () => {
    $('#emergency-expiry').replaceChildren(...v.limits.announcement_durations.map((d) => {
      const option = el('option', null, d.minutes === null ? t('panel.when_cleared') : t('panel.after', { duration: d.label }));
      option.value = d.minutes === null ? '' : String(d.minutes);
      return option;
    }));
  });
  renderPart('emergency-rooms', $('#emergency-rooms'), v.rooms.map((r) => [r.id, r.name]), () => {
    $('#emergency-rooms').replaceChildren(...v.rooms.map((r) => {
      const label = el('label', 'check');
      const input = el('input');
      input.type = 'checkbox';
      input.value = r.id;
      label.append(input, ' ', textEl('span', 'clamp-1', r.name));
      return label;
    }));
  });
  $('#emergency-on').hidden = g.emergencies.length === 0;
  renderPart('emergencies', $('#emergencies'), g.emergencies, () => {
    $('#emergencies').replaceChildren(...g.emergencies.map((e) => {
      const li = el('li', 'item emergency');
      li.dataset.emergencyId = e.id;
      const meta = el('div', 'meta');
      meta.append(chip(t(e.on_screen ? 'panel.on_screen' : 'panel.scheduled'), e.on_screen ? 'urgent' : 'past'),
        el('span', 'time', e.when), textEl('span', 'where clamp-1', e.rooms));
      const body = el('div', 'item-body');
      body.append(meta, textEl('div', 'text clamp-2', e.headline));
      const clear = button(t('panel.clear'), 'big accent', { clear: e.id });
      clear.addEventListener('click', () => ask({
        title: t('panel.clear_emergency'),
        body: textEl('p', 'quote clamp-3', e.headline),
        confirm: t('panel.clear_it'),
        onConfirm: async () => { await done(() => ipc.clearEmergency(e.id)); },
      }));
      li.append(body, clear);
      return li;
    }));
  });
}

function countChars() {
  const g = view().glance;
  $('#emergency-headline-count').textContent = `${[...$('#emergency-headline').value].length} / ${g.headline_chars}`;
  $('#emergency-text-count').textContent = `${[...$('#emergency-text').value].length} / ${g.text_chars}`;
}
$('#emergency-headline').addEventListener('input', countChars);
$('#emergency-text').addEventListener('input', countChars);
$('#emergency-all').addEventListener('change', () => {
  $('#emergency-rooms').hidden = $('#emergency-all').checked;
});

$('#emergency-templates').addEventListener('click', (event) => {
  const b = event.target.closest('[data-template]');
  if (!b) return;
  const t = view().glance.templates[Number(b.dataset.template)];
  $('#emergency-headline').value = t.headline;
  $('#emergency-text').value = t.text;
  $('#emergency-pictogram').value = t.pictogram || '';
  $('#emergency-expiry').value = t.minutes === null ? '' : String(t.minutes);
  countChars();
  $('#emergency-headline').focus();
});

$('#emergency-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const headline = $('#emergency-headline').value.trim();
  if (!headline) { say(t('panel.write_headline')); return; }
  const all = $('#emergency-all').checked;
  const rooms = all ? null : $$('#emergency-rooms input:checked').map((i) => i.value);
  const expiry = $('#emergency-expiry').value;
  /** @type {EmergencyIntent} */
  const emergency = {
    headline,
    text: $('#emergency-text').value.trim(),
    ...($('#emergency-pictogram').value ? { pictogram: $('#emergency-pictogram').value } : {}),
    ...(rooms ? { rooms } : {}),
    ...(expiry ? { minutes: Number(expiry) } : {}),
  };
  const where = rooms ? rooms.map(roomName).join(', ') || t('panel.no_screen') : t('panel.every_screen_lower');
  const preview = el('div', 'emergency-preview');
  preview.append(textEl('p', 'quote', headline),
    el('p', 'hint', t(expiry ? 'panel.takes_over_expiring' : 'panel.takes_over', { where })));
  ask({
    title: t('panel.show_emergency'),
    body: preview,
    confirm: t('panel.show_it_now'),
    danger: true,
    onConfirm: async () => {
      await done(() => ipc.postEmergency(emergency));
      $('#emergency-form').reset();
      $('#emergency-rooms').hidden = true;
    },
  });
});
