// @ts-check
// The Audit log tab: every change, newest first, as the core words it.

import { $, chip, el, renderPart, textEl } from './dom.js';
import { t } from './l10n.js';
import { view } from './state.js';

export function renderAudit() {
  const { audit } = view();
  const list = $('#audit');
  renderPart('audit', list, audit, () => {
    list.replaceChildren();
    if (!audit.length) list.append(el('li', 'empty', t('panel.nothing_yet')));
    for (const e of audit) {
      const li = el('li', 'item audit-entry');
      const what = textEl('span', 'what clamp-2', e.what);
      if (e.undone) { li.classList.add('undone'); what.prepend(chip(t('panel.undone'), 'past'), ' '); }
      li.append(el('span', 'time', e.at), what, textEl('span', 'origin clamp-1', e.origin));
      list.append(li);
    }
  });
}
