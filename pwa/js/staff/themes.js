/** The brede welvaart themes (public list), for a priority's icon and theme name. */
import { api } from '../api.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { language } from '../i18n.js';

let themes = new Map();
let loading = null;

export function loadThemes() {
  if (!loading) {
    loading = api('/themes').then((result) => {
      if (result.ok) themes = new Map(result.data.map((theme) => [theme.key, theme]));
      else loading = null;
      return themes;
    });
  }
  return loading;
}

export function themeName(key) {
  const theme = themes.get(key);
  if (!theme) return key || '';
  return language() === 'en' ? theme.nameEn : theme.nameNl;
}

/** The theme as a small label: icon and name. */
export function themeLabel(key) {
  const theme = themes.get(key);
  return h('span', { class: 'wg-theme' }, icon(theme ? theme.icon : 'circle'), h('span', { text: themeName(key) }));
}
