// @ts-check
// Small DOM helpers. Text reaches the page only through textContent: titles,
// names and announcements may be hostile.

import { t } from './l10n.js';

/** The first element matching `sel` (typed loosely: the DOM is not the contract). @returns {any} */
export const $ = (sel, root = document) => root.querySelector(sel);
/** @returns {any[]} */
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** @param {string} tag @param {string|null} [className] @param {any} [text] @returns {any} */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Text in any script: its own direction, clamped by CSS, the full text on hover. */
export function textEl(tag, className, text) {
  const node = el(tag, className, text);
  node.dir = 'auto';
  node.title = String(text ?? '');
  return node;
}

export function button(label, className, data = {}) {
  const b = el('button', `button ${className || ''}`.trim(), label);
  b.type = 'button';
  for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
  return b;
}

export function chip(text, kind) {
  return el('span', `chip${kind ? ` chip-${kind}` : ''}`, text);
}

export function field(labelText, input, hint) {
  const label = el('label', 'field');
  const head = el('span', 'field-label', labelText);
  if (hint) head.append(' ', el('span', 'hint', hint));
  label.append(head, input);
  return label;
}

/** A text input for a wall-clock time; the core reads what is typed. */
export function clockInput(id, value) {
  const input = el('input', 'time-input');
  input.type = 'text';
  input.id = id;
  input.inputMode = 'numeric';
  input.placeholder = t('panel.hh_mm');
  input.autocomplete = 'off';
  input.value = value || '';
  return input;
}

const signatures = new Map();

/** Forget what was rendered (after the lock screen: render everything again). */
export function forgetRendered() {
  signatures.clear();
}

/** Re-render a part only when what it shows changed, keeping focus. */
export function renderPart(name, container, inputs, build) {
  const sig = JSON.stringify(inputs);
  if (signatures.get(name) === sig) return false;
  signatures.set(name, sig);
  const active = document.activeElement;
  const focusKey = active && container.contains(active) ? /** @type {any} */ (active).dataset.focus : null;
  build();
  if (focusKey) {
    const again = $$('[data-focus]', container).find((n) => n.dataset.focus === focusKey);
    if (again) again.focus({ preventScroll: true });
  }
  return true;
}
