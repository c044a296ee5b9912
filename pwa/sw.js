/*
 * Service worker of the resident app (scope "/").
 *  - Precaches the app shell, the translations and the icons, so the app opens offline after
 *    one visit. Shell files are served from the cache at once and refreshed in the background
 *    (stale-while-revalidate), so a new version arrives on the next visit even without a
 *    VERSION change; change VERSION when the list below changes.
 *  - Serves the app page for every resident address (/, /c, /c/<code>) when offline.
 *  - Never caches the API: answers go through the outbox (IndexedDB), which this worker also
 *    sends — on Background Sync where the browser has it, and whenever it wakes up.
 * Facilitator console and dashboard pages (/console/, /dashboard/) are not handled here.
 */
/* global WG */
importScripts('/js/sendcore.js');

const VERSION = 'wg-resident-2026-12-06.1';
const SHELL = [
  '/index.html',
  '/manifest.webmanifest',
  '/css/tokens.css',
  '/css/components.css',
  '/css/resident.css',
  '/js/resident/main.js',
  '/js/i18n.js',
  '/js/api.js',
  '/js/sendcore.js',
  '/js/dom.js',
  '/js/resident/journey.js',
  '/js/resident/app.js',
  '/js/icons.js',
  '/js/brand.js',
  '/js/sdg.js',
  '/js/resident/ui.js',
  '/js/resident/screens/start.js',
  '/js/resident/screens/rank.js',
  '/js/resident/screens/finish.js',
  '/i18n/resident.nl.json',
  '/i18n/resident.en.json',
  '/i18n/resident.ar.json',
  '/i18n/statements.nl.json',
  '/i18n/statements.en.json',
  '/i18n/statements.ar.json',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-192.png',
  '/icons/maskable-512.png',
  '/icons/apple-touch-icon.png',
];
const SHELL_SET = new Set(SHELL);
const APP_PAGE = '/index.html';
const APP_ROUTE = /^\/(index\.html|c\/?|c\/[^/]+\/?)?$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'no-cache' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('wg-resident-') && key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
      .then(() => flushOutbox()),
  );
});

/** Serve from the cache at once; refresh the cached copy from the network in the background. */
function staleWhileRevalidate(event, path) {
  const refresh = caches.open(VERSION).then((cache) =>
    fetch(new Request(path, { cache: 'no-cache', credentials: 'omit' })).then((response) => {
      if (response.ok && !response.redirected) cache.put(path, response.clone());
      return response;
    }),
  );
  return caches.match(path, { cacheName: VERSION }).then((cached) => {
    if (cached) {
      event.waitUntil(refresh.catch(() => null));
      return cached;
    }
    return refresh;
  });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    if (!APP_ROUTE.test(url.pathname)) return;
    event.respondWith(staleWhileRevalidate(event, APP_PAGE));
    // Waking up for a page is a good moment to send what is still waiting.
    event.waitUntil(flushOutbox());
    return;
  }
  if (SHELL_SET.has(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event, url.pathname));
  }
});

/* ---------- Outbox ---------- */

function flushOutbox() {
  return WG.send.flush({ force: true }).catch(() => null);
}

self.addEventListener('sync', (event) => {
  if (event.tag !== 'wg-outbox') return;
  event.waitUntil(
    WG.send.flush({ force: true }).then((summary) => {
      // Still waiting (the server was busy or the connection dropped): let the browser retry.
      if (summary && summary.pending) throw new Error('outbox not empty yet');
    }),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'flush') event.waitUntil(flushOutbox());
});
