// @ts-check
// The Sources tab: each schedule source's state and next check as the core
// words them, sync now, switch source; the revisions and the rollback.

import { $, button, chip, el, renderPart, textEl } from './dom.js';
import { ask } from './dialogs.js';
import { done } from './feedback.js';
import * as ipc from './ipc.js';
import { view } from './state.js';

const LEVEL_CHIP = { ok: 'ok', bad: 'cancelled', muted: 'past' };

export function renderSources() {
  const v = view();
  const list = $('#sources');
  renderPart('sources', list, v.sources, () => {
    list.replaceChildren();
    if (!v.sources.length) list.append(el('li', 'empty', 'No schedule sources are configured.'));
    for (const s of v.sources) {
      const li = el('li', 'item source');
      li.dataset.source = s.name;
      li.dataset.level = s.level;
      const body = el('div', 'item-body');
      const head = el('div', 'meta');
      head.append(textEl('span', 'source-name clamp-1', s.name));
      if (s.active) head.append(chip('Active', 'now'));
      head.append(chip(s.status, LEVEL_CHIP[s.level]));
      body.append(head);
      const facts = el('div', 'facts');
      facts.append(el('span', null, s.last_success));
      if (s.next_check) facts.append(el('span', 'next-check', s.next_check));
      body.append(facts);
      if (s.error) body.append(textEl('div', 'source-error clamp-2', s.error));
      const actions = el('div', 'actions');
      const sync = button('Sync now', '', { focus: `sync:${s.name}` });
      sync.addEventListener('click', async () => {
        sync.disabled = true;
        sync.textContent = 'Syncing…';
        await done(() => ipc.syncNow(s.name), 'Sync failed');
        sync.disabled = false;
        sync.textContent = 'Sync now';
      });
      actions.append(sync);
      if (!s.active) {
        const use = button('Use this source', 'accent', { focus: `use:${s.name}` });
        use.addEventListener('click', () => ask({
          title: 'Switch the schedule source?',
          body: [el('p', null, 'The screens will follow:'), textEl('p', 'quote clamp-2', s.name)],
          confirm: 'Switch',
          onConfirm: async () => { await done(() => ipc.setActiveSource(s.name)); },
        }));
        actions.append(use);
      }
      li.append(body, actions);
      list.append(li);
    }
  });
  $('#rollback').disabled = !v.can_roll_back;
  renderPart('revisions', $('#revisions'), v.revisions, () => {
    const revisions = $('#revisions');
    revisions.replaceChildren();
    if (!v.revisions.length) revisions.append(el('li', 'empty', 'No revisions yet.'));
    for (const r of v.revisions) {
      const li = el('li', 'item revision');
      li.dataset.revision = String(r.revision);
      const body = el('div', 'item-body');
      const head = el('div', 'meta');
      head.append(el('span', 'rev', `#${r.revision}`));
      if (r.current) head.append(chip('Current', 'now'));
      head.append(el('span', 'time', r.applied), textEl('span', 'where clamp-1', r.source));
      body.append(head, textEl('div', 'text clamp-2', r.summary));
      li.append(body);
      revisions.append(li);
    }
  });
}

$('#rollback').addEventListener('click', () => ask({
  title: 'Roll back the schedule?',
  body: el('p', null, 'The screens go back to the previous imported revision. Local changes (delays, announcements) stay.'),
  confirm: 'Roll back', danger: true,
  onConfirm: async () => { await done(() => ipc.rollback()); },
}));
