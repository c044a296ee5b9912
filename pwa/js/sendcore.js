/*
 * Sending, for pages (via js/api.js) and the service worker (importScripts, hence a classic
 * script): problem+json, retry rules, and the outbox in IndexedDB. Item: {id = Idempotency-Key,
 * journeyId, kind, method, url, token, body, state: pending|sent|failed, attempts, problem,
 * forget}; once sent only a receipt stays (no token, no body), or nothing with `forget`.
 */
(() => {
  const STORE = 'outbox';
  const MAX_DELAY = 5 * 60e3;

  const retryAfterMs = (v) => {
    if (!v) return null;
    const s = Number(v);
    if (!Number.isNaN(s)) return s * 1000;
    const d = Date.parse(v);
    return Number.isNaN(d) ? null : Math.max(0, d - Date.now());
  };

  /** The kind of a problem ('session-ended', …: docs/problems.md) from its type URI; '' if none. */
  const PROBLEM_TYPE = 'tag:welvaartgesprek.nl,2026:problems/';
  const kindOf = (problem) =>
    problem && typeof problem.type === 'string' && problem.type.startsWith(PROBLEM_TYPE) ? problem.type.slice(PROBLEM_TYPE.length) : '';

  /** Retry network failures, 5xx, 408, 429 and a 409 request-in-progress; any other 4xx is final. */
  const isRetryable = (status, problem) =>
    status === 0 || status >= 500 || status === 429 || status === 408 ||
    (status === 409 && kindOf(problem) === 'request-in-progress');

  /** A Response as {ok, status, data, problem, retryable, retryAfterMs, replayed, link}; a problem
   * carries the language of its texts as contentLanguage. */
  async function readResponse(r) {
    const json = (r.headers.get('content-type') || '').includes('json');
    const data = json ? await r.json().catch(() => null) : (await r.text(), null);
    const contentLanguage = r.headers.get('content-language') || 'en';
    const problem = r.ok ? null : data && data.title ? { ...data, contentLanguage } : { title: r.statusText || 'Error', status: r.status, detail: '' };
    return {
      ok: r.ok, status: r.status, data: r.ok ? data : null, problem,
      retryable: !r.ok && isRetryable(r.status, problem),
      retryAfterMs: retryAfterMs(r.headers.get('retry-after')),
      replayed: r.headers.get('idempotent-replayed') === 'true',
      link: r.headers.get('link'),
    };
  }

  /* Whether the server answered the last request (any status) or could not be reached. The
   * pages show "no internet" from this, not from navigator.onLine alone: that is only a hint
   * (true on a Wi-Fi without a way out, and late to change in a freshly loaded page). */
  let reachListeners = [];
  const heard = (reachable) => reachListeners.forEach((fn) => fn(reachable));
  const onReachability = (fn) => { reachListeners.push(fn); return () => { reachListeners = reachListeners.filter((f) => f !== fn); }; };

  /** fetch() that never throws: {method, body, token, idempotencyKey, language, headers, timeoutMs};
   * language (the interface's) asks for problems in it. */
  async function request(url, o = {}) {
    const headers = { Accept: 'application/json, application/problem+json', ...o.headers };
    if (o.language) headers['Accept-Language'] = o.language;
    if (o.body !== undefined) headers['Content-Type'] = 'application/json';
    if (o.token) headers.Authorization = `Bearer ${o.token}`;
    if (o.idempotencyKey) headers['Idempotency-Key'] = o.idempotencyKey;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), o.timeoutMs || 20e3);
    try {
      const r = await fetch(url, {
        method: o.method || 'GET', headers, credentials: 'omit', cache: 'no-store', signal: abort.signal,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
      heard(true);
      return await readResponse(r);
    } catch (e) {
      heard(false);
      return { ok: false, status: 0, data: null, network: true, retryable: true, retryAfterMs: null,
        problem: { title: 'Network error', status: 0, detail: String((e && e.message) || e) } };
    } finally {
      clearTimeout(timer);
    }
  }

  /** 2 s, 4 s, 8 s … up to 5 min, with jitter; a Retry-After wins. */
  const nextDelayMs = (attempts, result) =>
    result && result.retryAfterMs != null
      ? Math.min(MAX_DELAY, Math.max(1000, result.retryAfterMs))
      : Math.round(Math.min(MAX_DELAY, 1000 * 2 ** Math.min(attempts, 12)) * (0.75 + Math.random() / 2));

  let dbPromise = null;
  const openDb = () => (dbPromise = dbPromise || new Promise((resolve, reject) => {
    const open = indexedDB.open('welvaartgesprek', 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
    open.onsuccess = () => {
      open.result.onversionchange = () => { open.result.close(); dbPromise = null; };
      resolve(open.result);
    };
    open.onerror = open.onblocked = () => { dbPromise = null; reject(open.error || new Error('IndexedDB blocked')); };
  }));

  const tx = (mode, work) => openDb().then((db) => new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = work(t.objectStore(STORE));
    t.oncomplete = () => resolve(req && req.result);
    t.onerror = t.onabort = () => reject(t.error);
  }));
  const items = () => tx('readonly', (s) => s.getAll()).then((all) => (all || []).sort((a, b) => a.seq - b.seq));
  const put = (item) => tx('readwrite', (s) => { s.put(item); });
  const del = (ids) => tx('readwrite', (s) => { ids.forEach((id) => s.delete(id)); });

  /** One at a time across the page and the worker (Web Locks where the browser has them). */
  const withLock = (work, options = {}) => (navigator.locks
    ? navigator.locks.request('wg-outbox', options, (lock) => (lock === null ? { busy: true } : work()))
    : Promise.resolve().then(work));

  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('wg-outbox') : null;
  let listeners = [];
  const tell = (detail) => listeners.forEach((fn) => fn(detail));
  const notify = (detail) => { tell(detail); if (channel) channel.postMessage(detail); };
  if (channel) channel.onmessage = (e) => tell(e.data);
  const onChange = (fn) => { listeners.push(fn); return () => { listeners = listeners.filter((f) => f !== fn); }; };

  let seq = 0;
  /** Store an answer (a ballot replaces waiting older ones). No lock: flushes keep the order. */
  async function enqueue(item) {
    seq += 1;
    const full = { seq: Date.now() * 1000 + (seq % 1000), state: 'pending', attempts: 0, nextAttemptAt: 0,
      problem: null, forget: false, createdAt: new Date().toISOString(), ...item };
    if (full.kind === 'ballot') {
      const old = (await items()).filter((i) => i.kind === 'ballot' && i.journeyId === full.journeyId && i.state !== 'sent');
      await del(old.map((i) => i.id));
    }
    await put(full);
    notify({ type: 'changed', id: full.id });
    return full;
  }

  /** Send what is due (all with force), oldest first; stop at a network failure. */
  const flush = (options = {}) => withLock(async () => {
    const sum = { sent: 0, failed: 0, pending: 0, nextAttemptAt: null };
    let offline = false;
    for (const item of (await items()).filter((i) => i.state === 'pending')) {
      const now = Date.now();
      if (offline || (!options.force && item.nextAttemptAt > now)) {
        sum.pending += 1;
        sum.nextAttemptAt = Math.min(sum.nextAttemptAt || Infinity, Math.max(item.nextAttemptAt, now + 1000));
        continue;
      }
      const r = await request(item.url, { method: item.method, body: item.body, token: item.token, idempotencyKey: item.id, language: item.language });
      if (r.ok) {
        sum.sent += 1;
        if (item.forget) await del([item.id]);
        else await put({ ...item, state: 'sent', sentAt: new Date().toISOString(), token: null, body: null, problem: null });
      } else if (r.retryable) {
        item.attempts += 1;
        item.nextAttemptAt = Date.now() + nextDelayMs(item.attempts, r);
        item.problem = r.problem;
        sum.pending += 1;
        sum.nextAttemptAt = Math.min(sum.nextAttemptAt || Infinity, item.nextAttemptAt);
        offline = offline || r.status === 0;
        await put(item);
      } else {
        sum.failed += 1;
        await put({ ...item, state: 'failed', problem: r.problem, token: null });
      }
      notify({ type: 'changed', id: item.id });
    }
    return sum;
  }, { ifAvailable: true });

  /** Shared tablet: delete a journey's receipts now, and its waiting answers once received. */
  const forgetJourney = (journeyId) => withLock(async () => {
    const mine = (await items()).filter((i) => i.journeyId === journeyId);
    await del(mine.filter((i) => i.state !== 'pending').map((i) => i.id));
    for (const i of mine.filter((x) => x.state === 'pending')) await put({ ...i, forget: true });
  }).then(() => notify({ type: 'changed' }));

  self.WG = self.WG || {};
  self.WG.send = { request, readResponse, isRetryable, kindOf, nextDelayMs, enqueue, flush, items, forgetJourney, onChange, onReachability };

})();
