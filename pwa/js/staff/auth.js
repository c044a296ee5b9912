/**
 * Staff sign-in (OAuth2 password flow) and authorised API calls.
 *
 * The bearer token is kept in sessionStorage only (gone when the tab closes; never in
 * localStorage). Any 401 signs the page out and calls the handler set with onSignedOut(),
 * which shows the sign-in form again.
 */
import { api, API_BASE } from '../api.js';
import { language } from '../i18n.js';

const KEY = 'wg.staff.session';
const send = self.WG.send; // loaded by api.js (js/sendcore.js)
let signedOutHandler = null;

function read() {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (value && value.accessToken && value.expiresAt > Date.now()) return value;
  } catch {
    /* unreadable: treat as signed out */
  }
  return null;
}

function write(value) {
  if (value) sessionStorage.setItem(KEY, JSON.stringify(value));
  else sessionStorage.removeItem(KEY);
}

/** The signed-in staff member ({email, role, fullName, municipalities}) or null. */
export function currentUser() {
  const value = read();
  return value ? value.me : null;
}

export function token() {
  const value = read();
  return value ? value.accessToken : null;
}

/** Called with the failed result when the API says we are no longer signed in. */
export function onSignedOut(handler) {
  signedOutHandler = handler;
}

/** The API refused the sign-in (401): forget it and let the page ask for it again. */
export function expired(result) {
  write(null);
  if (signedOutHandler) signedOutHandler(result);
}

function networkResult(error) {
  return {
    ok: false,
    status: 0,
    data: null,
    problem: { title: 'Network error', status: 0, detail: String((error && error.message) || error) },
  };
}

// An account under attack from elsewhere is slowed down, not locked: the service answers 429
// with a Retry-After of a few seconds. Waits that short are taken here, so the person signing
// in sees a slower sign-in rather than an error; longer ones (their own network's failures)
// are shown.
const SHORT_WAIT_SECONDS = 10;
const SHORT_WAITS = 3;

/** Sign in; resolves to {ok, status, problem, me}. */
export async function signIn(username, password) {
  let response;
  try {
    for (let attempt = 0; ; attempt += 1) {
      response = await fetch(`${API_BASE}/auth/token`, {
        method: 'POST',
        headers: { Accept: 'application/json, application/problem+json', 'Accept-Language': language() },
        body: new URLSearchParams({ username, password }),
        credentials: 'omit',
        cache: 'no-store',
      });
      const wait = Number(response.headers.get('Retry-After'));
      if (response.status !== 429 || attempt >= SHORT_WAITS || !(wait > 0 && wait <= SHORT_WAIT_SECONDS)) break;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  } catch (error) {
    return networkResult(error);
  }
  const result = await send.readResponse(response);
  if (!result.ok) return result;
  return startSession(result);
}

/** Keep a Token answer ({access_token, expires_in}) as this tab's sign-in; resolves like signIn. */
export async function startSession(result) {
  const { access_token: accessToken, expires_in: expiresIn } = result.data;
  const me = await api('/users/me', { token: accessToken });
  if (!me.ok) return me;
  write({
    accessToken,
    // a minute early, so a request never leaves with a token that expires on the way
    expiresAt: Date.now() + Math.max(60, Number(expiresIn) - 60) * 1000,
    me: me.data,
  });
  return { ...result, me: me.data };
}

export function signOut() {
  write(null);
}

/** A JSON API call with the bearer token: the shared api() result ({ok, status, data, problem}). */
export async function staffApi(path, options = {}) {
  const accessToken = token();
  if (!accessToken) {
    const result = { ok: false, status: 401, data: null, problem: { title: 'Not signed in', status: 401, detail: '' } };
    expired(result);
    return result;
  }
  const result = await api(path, { ...options, token: accessToken });
  if (result.status === 401) expired(result);
  return result;
}

/**
 * A raw fetch with the bearer token, for what is not JSON (CSV, HTML poster, QR image,
 * event stream). Resolves to {ok, status, response, problem}; the body is left unread on success.
 */
export async function staffFetch(path, { accept = '*/*', signal, headers = {} } = {}) {
  const accessToken = token();
  if (!accessToken) {
    const result = { ok: false, status: 401, response: null, problem: { title: 'Not signed in', status: 401, detail: '' } };
    expired(result);
    return result;
  }
  let response;
  try {
    response = await fetch(API_BASE + path, {
      headers: { Accept: accept, Authorization: `Bearer ${accessToken}`, 'Accept-Language': language(), ...headers },

      credentials: 'omit',
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    return { ...networkResult(error), response: null, aborted: error && error.name === 'AbortError' };
  }
  if (response.ok) return { ok: true, status: response.status, response, problem: null };
  const result = await send.readResponse(response);
  if (response.status === 401) expired(result);
  return { ...result, response: null };
}
