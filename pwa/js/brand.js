/**
 * The municipality's colour as tokens (--wg-brand-color, hover, tint), darkened where needed
 * so white on it and it on its tint reach 4.5:1. Set via the CSSOM, which the CSP allows.
 */
const parse = (hex) => {
  let v = (/^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex || '').trim()) || [])[1];
  if (!v) return null;
  if (v.length === 3) v = [...v].map((c) => c + c).join('');
  return [0, 2, 4].map((i) => parseInt(v.slice(i, i + 2), 16));
};
const toHex = (rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
const mix = (rgb, to, amount) => rgb.map((c, i) => c + (to[i] - c) * amount);
const luminance = (rgb) => {
  const [r, g, b] = rgb.map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];

/** Contrast ratio of two colours (1 … 21). */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export function accessibleBrand(hex) {
  let rgb = parse(hex) || parse('#01689b');
  const weak = (c) => contrast(c, WHITE) < 4.5 || contrast(c, mix(c, WHITE, 0.9)) < 4.5;
  for (let i = 0; i < 30 && weak(rgb); i += 1) rgb = mix(rgb, BLACK, 0.1);
  return toHex(rgb);
}

export function applyBrand(hex) {
  const brand = accessibleBrand(hex);
  const rgb = parse(brand);
  const style = document.documentElement.style;
  style.setProperty('--wg-brand-color', brand);
  style.setProperty('--wg-brand-color-hover', toHex(mix(rgb, BLACK, 0.2)));
  style.setProperty('--wg-brand-color-subtle', toHex(mix(rgb, WHITE, 0.9)));
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.setAttribute('content', brand);
  return brand;
}
