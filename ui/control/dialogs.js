// @ts-check
// Modal dialogs: the generic one (a title, fields, Cancel and a confirm
// button) and the preview of what an edit would move, which the core
// computes and the organizer confirms.

import { $, el, textEl } from './dom.js';
import { clearError, say, showError } from './feedback.js';
import * as ipc from './ipc.js';
import { t } from './l10n.js';
import { hooks } from './state.js';

/** @typedef {import('./view').EditIntent} EditIntent */
/** @typedef {import('./view').ShiftRow} ShiftRow */

const dialog = $('#dialog');
const preview = $('#delay-preview');

/**
 * Show a modal until it is confirmed or cancelled. Enter confirms, Escape
 * cancels. `onConfirm` may throw an IPC error (shown in the dialog, which
 * stays open) or return a function to run after the dialog closes.
 */
function openModal(node, { onConfirm, confirmButton, cancelButton, errorBox, focus }) {
  return new Promise((resolve) => {
    let busy = false;
    const confirmLabel = confirmButton.textContent;
    if (errorBox) errorBox.hidden = true;
    const close = (result) => {
      node.removeEventListener('keydown', onKey);
      node.removeEventListener('cancel', onCancel);
      node.removeEventListener('close', onClose);
      cancelButton.removeEventListener('click', onCancelClick);
      node.querySelector('form').removeEventListener('submit', onSubmit);
      confirmButton.textContent = confirmLabel;
      confirmButton.disabled = false;
      if (node.open) node.close();
      resolve(result);
    };
    const confirm = async () => {
      if (busy) return;
      busy = true;
      confirmButton.disabled = true;
      confirmButton.textContent = t('panel.working');
      try {
        const then = await onConfirm();
        close(true);
        if (typeof then === 'function') then();
      } catch (err) {
        busy = false;
        confirmButton.disabled = false;
        confirmButton.textContent = confirmLabel;
        if (err && err.code === 'locked') { close(false); hooks.showLock(false); return; }
        const message = (err && err.message) || String(err);
        if (!(err && err.local)) showError(message); // a typo is said in the dialog only
        if (errorBox) { errorBox.textContent = message; errorBox.hidden = false; } else close(false);
      }
    };
    const onSubmit = (event) => { event.preventDefault(); confirm(); };
    const onCancel = (event) => { event.preventDefault(); if (!busy) close(false); };
    const onCancelClick = () => { if (!busy) close(false); };
    const onClose = () => close(false); // closed from outside (locked)
    const onKey = (event) => {
      if (event.key === 'Escape') { event.preventDefault(); if (!busy) close(false); return; }
      if (event.key !== 'Enter' || event.isComposing) return;
      const tag = event.target.tagName;
      if (tag === 'TEXTAREA' || tag === 'BUTTON' || (tag === 'INPUT' && event.target.type === 'file')) return;
      event.preventDefault();
      confirm();
    };
    node.addEventListener('keydown', onKey);
    node.addEventListener('cancel', onCancel);
    node.addEventListener('close', onClose);
    cancelButton.addEventListener('click', onCancelClick);
    node.querySelector('form').addEventListener('submit', onSubmit);
    node.showModal();
    (focus || confirmButton).focus();
  });
}

/** The generic dialog: a title, some fields, Cancel and a confirm button. */
export function ask({ title, body, confirm = t('panel.ok'), danger = false, onConfirm, focus = null }) {
  $('#dialog-title').textContent = title;
  $('#dialog-body').replaceChildren(...(Array.isArray(body) ? body : [body]).filter(Boolean));
  const ok = $('#dialog-confirm');
  ok.textContent = confirm;
  ok.classList.toggle('danger', danger);
  ok.classList.toggle('accent', !danger);
  return openModal(dialog, {
    onConfirm, confirmButton: ok, cancelButton: $('#dialog-cancel'), errorBox: $('#dialog-error'), focus,
  });
}

/** Close every open dialog (the panel locked). */
export function closeAll() {
  for (const d of [dialog, preview]) if (d.open) d.close('locked');
}

/** A mistake the organizer can fix in the dialog (said there only). */
export function typo(message) {
  return { code: 'invalid', local: true, message };
}

/** Apply one edit, say what it did, and refresh. @param {EditIntent} edit */
export async function applyEdit(edit) {
  const result = await ipc.applyEdit(edit);
  clearError();
  say(t('panel.done_what', { what: result.what }));
  hooks.refresh();
  return result;
}

/** @param {ShiftRow} shift */
function shiftItem(shift) {
  const li = el('li', 'shift');
  li.dataset.sessionId = shift.session_id;
  li.append(
    el('span', 'old', shift.old_start_local),
    el('span', 'arrow', '→'),
    el('span', 'new', shift.new_start_local),
    textEl('span', 'title clamp-1', shift.title || t('panel.untitled')),
  );
  return li;
}

/**
 * Ask the core what `edit` would move, show it, and apply it if the
 * organizer confirms. @param {EditIntent} edit
 */
export async function showPreview(edit) {
  let plan;
  try {
    plan = await ipc.planDelay(edit);
  } catch (err) {
    if (err.code === 'locked') hooks.showLock(false);
    else showError(err.message);
    return;
  }
  if (plan.nothing) { say(plan.summary); return; }
  $('#delay-preview-title').textContent = plan.title;
  $('#delay-preview-summary').textContent = plan.summary;
  $('#delay-preview-summary').hidden = !plan.summary;
  const list = $('#delay-preview-list');
  list.replaceChildren(...plan.shifted.map(shiftItem));
  list.hidden = plan.shifted.length === 0;
  const stop = $('#delay-preview-stop');
  const abs = plan.absorbed_by;
  if (abs) {
    stop.dataset.kind = 'absorbed';
    stop.replaceChildren(
      el('strong', null, t('panel.stops_at')),
      ' ',
      textEl('span', 'stop-title', abs.title),
      ' ',
      t('panel.stops_at_rest', { old: abs.old_start_local, new: abs.new_start_local }),
    );
  } else if (plan.runs_to_day_end) {
    stop.dataset.kind = 'day-end';
    stop.replaceChildren(el('strong', null, t('panel.runs_to_day_end')), ' ', t('panel.runs_to_day_end_rest'));
  } else {
    stop.dataset.kind = '';
    stop.replaceChildren(t(plan.shifted.length ? 'panel.later_keep_times' : 'panel.no_other_moves'));
  }
  await openModal(preview, {
    onConfirm: () => applyEdit(edit),
    confirmButton: $('#delay-confirm'), cancelButton: $('#delay-cancel'), errorBox: null, focus: null,
  });
}
