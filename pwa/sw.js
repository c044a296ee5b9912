/*
 * Service worker of the resident app (scope "/").
 *  - Precaches the app shell and the icons, so the app opens offline after one visit; the
 *    texts only in the language the resident uses (the page names them once the worker is
 *    ready), other languages and lazily loaded screens when they are first used. On the first
 *    install the shell comes from the browser's HTTP cache, which the page has just filled,
 *    so a first visit downloads nothing twice.
 *  - Serves cached files at once and refreshes them in the background
 *    (stale-while-revalidate), so a new version arrives on the next visit even without a
 *    VERSION change; change VERSION when the list below changes.
 *  - Serves the app page for every resident address (/, /c, /c/<code>) when offline.
 *  - Never caches the API: answers go through the outbox (IndexedDB), which this worker also
 *    sends — on Background Sync where the browser has it, and whenever it wakes up.
 * Facilitator console and dashboard pages (/console/, /dashboard/) are not handled here.
 */
/* global WG */
importScripts('/js/sendcore.js');

const VERSION = 'wg-resident-2026-12-06.2';
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
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-192.png',
  '/icons/maskable-512.png',
  '/icons/apple-touch-icon.png',
];
const SHELL_SET = new Set(SHELL);
// Cached when first used: the texts of each language, screens the app imports when needed.
const ON_USE = /^\/(i18n\/(resident|statements)\.[a-z]{2}\.json|js\/resident\/[\w/-]+\.js)$/;
const APP_PAGE = '/index.html';
const APP_ROUTE = /^\/(index\.html|c\/?|c\/[^/]+\/?)?$/;

/**
 * The first install takes what the page has just loaded from the HTTP cache (the app page
 * under the address it was opened at, /c/<code>, is the same file as /index.html); an update
 * revalidates.
 */
async function precache(paths) {
  const earlier = (await caches.keys()).some((key) => key.startsWith('wg-resident-'));
  const mode = earlier ? 'no-cache' : 'force-cache';
  const cache = await caches.open(VERSION);
  const opened = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true }))
    .map((client) => new URL(client.url))
    .find((url) => url.origin === self.location.origin && APP_ROUTE.test(url.pathname));
  const page = !earlier && opened ? opened.pathname : APP_PAGE;
  const pageResponse = await fetch(new Request(page, { cache: mode, credentials: 'omit' }));
  if (!pageResponse.ok) throw new Error(`${page}: ${pageResponse.status}`);
  await cache.put(APP_PAGE, pageResponse);
  await cache.addAll(paths.filter((path) => path !== APP_PAGE).map((path) => new Request(path, { cache: mode, credentials: 'omit' })));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache(SHELL).then(() => self.skipWaiting()));
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
  if (SHELL_SET.has(url.pathname) || ON_USE.test(url.pathname)) {
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

/** Keep files the page already uses (its language's texts) for offline use. */
function keep(paths) {
  const wanted = (Array.isArray(paths) ? paths : []).filter((path) => typeof path === 'string' && ON_USE.test(path));
  return caches
    .open(VERSION)
    .then((cache) => Promise.all(wanted.map((path) => cache.match(path).then((hit) => hit
      || fetch(new Request(path, { cache: 'force-cache', credentials: 'omit' })).then((response) => (response.ok ? cache.put(path, response) : null))))))
    .catch(() => null);
}

self.addEventListener('message', (event) => {
  if (!event.data) return;
  if (event.data.type === 'flush') event.waitUntil(flushOutbox());
  if (event.data.type === 'keep') event.waitUntil(keep(event.data.paths));
});
