// @ts-check
// The Screens tab: every screen of the fleet as the core words it (status
// in colour and in a word, the reasons, what it shows, schedule, last seen,
// clock, memory, version, thumbnail), worst first; "Identify" and "Reload"
// are the organizer's commands (PIN-locked in Rust, audited).

import { $, button, chip, el, renderPart, textEl } from './dom.js';
import { ask } from './dialogs.js';
import { done } from './feedback.js';
import * as ipc from './ipc.js';
import { t } from './l10n.js';
import { view } from './state.js';

/** @typedef {import('./view').ScreenRow} ScreenRow */

const LEVEL_CHIP = { green: 'ok', amber: 'amber', red: 'red' };

/** The thumbnails shown, by URL: reused, so a refresh never blinks. */
const thumbnails = new Map();

/** @param {ScreenRow} s */
function thumbnail(s) {
  if (!s.thumbnail_url) return el('div', 'screen-thumb none', t('panel.no_picture'));
  let img = thumbnails.get(s.thumbnail_url);
  if (!img) {
    img = el('img', 'screen-thumb');
    img.alt = t('panel.what_screen_shows', { name: s.name });
    img.decoding = 'async';
    img.src = s.thumbnail_url;
    thumbnails.set(s.thumbnail_url, img);
  }
  return img;
}

/** @param {string} label @param {string} value @param {string} [className] */
function fact(label, value, className) {
  const item = el('span', `fact ${className || ''}`.trim());
  item.append(el('span', 'fact-label', label), ' ', textEl('span', 'fact-value', value));
  return item;
}

/** @param {ScreenRow} s */
function row(s) {
  const li = el('li', 'item screen');
  li.dataset.screenId = s.id;
  li.dataset.level = s.level;
  const figure = el('figure', 'screen-figure');
  figure.append(thumbnail(s));
  if (s.thumbnail_age) figure.append(el('figcaption', 'hint', s.thumbnail_age));
  const body = el('div', 'item-body');
  const head = el('div', 'meta');
  head.append(chip(s.status, LEVEL_CHIP[s.level]));
  head.append(textEl('span', 'screen-name clamp-1', s.name));
  if (s.this_kiosk) head.append(chip(t('panel.this_kiosk'), 'local'));
  head.append(textEl('span', 'where clamp-1', s.role));
  body.append(head);
  if (s.reasons.length) {
    const reasons = el('ul', 'reasons');
    for (const r of s.reasons) reasons.append(textEl('li', 'reason clamp-1', r));
    body.append(reasons);
  }
  const showing = el('div', 'showing');
  for (const line of s.showing.slice(0, 4)) showing.append(textEl('div', 'text clamp-1', line));
  if (s.showing.length > 4) showing.append(el('div', 'hint', t('panel.more_rooms', { n: s.showing.length - 4 })));
  body.append(showing);
  const facts = el('div', 'facts');
  facts.append(
    fact(t('panel.fact.schedule'), s.schedule, s.up_to_date ? '' : 'bad'),
    fact(t('panel.fact.seen'), s.last_seen, 'last-seen'),
    fact(t('panel.fact.clock'), s.clock, 'clock'),
    fact(t('panel.fact.memory'), s.memory),
    fact(t('panel.fact.version'), s.version),
    fact(t('panel.fact.sync'), s.sync),
    el('span', 'fact', s.uptime),
  );
  body.append(facts);
  const actions = el('div', 'actions');
  const identify = button(t('panel.identify'), 'small', { focus: `identify:${s.id}` });
  identify.title = t('panel.identify_hint');
  identify.addEventListener('click', () => done(() => ipc.commandScreen(s.id, 'identify')));
  const reload = button(t('panel.reload'), 'small warn', { focus: `reload:${s.id}` });
  reload.addEventListener('click', () => ask({
    title: t('panel.reload_title', { name: s.name }),
    body: el('p', null, t('panel.reload_text')),
    confirm: t('panel.reload'),
    onConfirm: async () => { await done(() => ipc.commandScreen(s.id, 'reload')); },
  }));
  identify.disabled = reload.disabled = !s.online;
  actions.append(identify, reload);
  li.append(figure, body, actions);
  return li;
}

export function renderScreens() {
  const v = view().screens;
  const list = $('#screens');
  renderPart('screens', list, v.rows, () => {
    list.replaceChildren();
    if (!v.rows.length) {
      list.append(el('li', 'empty', t('panel.no_screens')));
    }
    const shown = new Set();
    for (const s of v.rows) {
      list.append(row(s));
      if (s.thumbnail_url) shown.add(s.thumbnail_url);
    }
    for (const url of [...thumbnails.keys()]) if (!shown.has(url)) thumbnails.delete(url);
  });
  $('#screens-summary').textContent = v.total
    ? t('panel.screens_summary', { total: v.total, not_green: v.not_green, red: v.red })
    : '';
  $('#screens-signed').hidden = !v.total || v.commands_signed;
}
