// @ts-check
// The Photos tab: the wall's photos (thumbnails from the `photo:` scheme at
// the size the core picked), hide/show, approve, approve mode, uploads, and
// the files that were quarantined with the reason.

import { $, button, chip, el, renderPart, textEl } from './dom.js';
import { done, fail, say } from './feedback.js';
import * as ipc from './ipc.js';
import { t } from './l10n.js';
import { hooks, ui, view } from './state.js';

const STATUS = {
  on_wall: ['panel.photo.on_wall', 'ok'], hidden: ['panel.photo.hidden', 'cancelled'],
  awaiting_approval: ['panel.photo.awaiting_approval', 'late'], not_approved: ['panel.photo.not_approved', 'late'],
};

export function renderPhotos() {
  const v = view();
  if (!ui.approveModePending) $('#approve-mode').checked = v.approve_mode;
  const grid = $('#photos');
  renderPart('photos', grid, [v.photos, v.approve_mode], () => {
    grid.replaceChildren();
    if (!v.photos.length) grid.append(el('li', 'empty', t('panel.no_photos')));
    for (const p of v.photos) {
      const li = el('li', 'photo');
      li.dataset.photoId = p.id;
      li.dataset.hidden = String(p.hidden);
      const img = el('img');
      img.loading = 'lazy';
      img.decoding = 'async';
      img.alt = p.credit ? t('panel.photo_by', { credit: p.credit }) : t('panel.photo');
      img.src = p.thumb_url;
      const meta = el('div', 'photo-meta');
      meta.append(textEl('div', 'credit clamp-1', p.credit ? t('panel.credit', { credit: p.credit }) : t('panel.no_credit')));
      const chips = el('div', 'chips');
      const [status, kind] = STATUS[p.status];
      chips.append(chip(t(status), kind), el('span', 'time', p.added));
      meta.append(chips);
      const actions = el('div', 'actions');
      const hide = button(t(p.hidden ? 'panel.show' : 'panel.hide'), `small ${p.hidden ? '' : 'warn'}`, { focus: `hide:${p.id}` });
      hide.addEventListener('click', () => done(() => ipc.setPhotoHidden(p.id, !p.hidden)));
      actions.append(hide);
      if (v.approve_mode || !p.approved) {
        const approve = button(t(p.approved ? 'panel.unapprove' : 'panel.approve'), `small ${p.approved ? '' : 'accent'}`, { focus: `approve:${p.id}` });
        approve.addEventListener('click', () => done(() => ipc.setPhotoApproved(p.id, !p.approved)));
        actions.append(approve);
      }
      meta.append(actions);
      li.append(img, meta);
      grid.append(li);
    }
  });
  $('#quarantine-box').hidden = !v.quarantined.length;
  renderPart('quarantined', $('#quarantined'), v.quarantined, () => {
    const list = $('#quarantined');
    list.replaceChildren();
    for (const q of v.quarantined) {
      const li = el('li', 'item');
      const body = el('div', 'item-body');
      body.append(textEl('div', 'path clamp-1', q.path), textEl('div', 'reason clamp-2', q.reason));
      li.append(body);
      list.append(li);
    }
  });
}

$('#approve-mode').addEventListener('change', async (event) => {
  ui.approveModePending = true;
  try {
    await done(() => ipc.setApproveMode(event.target.checked));
  } finally {
    ui.approveModePending = false;
  }
});

$('#photo-files').addEventListener('change', async (event) => {
  const files = [...event.target.files];
  event.target.value = '';
  if (!files.length) return;
  const list = $('#upload-list');
  const bar = $('#uploads-progress');
  $('#uploads').hidden = false;
  list.replaceChildren();
  bar.max = files.length;
  bar.value = 0;
  const rows = files.map((file) => {
    const li = el('li', 'item upload');
    li.dataset.state = 'queued';
    const body = el('div', 'item-body');
    body.append(textEl('div', 'name clamp-1', file.name), el('div', 'result', t('panel.upload.waiting')));
    li.append(body);
    list.append(li);
    return li;
  });
  let added = 0, refused = 0;
  const summary = (n) => {
    $('#uploads-summary').textContent = t(refused ? 'panel.upload.summary_refused' : 'panel.upload.summary', { n, total: files.length, added, refused });
  };
  summary(0);
  for (let i = 0; i < files.length; i += 1) {
    const row = rows[i];
    const result = $('.result', row);
    row.dataset.state = 'sending';
    result.textContent = t('panel.upload.uploading');
    try {
      const bytes = new Uint8Array(await files[i].arrayBuffer());
      const answer = await ipc.uploadPhoto(bytes, files[i].name);
      row.dataset.state = 'done';
      result.textContent = answer.what;
      added += 1;
    } catch (err) {
      row.dataset.state = 'refused';
      result.textContent = err.message || String(err);
      refused += 1;
      if (err.code === 'locked') {
        for (const rest of rows.slice(i + 1)) { rest.dataset.state = 'refused'; $('.result', rest).textContent = t('panel.upload.not_sent'); }
        fail(err);
        break;
      }
    }
    bar.value = i + 1;
    summary(i + 1);
  }
  say(t(refused ? 'panel.upload.finished_refused' : 'panel.upload.finished', { added, refused }));
  hooks.refresh();
});
