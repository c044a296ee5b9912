/**
 * Entry of the resident app. It imports nothing, so it runs at once and starts what the first
 * screen waits for (texts, check-in) while the modules download; hence it repeats two rules of
 * journey.js and i18n.js (join code, first language). After load: the service worker.
 */
performance.mark('wg-boot');
const read = (key) => {
  try {
    return JSON.parse(localStorage.getItem(`wg:${key}`));
  } catch {
    return null;
  }
};
const path = /^\/c\/([^/]+)\/?$/.exec(location.pathname);
const code = path && decodeURIComponent(path[1]).toUpperCase().replace(/[^A-Z0-9]/g, '');
const journey = code && read(`journey:${code}`);
const param = new URLSearchParams(location.search).get('tablet');
const tablet = code && (param ? param === '1' : read(`setting:tablet:${code}`));
const lang = (tablet ? journey && journey.lang : read('setting:lang'))
  || (navigator.languages || [navigator.language]).map((l) => String(l).slice(0, 2).toLowerCase()).find((l) => ['nl', 'en', 'ar'].includes(l))
  || 'nl';
const boot = {
  lang,
  texts: fetch(`/i18n/resident.${lang}.json`, { credentials: 'omit' }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status)))),
  checkIn: code && !journey
    ? fetch('/api/v1/check-ins', {
      method: 'POST', credentials: 'omit', cache: 'no-store', body: JSON.stringify({ joinCode: code }),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json', 'Accept-Language': lang },

    })
    : null,
};
boot.texts.catch(() => {}); // the app falls back to Dutch
if (boot.checkIn) boot.checkIn.catch(() => {}); // the app checks in again

import('./app.js').then((app) => app.start(boot));

/** Resolves once the app shows its first screen, in the language it settled on. */
const appReady = new Promise((resolve) => {
  const root = document.documentElement;
  if (root.dataset.wgReady) return resolve();
  const watch = new MutationObserver(() => {
    if (!root.dataset.wgReady) return;
    watch.disconnect();
    resolve();
  });
  watch.observe(root, { attributes: true, attributeFilter: ['data-wg-ready'] });
});

/**
 * The worker caches the texts of the language in use for offline use; others when chosen.
 * It is told only once the app is ready: before that, <html lang> still says the page's Dutch.
 */
function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js', { updateViaCache: 'none' }).catch(() => {});
  Promise.all([navigator.serviceWorker.ready, appReady]).then(([registration]) => {
    const used = document.documentElement.lang;
    registration.active.postMessage({ type: 'keep', paths: [`/i18n/resident.${used}.json`, `/i18n/statements.${used}.json`] });
  }).catch(() => {});
}
if (document.readyState === 'complete') registerServiceWorker();
else addEventListener('load', registerServiceWorker, { once: true });
