// What attendees need at a glance, as the core computed it: badges, the
// planned time struck beside the new one, "running late", how full a room
// is, the QR code, and the emergency takeover. Nothing is decided here.

import { $, el, svg } from './dom.js';

/** Badges with their words (never colour alone). */
export function fillBadges(node, session) {
  const badges = session ? session.badges : [];
  node.replaceChildren(...badges.map((b) => {
    const badge = el('span', `badge badge-${b.kind}`, b.text);
    badge.dataset.kind = b.kind;
    return badge;
  }));
  node.hidden = badges.length === 0;
}

/** The planned time, struck through, when the organizer's changes moved it. */
export function fillPlanned(node, session, span) {
  const planned = session && session.planned;
  node.hidden = !planned;
  node.textContent = planned ? (span ? planned.span : planned.when) : '';
}

/** "Running 10 min late", when the room is behind its plan. */
export function fillLate(node, room) {
  node.hidden = !room.late;
  node.textContent = room.late ? room.late.text : '';
}

/** "Full" (or "Filling up") and where to go instead. */
export function fillStatus(node, room) {
  const status = room.status;
  node.hidden = !status;
  if (!status) return;
  node.dataset.occupancy = status.occupancy;
  $('.status-text', node).textContent = status.text;
  const overflow = $('.status-overflow', node);
  overflow.textContent = status.overflow || '';
  overflow.hidden = !status.overflow;
}

/** The QR code: the core's module grid drawn as one SVG path, its size in vh. */
export function fillQr(figure, qr) {
  figure.hidden = !qr;
  if (!qr) {
    delete figure.dataset.url;
    return;
  }
  if (figure.dataset.url === qr.url && figure.dataset.caption === qr.caption) return;
  figure.dataset.url = qr.url;
  figure.dataset.caption = qr.caption;
  const code = svg('svg', {
    viewBox: `0 0 ${qr.modules} ${qr.modules}`,
    'shape-rendering': 'crispEdges',
    role: 'img',
    'aria-label': qr.label,
  });
  code.style.setProperty('width', `${qr.size_vh}vh`);
  code.style.setProperty('height', `${qr.size_vh}vh`);
  code.append(
    svg('rect', { width: qr.modules, height: qr.modules, fill: '#ffffff' }),
    svg('path', { d: qr.path, fill: '#000000' }),
  );
  $('.qr-code', figure).replaceChildren(code);
  $('figcaption', figure).textContent = qr.caption;
}

/** The emergency message over everything; the rest of the page is hidden. */
export function renderEmergency(e) {
  const box = $('#emergency');
  document.getElementById('app').dataset.emergency = e ? 'on' : 'off';
  box.hidden = !e;
  if (!e) {
    delete box.dataset.id;
    return;
  }
  box.dataset.id = e.id;
  $('.headline', box).textContent = e.headline;
  const text = $('.text', box);
  text.textContent = e.text;
  text.hidden = !e.text;
  const holder = $('.pictogram', box);
  holder.replaceChildren();
  holder.hidden = !e.pictogram;
  if (e.pictogram) {
    const source = document.getElementById('pictograms').content
      .querySelector(`[data-name="${e.pictogram.name}"]`);
    if (source) {
      const icon = source.cloneNode(true);
      icon.setAttribute('aria-label', e.pictogram.label);
      holder.append(icon);
    }
    holder.append(el('span', 'pictogram-label', e.pictogram.label));
  }
}

/**
 * Clamp a box's text until it fits: a title down to two lines, speakers to
 * one, the title to one, then no badges. Whole lines go, the last ending
 * in an ellipsis; a glyph is never cut (each clamped line box holds its
 * font's full height, see the CSS).
 */
export function fit(box) {
  const title = $('.title', box);
  const speakers = $('.speakers', box);
  const badges = $('.badges', box);
  for (const [node, prop] of [[title, '--title-lines'], [speakers, '--speaker-lines']]) {
    if (node) node.style.removeProperty(prop);
  }
  // The clamp in effect (the CSS's own count when no rule sets the custom
  // property: reading the property alone gave 1 and nothing was taken away).
  if (badges) badges.classList.remove('dropped');
  const over = () => box.scrollHeight > box.clientHeight + 1;
  const shrink = (node, prop, floor) => {
    if (!node) return;
    let lines = parseInt(getComputedStyle(node).getPropertyValue('-webkit-line-clamp'), 10) || 1;
    while (over() && lines > floor) {
      lines -= 1;
      node.style.setProperty(prop, String(lines));
    }
  };
  shrink(title, '--title-lines', 2);
  shrink(speakers, '--speaker-lines', 1);
  shrink(title, '--title-lines', 1);
  if (over() && badges) badges.classList.add('dropped');
}
