// @ts-check
// The footer's error and status lines: always there, so a message never
// moves or covers a button.

import { $ } from './dom.js';
import { t } from './l10n.js';
import { hooks, ui } from './state.js';

const errorBox = $('#error');
let errorSource = null;
let statusPolls = 0;

/** Say what went wrong; `poll` errors also show on the lock screen. */
export function showError(message, source = 'action') {
  if (ui.locked && source === 'poll') {
    $('#lock-problem').textContent = message;
    $('#lock-problem').hidden = false;
  }
  $('.message', errorBox).textContent = message;
  errorBox.title = message;
  errorBox.hidden = false;
  errorSource = source;
}

export function clearError(source) {
  if (source === 'poll') $('#lock-problem').hidden = true;
  if (source && errorSource !== source) return;
  errorBox.hidden = true;
  errorSource = null;
}
$('#error-close').addEventListener('click', () => clearError());

/** A short confirmation, shown for a few of the panel's refreshes. */
export function say(message) {
  const box = $('#status');
  box.textContent = message;
  box.hidden = false;
  statusPolls = 4;
}

/** Called once per refresh: the status line fades out after a few. */
export function ageStatus() {
  if (statusPolls > 0) {
    statusPolls -= 1;
    if (statusPolls === 0) $('#status').hidden = true;
  }
}

/** An IPC failure: the lock screen for `locked`, the error strip otherwise. */
export function fail(err, prefix) {
  if (err && err.code === 'locked') {
    hooks.showLock(false);
    return;
  }
  const message = (err && err.message) || String(err);
  showError(prefix ? t('panel.failed_because', { what: prefix, message }) : message);
}

/** Apply a change through `call`, say what it did (the core's sentence), refresh. */
export async function done(call, prefix) {
  try {
    const result = await call();
    clearError();
    say(result && result.what ? result.what : t('panel.done'));
  } catch (err) {
    fail(err, prefix);
  }
  hooks.refresh();
}
