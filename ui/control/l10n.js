// @ts-check
// The panel's words, in the organizer's language (`panel_language`). The
// core resolves the catalogue (`control_labels`, asked once at start); this
// only looks keys up, fills `{name}` placeholders, and puts the words on
// the page's fixed elements (`data-l10n`, `data-l10n-placeholder`,
// `data-l10n-aria-label`, `data-l10n-title`). No word is written here.

/** @typedef {import('./view').PanelLabels} PanelLabels */

/** @type {Record<string, string>} */
let texts = {};

/** Take the core's words and put them on the page. @param {PanelLabels} labels */
export function setLabels(labels) {
  texts = /** @type {Record<string, string>} */ (labels.texts);
  document.documentElement.lang = labels.lang;
  for (const node of document.querySelectorAll('[data-l10n]')) {
    node.textContent = t(/** @type {HTMLElement} */ (node).dataset.l10n || '');
  }
  for (const attr of ['placeholder', 'aria-label', 'title']) {
    for (const node of document.querySelectorAll(`[data-l10n-${attr}]`)) {
      node.setAttribute(attr, t(node.getAttribute(`data-l10n-${attr}`) || ''));
    }
  }
}

/**
 * The text for `key`, each `{name}` replaced by `args[name]`. A key the
 * core did not send shows as itself (a test keeps every used key in the
 * catalogue).
 * @param {string} key @param {Record<string, string | number>} [args]
 */
export function t(key, args) {
  let text = texts[key] ?? key;
  if (args) for (const [name, value] of Object.entries(args)) text = text.split(`{${name}}`).join(String(value));
  return text;
}
