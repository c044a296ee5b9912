/**
 * The map of an import preview: the file's buurten as inline SVG (the dashboard map's
 * projection, no tiles, no library), one colour per wijk, with a list of the same names.
 */
import { h, svg, uid } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import { fit, pathData, nameLabels } from '../../dashboard/js/map.js';

const PALETTE = ['#cfe4f3', '#fbe3c0', '#d7ecd0', '#eadcf2', '#f6d5d9', '#e3e3e3'];

export function previewMap(features) {
  const { project, width, height } = fit(features);
  const wijken = [...new Set(features.map((f) => f.properties.wijkCode || ''))];
  const titleId = uid('preview-map');
  const root = svg('svg', { class: 'wg-map__svg wg-preview-map', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': titleId });
  for (const feature of features) {
    const { code, name, wijkCode } = feature.properties;
    const shape = svg('path', { d: pathData(feature.geometry, project), 'fill-rule': 'evenodd', class: 'wg-map__shape', fill: PALETTE[wijken.indexOf(wijkCode || '') % PALETTE.length], 'data-code': code });
    const title = svg('title');
    title.textContent = `${name} (${code})`;
    shape.append(title);
    root.append(shape);
  }
  root.append(nameLabels(features, project));
  return h(
    'figure',
    { class: 'wg-map', id: 'wg-import-map' },
    h('figcaption', { class: 'wg-map__title', id: titleId, text: t('ws.nbh.mapTitle', { count: features.length, wijken: wijken.length }) }),
    h('div', { class: 'wg-map__canvas' }, root),
    h(
      'details',
      { class: 'wg-map__table' },
      h('summary', { text: t('ws.nbh.mapAsList') }),
      h('ul', null, features.map((f) => h('li', null, `${f.properties.name} (${f.properties.code}, ${f.properties.wijkCode || '–'})`))),
    ),
  );
}
