// The photo wall: two reused <img> elements crossfading, the next photo
// decoded before it is shown, shuffled without repeats, new photos first.
// The shell decides *when* the wall shows (snapshot.wall); this module only
// decides which photo comes next.

import { getPhotos, onPhotos, photoUrl } from './ipc.js';

const wall = document.getElementById('wall');
const imgs = [...wall.querySelectorAll('img.photo')];
const credit = document.getElementById('wall-credit');

let playlist = null;   // the last playlist from the shell
let deck = [];         // ids still to show in this round
let front = 0;         // index in imgs of the photo on show
let shownId = null;
let mode = 'off';
let speed = 1;
let timer = null;
let release = null;
let changes = 0;
let fadeMs = 1000;

function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** The smallest rendition that covers this screen's long edge. */
function edge() {
  const edges = [...playlist.edges].sort((a, b) => a - b);
  const need = Math.max(window.innerWidth, window.innerHeight) * (window.devicePixelRatio || 1);
  return edges.find((e) => e >= need * 0.9) || edges[edges.length - 1];
}

function byId(id) {
  return playlist && playlist.items.find((p) => p.id === id);
}

/** The next photo: the front of the deck; a new round is a fresh shuffle
 *  that does not start with the photo on show. */
function nextId() {
  deck = deck.filter((id) => byId(id));
  if (deck.length === 0) {
    deck = shuffle(playlist.items.map((p) => p.id));
    if (deck.length > 1 && deck[0] === shownId) deck.push(deck.shift());
  }
  return deck.shift();
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(advance, Math.max(50, ms / speed));
}

async function advance() {
  if (mode === 'off' || !playlist || playlist.items.length === 0) return;
  const back = imgs[1 - front];
  clearTimeout(release); // the back image is about to be used again
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = nextId();
    const photo = byId(id);
    if (!photo) break;
    back.src = photoUrl(id, edge());
    try {
      await back.decode();
    } catch {
      continue; // gone from the cache: try another, keep the one on show
    }
    back.classList.add('shown');
    imgs[front].classList.remove('shown');
    front = 1 - front;
    releaseHidden();
    shownId = id;
    changes += 1;
    wall.dataset.photo = id;
    wall.dataset.changes = String(changes);
    const text = playlist.credit && photo.credit ? `Photo: ${photo.credit}` : '';
    credit.textContent = text;
    credit.hidden = !text;
    break;
  }
  schedule(playlist.interval_ms);
}

/** Once the crossfade is over, the photo faded out lets go of its decoded
 *  pixels (8 MB at 1080p, 33 MB at 4K): only the photo on show is held, and
 *  the next is decoded just before its turn. */
function releaseHidden() {
  clearTimeout(release);
  release = setTimeout(() => {
    const hidden = imgs[1 - front];
    if (!hidden.classList.contains('shown')) hidden.removeAttribute('src');
  }, fadeMs + 100);
}

/** A crossfade of a quarter of the interval, at most 1 s (clock time). */
function updateFade() {
  const interval = playlist ? playlist.interval_ms : 8000;
  fadeMs = Math.round(Math.min(1000, interval / 4) / speed);
  wall.style.setProperty('--fade', `${fadeMs}ms`);
}

function setPlaylist(next) {
  if (!next || (playlist && next.revision < playlist.revision)) return;
  const before = new Set(playlist ? playlist.items.map((p) => p.id) : []);
  const first = !playlist;
  playlist = next;
  // New photos go to the front of the deck: a photo just taken shows soon.
  const fresh = first ? [] : next.items.filter((p) => !before.has(p.id)).map((p) => p.id);
  deck = [...fresh, ...deck.filter((id) => !fresh.includes(id))];
  updateFade();
  if (shownId && !byId(shownId)) {
    // Hidden by an organizer: it comes down now.
    shownId = null;
    imgs[front].classList.remove('shown');
    imgs[front].removeAttribute('src');
    advance();
  } else if (fresh.length > 0 && mode !== 'off') {
    schedule(Math.min(next.interval_ms, 1000));
  } else if (!shownId && mode !== 'off') {
    advance();
  }
}

/** Called with every snapshot: show or hide the wall, at the clock's speed. */
export function setMode(nextMode, nextSpeed) {
  if (nextSpeed > 0 && nextSpeed !== speed) {
    speed = nextSpeed;
    updateFade();
  }
  if (nextMode === mode) return;
  mode = nextMode;
  wall.hidden = mode === 'off';
  if (mode === 'off') {
    clearTimeout(timer);
  } else if (!shownId) {
    advance();
  } else {
    schedule(playlist ? playlist.interval_ms : 8000);
  }
}

export async function startWall() {
  await onPhotos(setPlaylist);
  try {
    setPlaylist(await getPhotos());
  } catch {
    // No photos yet: the wall stays off until the shell pushes some.
  }
}
