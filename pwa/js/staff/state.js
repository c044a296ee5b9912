/** The page state in the address (?dialogue=1&groupBy=…), so reload and Back work. */

export function readState(defaults = {}) {
  const params = new URLSearchParams(location.search);
  const state = { ...defaults };
  for (const [key, value] of params) state[key] = value;
  return state;
}

/** Write the state to the address: push a history entry for a new view, else replace. */
export function writeState(state, { push = false } = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, value);
  }
  const query = params.toString();
  const url = `${location.pathname}${query ? `?${query}` : ''}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}
