/**
 * DOM helpers shared by every page. Text is always set as text, never as HTML, so nothing a
 * server or a person typed can inject markup (and the strict CSP needs no inline anything).
 */

/**
 * h('button', {class, text, onclick, dataset, ...attributes}, ...children). `on<event>`
 * adds a listener; true sets a boolean attribute; false/null/undefined leaves it out.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value == null) continue;
    if (name === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value' || name === 'checked' || name === 'selected') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  return append(el, children);
}

/** Append children: strings become text, arrays are flattened, empty values skipped. */
export function append(parent, children) {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child != null && child !== false) parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

export function svg(tag, attrs) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, String(value));
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let counter = 0;
export const uid = (prefix = 'wg') => `${prefix}-${(counter += 1)}`;

/** A random UUID v4 (for Idempotency-Key), also where crypto.randomUUID is missing. */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

let announceTimer = 0;
/** Tell screen-reader users something via the page's polite live region (#wg-announcer). */
export function announce(message) {
  const region = document.getElementById('wg-announcer');
  if (!region) return;
  clearTimeout(announceTimer);
  region.textContent = '';
  announceTimer = setTimeout(() => { region.textContent = message; }, 50); // so repeats are read too
}

/** Focus an element, making a heading or region focusable first. */
export function focusElement(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(el.tagName)) el.setAttribute('tabindex', '-1');
  el.focus();
}
