/**
 * API calls that never throw ({ok, status, data, problem, retryable}; offline is status 0),
 * problems in plain words, and the outbox: answers are kept on the device, then sent and
 * retried with back-off (online again, page shown, next load, service worker). A 4xx is final.
 */
import './sendcore.js';
import { t } from './i18n.js';
import { uuid } from './dom.js';

export const API_BASE = '/api/v1';
const core = self.WG.send;

export const api = (path, options) => core.request(API_BASE + path, options);
export const { isRetryable, nextDelayMs, readResponse } = core;
/** fn(reachable) after every request: whether the server answered at all (any status). */
export const onReachability = core.onReachability;
/** A small request that only asks whether the server can be reached (answers onReachability). */
export const checkConnection = () => api('/themes', { timeoutMs: 10e3 });

const KEYS = [
  [(s) => s === 0, 'network'],
  [(s, p) => s === 429 || p.title === 'Request in progress', 'busy'],
  [(s) => s >= 500, 'server'],
  [(s, p) => p.title === 'Session not open', 'sessionNotOpen'],
  [(s) => s === 401, 'unauthorized'],
  [(s) => s === 403, 'forbidden'],
  [(s) => s === 404, 'notFound'],
  [(s) => s === 400, 'invalid'],
  [(s) => s === 413, 'tooLarge'],
  [(s) => s === 409, 'conflict'],
  [(s) => s === 422, 'unprocessable'],
];

// Until every problem carries its kind, the titles the API gave these kinds before.
const KIND_OF_TITLE = { 'Code incomplete': 'code-incomplete', 'Code expired': 'code-expired', 'Session not open': 'session-ended' };

/** The kind of a problem ('session-ended', 'code-expired', …): its `kind`, the last part of
 * its `type` URI, or else what its title used to say. Never shown to anyone. */
export function problemKind(problem) {
  if (!problem) return '';
  if (problem.kind) return String(problem.kind);
  const type = String(problem.type || '');
  if (type && type !== 'about:blank') return type.replace(/[/#]+$/, '').split(/[/#]/).pop();
  return KIND_OF_TITLE[problem.title] || '';
}

/** {title, text, details: field reasons, serverDetail: the API's own (English) words}. */
export function problemMessage(result) {
  const problem = (result && result.problem) || {};
  const status = result ? result.status : 0;
  const found = KEYS.find(([test]) => test(status, problem));
  const key = `problem.${found ? found[1] : 'generic'}`;
  return {
    title: t(key),
    text: t(`${key}.help`),
    details: (problem.invalidParams || []).map((p) => `${p.name}: ${p.reason}`),
    serverDetail: status > 0 && problem.detail ? problem.detail : '',
  };
}

/* ---------- Outbox ---------- */

let timer = 0;
let running = null;
let again = null;

function requestSync() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.ready.then((reg) => reg.sync && reg.sync.register('wg-outbox')).catch(() => {});
  }
}

/** Store an answer ({journeyId, joinCode, kind, method, url, token, body}) and send it. */
export async function enqueue(item) {
  const stored = await core.enqueue({ id: uuid(), ...item });
  requestSync();
  Promise.resolve().then(() => flush({ force: true }));
  return stored;
}

/** Send what is due; schedule the next try for what still waits. */
export function flush(options = {}) {
  if (running) {
    again = { force: Boolean((again && again.force) || options.force) };
    return running;
  }
  running = core.flush(options).then(
    (sum) => {
      running = null;
      clearTimeout(timer);
      if (again) {
        const next = again;
        again = null;
        return flush(next);
      }
      if (sum.busy) timer = setTimeout(() => flush(options), 1500);
      else if (sum.pending) {
        timer = setTimeout(flush, Math.max(500, sum.nextAttemptAt - Date.now()));
        requestSync();
      }
      return sum;
    },
    (error) => {
      running = null;
      timer = setTimeout(flush, 10e3);
      return { error };
    },
  );
  return running;
}

export const outboxItems = async (journeyId) => (await core.items()).filter((i) => i.journeyId === journeyId);
export const onOutboxChange = core.onChange;
export const forgetJourney = core.forgetJourney;

let started = false;
/** Retry now (page load), when back online, and whenever the page is shown again. */
export function startOutbox() {
  if (started) return;
  started = true;
  addEventListener('online', () => flush({ force: true }));
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && flush({ force: navigator.onLine }));
  flush({ force: true });
}
