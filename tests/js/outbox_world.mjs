/*
 * pwa/js/sendcore.js loaded as the browser loads it (a classic script that sets self.WG.send),
 * in a fresh realm with a fake server (fetch), a small in-memory IndexedDB and a clock the test
 * moves by hand. No navigator.locks, no BroadcastChannel: the fallbacks in sendcore.js.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const SOURCE_PATH = new URL('../../pwa/js/sendcore.js', import.meta.url);
const SOURCE = readFileSync(SOURCE_PATH, 'utf8');

/** The part of IndexedDB sendcore.js uses: one database, object stores keyed by a key path. */
function memoryIndexedDB() {
  const stores = new Map();
  const database = {
    createObjectStore(name, { keyPath }) {
      stores.set(name, { keyPath, rows: new Map() });
    },
    transaction(name) {
      const store = stores.get(name);
      const transaction = {
        objectStore: () => ({
          getAll() {
            return { result: [...store.rows.values()].map((row) => structuredClone(row)) };
          },
          put(value) {
            store.rows.set(value[store.keyPath], structuredClone(value));
          },
          delete(key) {
            store.rows.delete(key);
          },
        }),
      };
      setImmediate(() => transaction.oncomplete());
      return transaction;
    },
  };
  return {
    open() {
      const request = { result: database };
      setImmediate(() => {
        if (stores.size === 0) request.onupgradeneeded();
        request.onsuccess();
      });
      return request;
    },
  };
}

/**
 * A server answering from a script: each entry is a Response, or an Error to throw as a
 * network failure. Every request is recorded as {url, method, headers, body}.
 */
function scriptedServer() {
  const script = [];
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url, method: init.method, headers: { ...init.headers }, body: init.body });
    const next = script.shift();
    if (next === undefined) throw new Error(`no answer scripted for request ${requests.length} to ${url}`);
    if (next instanceof Error) throw next;
    return next;
  };
  return {
    fetch,
    requests,
    answer: (...answers) => script.push(...answers),
  };
}

/** A problem+json Response with the given status, problem kind and extra headers. */
export function problemResponse(status, { kind = 'some-problem', headers = {} } = {}) {
  const body = { type: `tag:welvaartgesprek.nl,2026:problems/${kind}`, title: 'Problem', status, detail: '' };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

/** A 201 with a JSON body. */
export function createdResponse(body = { id: 'ballot-1' }) {
  return new Response(JSON.stringify(body), { status: 201, headers: { 'content-type': 'application/json' } });
}

/** A fresh sendcore.js with its own outbox, server and clock (Math.random fixed at `random`). */
export function loadSendcore({ now = Date.UTC(2026, 11, 6, 9, 0, 0), random = 0.5 } = {}) {
  const server = scriptedServer();
  const clock = { now };
  const sandbox = {
    fetch: server.fetch,
    indexedDB: memoryIndexedDB(),
    navigator: {},
    AbortController,
    setTimeout,
    clearTimeout,
    __clock: () => clock.now,
    __random: () => random,
  };
  sandbox.self = sandbox;
  const context = vm.createContext(sandbox);
  vm.runInContext('Date.now = () => __clock(); Math.random = () => __random();', context);
  vm.runInContext(SOURCE, context, { filename: SOURCE_PATH.pathname });
  return { send: sandbox.WG.send, server, clock };
}

/** A ballot as the resident app puts it in the outbox. */
export function ballotItem(id = 'key-1', overrides = {}) {
  return {
    id,
    journeyId: 'journey-1',
    kind: 'ballot',
    method: 'POST',
    url: '/api/v1/sessions/s1/ballots',
    token: 'participant-token',
    body: { answers: [1, 2, 3] },
    ...overrides,
  };
}
