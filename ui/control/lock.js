// @ts-check
// The lock screen. The core says whether the panel is locked and how long
// the next PIN try must wait; this shows it and sends the PIN.

import { closeAll } from './dialogs.js';
import { $ } from './dom.js';
import { clearError, showError } from './feedback.js';
import * as ipc from './ipc.js';
import { t } from './l10n.js';
import { hooks, ui } from './state.js';

const lockScreen = $('#lock-screen');
const pinInput = $('#pin');
let wrongPinSeen = false;
let retryTimer = 0;

/** Show the lock as the last answer says (`ui.lock`). */
export function renderLock() {
  const lock = ui.lock;
  if (!lock) return;
  pinInput.maxLength = lock.pin_max_chars;
  $('#lock-conference').textContent = lock.conference;
  const msg = $('#lock-message');
  const unlockButton = $('#unlock');
  const wait = lock.retry_in_secs;
  unlockButton.disabled = !!wait;
  if (wait) {
    wrongPinSeen = true;
    msg.textContent = t('panel.wrong_pin_wait', { secs: wait });
    msg.hidden = false;
    // Ask again when the core said the wait ends.
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => hooks.refresh(), lock.retry_after_ms || 0);
  } else if (wrongPinSeen) {
    msg.textContent = t('panel.wrong_pin');
    msg.hidden = false;
  } else {
    msg.hidden = true;
  }
}

export function showLock() {
  renderLock();
  if (ui.locked === true) return;
  ui.locked = true;
  closeAll();
  $('#app').hidden = true;
  $('#loading').hidden = true;
  lockScreen.hidden = false;
  pinInput.focus();
}

export function hideLock() {
  if (ui.locked === false) return;
  ui.locked = false;
  lockScreen.hidden = true;
  $('#app').hidden = false;
  pinInput.value = '';
  wrongPinSeen = false;
  $('#lock-message').hidden = true;
}

$('#lock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const pin = pinInput.value;
  if (!pin) { pinInput.focus(); return; }
  const unlockButton = $('#unlock');
  unlockButton.disabled = true;
  try {
    await ipc.unlock(pin);
    pinInput.value = '';
    clearError();
  } catch (err) {
    pinInput.value = '';
    pinInput.focus();
    if (err.code === 'wrong_pin' || err.code === 'retry_later') {
      wrongPinSeen = true;
    } else {
      const msg = $('#lock-message');
      msg.textContent = err.message || String(err);
      msg.hidden = false;
    }
  }
  unlockButton.disabled = false;
  await hooks.refresh(); // the core's word on the lock and on any wait
});

$('#lock').addEventListener('click', async () => {
  try { await ipc.lock(); } catch (err) { if (err.code !== 'locked') showError(err.message); }
  hooks.refresh();
});
