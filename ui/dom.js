// Small DOM helpers the display's modules share. Text goes in through
// textContent only; SVG through createElementNS and setAttribute.

export const $ = (sel, root = document) => root.querySelector(sel);

const SVG = 'http://www.w3.org/2000/svg';

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** A session's title, set in the size the core chose for its length. */
export function setTitle(node, session, untitled) {
  node.textContent = session.title || untitled || '';
  node.classList.remove('len-s', 'len-m', 'len-l', 'len-xl');
  node.classList.add(`len-${session.title_size}`);
}

/** The speakers the core chose to name, and how many more there are. */
export function fillSpeakers(node, session) {
  const speakers = session ? session.speakers : [];
  node.replaceChildren();
  speakers.forEach((sp, i) => {
    const item = el('span', 'speaker');
    item.dir = 'auto'; // a name in Arabic or Hebrew keeps its affiliation on the right side
    item.append(el('span', 'speaker-name', sp.name));
    if (sp.affiliation) item.append(' ', el('span', 'affiliation', sp.affiliation));
    node.append(item);
    if (i < speakers.length - 1) node.append(el('span', 'sep', ' · '));
  });
  if (session && session.more_text) {
    node.append(el('span', 'more', ` ${session.more_text}`));
  }
  node.hidden = speakers.length === 0;
}

export function fillTrack(node, track) {
  node.hidden = !track;
  if (!track) return;
  $('.name', node).textContent = track.name;
  $('.dot', node).style.setProperty('background', track.colour || 'currentColor');
}
