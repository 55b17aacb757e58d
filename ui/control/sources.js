// @ts-check
// The Sources tab: each schedule source's state and next check as the core
// words them, sync now, switch source; the revisions and the rollback.

import { $, button, chip, el, renderPart, textEl } from './dom.js';
import { ask } from './dialogs.js';
import { done } from './feedback.js';
import * as ipc from './ipc.js';
import { t } from './l10n.js';
import { view } from './state.js';

const LEVEL_CHIP = { ok: 'ok', bad: 'cancelled', muted: 'past' };

export function renderSources() {
  const v = view();
  const list = $('#sources');
  renderPart('sources', list, v.sources, () => {
    list.replaceChildren();
    if (!v.sources.length) list.append(el('li', 'empty', t('panel.no_sources')));
    for (const s of v.sources) {
      const li = el('li', 'item source');
      li.dataset.source = s.name;
      li.dataset.level = s.level;
      const body = el('div', 'item-body');
      const head = el('div', 'meta');
      head.append(textEl('span', 'source-name clamp-1', s.name));
      if (s.active) head.append(chip(t('panel.active'), 'now'));
      head.append(chip(s.status, LEVEL_CHIP[s.level]));
      body.append(head);
      const facts = el('div', 'facts');
      facts.append(el('span', null, s.last_success));
      if (s.next_check) facts.append(el('span', 'next-check', s.next_check));
      body.append(facts);
      if (s.error) body.append(textEl('div', 'source-error clamp-2', s.error));
      const actions = el('div', 'actions');
      const sync = button(t('panel.sync_now'), '', { focus: `sync:${s.name}` });
      sync.addEventListener('click', async () => {
        sync.disabled = true;
        sync.textContent = t('panel.syncing');
        await done(() => ipc.syncNow(s.name), t('panel.sync_failed'));
        sync.disabled = false;
        sync.textContent = t('panel.sync_now');
      });
      actions.append(sync);
      if (!s.active) {
        const use = button(t('panel.use_source'), 'accent', { focus: `use:${s.name}` });
        use.addEventListener('click', () => ask({
          title: t('panel.switch_source'),
          body: [el('p', null, t('panel.screens_will_follow')), textEl('p', 'quote clamp-2', s.name)],
          confirm: t('panel.switch'),
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
    if (!v.revisions.length) revisions.append(el('li', 'empty', t('panel.no_revisions')));
    for (const r of v.revisions) {
      const li = el('li', 'item revision');
      li.dataset.revision = String(r.revision);
      const body = el('div', 'item-body');
      const head = el('div', 'meta');
      head.append(el('span', 'rev', `#${r.revision}`));
      if (r.current) head.append(chip(t('panel.current'), 'now'));
      head.append(el('span', 'time', r.applied), textEl('span', 'where clamp-1', r.source));
      body.append(head, textEl('div', 'text clamp-2', r.summary));
      li.append(body);
      revisions.append(li);
    }
  });
}

$('#rollback').addEventListener('click', () => ask({
  title: t('panel.rollback_title'),
  body: el('p', null, t('panel.rollback_text')),
  confirm: t('panel.roll_back'), danger: true,
  onConfirm: async () => { await done(() => ipc.rollback()); },
}));
