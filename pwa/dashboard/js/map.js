/**
 * The map: the neighbourhoods with a geometry (GeoJSON, WGS84) drawn as inline SVG with a
 * Web-Mercator projection — no tiles, no library — coloured by one priority's score.
 * Each area is a link to its group (focusable, named with its score); suppressed areas are
 * hatched, areas without ballots grey; a legend, a caption, the data's credit line and a
 * table with the same figures go with it.
 */
import { h, replace, svg, uid } from '../../js/dom.js';
import { t } from '../../js/i18n.js';
import * as fmt from '../../js/staff/format.js';
import { rankedPriorities } from '../../js/staff/results-view.js';
import { problemAlert } from '../../js/staff/problems.js';
import { dataTable } from '../../js/staff/data-table.js';
import { groupId } from './common.js';

export const CLASS_COUNT = 5;
const WIDTH = 640;
const MAX_HEIGHT = 560;
const PAD = 8;
const LABEL_LIMIT = 30;

function mercator([lon, lat]) {
  const rad = Math.PI / 180;
  const phi = Math.max(-85, Math.min(85, lat)) * rad;
  return [lon * rad, Math.log(Math.tan(Math.PI / 4 + phi / 2))];
}

/** The polygons of a geometry as lists of rings (Polygon and MultiPolygon). */
function polygons(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  if (geometry.type === 'GeometryCollection') return geometry.geometries.flatMap(polygons);
  return [];
}

/** A projection that fits all features in the view box. */
export function fit(features) {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    for (const polygon of polygons(f.geometry)) {
      for (const ring of polygon) {
        for (const point of ring) {
          const [x, y] = mercator(point);
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
  }
  const dx = maxX - minX || 1e-6;
  const dy = maxY - minY || 1e-6;
  const scale = Math.min((WIDTH - 2 * PAD) / dx, (MAX_HEIGHT - 2 * PAD) / dy);
  const width = Math.round(dx * scale + 2 * PAD);
  const height = Math.round(dy * scale + 2 * PAD);
  const project = (point) => {
    const [x, y] = mercator(point);
    return [(x - minX) * scale + PAD, (maxY - y) * scale + PAD];
  };
  return { project, width, height };
}

export function pathData(geometry, project) {
  const parts = [];
  for (const polygon of polygons(geometry)) {
    for (const ring of polygon) {
      if (!ring.length) continue;
      parts.push(
        ring
          .map((point, i) => {
            const [x, y] = project(point);
            return `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
          })
          .join('') + 'Z',
      );
    }
  }
  return parts.join('');
}

/** Where to put an area's name: the centroid of its largest ring, in map units. */
function labelPoint(geometry, project) {
  let best = null;
  for (const polygon of polygons(geometry)) {
    const ring = (polygon[0] || []).map(project);
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < ring.length - 1; i += 1) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[i + 1];
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (Math.abs(area) < 1e-9) continue;
    const candidate = { area: Math.abs(area / 2), x: cx / (3 * area), y: cy / (3 * area) };
    if (!best || candidate.area > best.area) best = candidate;
  }
  return best;
}

/** The areas' names on the map (also on paper, where nothing can be hovered). */
export function nameLabels(features, project) {
  const labels = svg('g', { class: 'wg-map__labels', 'aria-hidden': 'true' });
  for (const feature of features) {
    const point = labelPoint(feature.geometry, project);
    if (!point) continue;
    const text = svg('text', { x: point.x.toFixed(1), y: point.y.toFixed(1), class: 'wg-map__label', 'text-anchor': 'middle', 'dominant-baseline': 'middle' });
    text.textContent = feature.properties.name;
    labels.append(text);
  }
  return labels;
}

/** Five equal-width classes between the lowest and the highest score shown. */
export function classify(scores) {
  const values = scores.filter((s) => typeof s === 'number');
  if (!values.length) return { classOf: () => 0, breaks: [] };
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max - min < 1e-9) return { classOf: () => 2, breaks: [{ cls: 2, low: min, high: max }] };
  const step = (max - min) / CLASS_COUNT;
  const classOf = (s) => Math.min(CLASS_COUNT - 1, Math.floor((s - min) / step));
  const breaks = Array.from({ length: CLASS_COUNT }, (_, i) => ({ cls: i, low: min + i * step, high: i === CLASS_COUNT - 1 ? max : min + (i + 1) * step }));
  return { classOf, breaks };
}

/** What each area shows: {state: 'value' | 'suppressed' | 'empty', group, figure}. */
function areaValues(results, priorityId) {
  const byKey = new Map(results.groups.map((g) => [g.key, g]));
  return (code) => {
    const group = byKey.get(code);
    if (!group) return { state: 'empty' };
    if (group.suppressed || !group.priorities) return { state: 'suppressed', group };
    const figure = group.priorities.find((p) => p.id === priorityId);
    return figure ? { state: 'value', group, figure } : { state: 'empty', group };
  };
}

function describe(name, value, minGroupSize) {
  if (value.state === 'value') {
    return t('map.areaValue', {
      name,
      score: fmt.score(value.figure.score),
      interval: fmt.scoreInterval(value.figure.scoreLow, value.figure.scoreHigh),
      count: value.group.ballots,
    });
  }
  if (value.state === 'suppressed') return t('map.areaSuppressed', { name, count: minGroupSize });
  return t('map.areaEmpty', { name });
}

/**
 * The map figure for one priority. options: {features, results, priority ({id, title}),
 * attribution, linkToGroups}.
 */
export function mapFigure({ features, results, priority, attribution, linkToGroups = true }) {
  const valueOf = areaValues(results, priority.id);
  const values = features.map((f) => valueOf(f.properties.code));
  const { classOf, breaks } = classify(values.map((v) => (v.state === 'value' ? v.figure.score : null)));
  const { project, width, height } = fit(features);
  const hatchId = uid('hatch');
  const titleId = uid('map-title');
  const captionDefault = t('map.captionHint');
  const caption = h('p', { class: 'wg-map__caption', 'aria-hidden': 'true', text: captionDefault });

  const root = svg('svg', {
    class: 'wg-map__svg',
    viewBox: `0 0 ${width} ${height}`,
    role: 'group',
    'aria-labelledby': titleId,
    'data-priority': priority.id,
  });
  const defs = svg('defs');
  const pattern = svg('pattern', { id: hatchId, width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  pattern.append(svg('rect', { width: 8, height: 8, class: 'wg-map__hatch-bg' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 8, class: 'wg-map__hatch-line' }));
  defs.append(pattern);
  root.append(defs);

  features.forEach((feature, index) => {
    const value = values[index];
    const { code, name } = feature.properties;
    const label = describe(name, value, results.minGroupSize);
    // On the dashboard an area links to its group; in the report it is a focusable image.
    const area = linkToGroups
      ? svg('a', { href: `#${groupId(code)}` })
      : svg('g', { role: 'img', tabindex: '0' });
    area.setAttribute('class', 'wg-map__area');
    area.setAttribute('aria-label', label);
    area.setAttribute('data-code', code);
    area.setAttribute('data-state', value.state);
    const shape = svg('path', { d: pathData(feature.geometry, project), 'fill-rule': 'evenodd', class: 'wg-map__shape' });
    if (value.state === 'value') {
      const cls = classOf(value.figure.score);
      shape.classList.add(`wg-map__c${cls}`);
      area.setAttribute('data-class', String(cls));
      area.setAttribute('data-score', String(value.figure.score));
    } else if (value.state === 'suppressed') {
      shape.setAttribute('fill', `url(#${hatchId})`);
      shape.classList.add('wg-map__suppressed');
    } else {
      shape.classList.add('wg-map__empty');
    }
    const title = svg('title');
    title.textContent = label;
    area.append(title, shape);
    const showCaption = () => {
      caption.textContent = label;
    };
    const hideCaption = () => {
      caption.textContent = captionDefault;
    };
    area.addEventListener('focus', showCaption);
    area.addEventListener('mouseenter', showCaption);
    area.addEventListener('blur', hideCaption);
    area.addEventListener('mouseleave', hideCaption);
    if (linkToGroups) area.addEventListener('click', () => {
      const target = document.getElementById(groupId(code));
      if (target && target.tagName === 'DETAILS') {
        if (target.wgFill) target.wgFill();
        target.open = true;
      }
    });
    root.append(area);
  });

  // Names on the map, when they fit.
  if (features.length <= LABEL_LIMIT) root.append(nameLabels(features, project));

  const legendTitleId = uid('legend');
  const legend = h(
    'div',
    { class: 'wg-map-legend' },
    h('p', { class: 'wg-map-legend__title', id: legendTitleId }, h('strong', { text: t('map.legend') }), breaks.length > 1 ? ` ${t('map.legendNote')}` : null),
    h(
    'ul',
    { 'aria-labelledby': legendTitleId },
    breaks.map((b) =>
      h(
        'li',
        null,
        h('span', { class: `wg-map-legend__swatch wg-map__c${b.cls}`, 'aria-hidden': 'true' }),
        t('map.legendRange', { low: fmt.score(b.low), high: fmt.score(b.high) }),
      ),
    ),
    h('li', null, h('span', { class: 'wg-map-legend__swatch wg-map-legend__swatch--suppressed', 'aria-hidden': 'true' }), t('map.legendSuppressed', { count: results.minGroupSize })),
    h('li', null, h('span', { class: 'wg-map-legend__swatch wg-map-legend__swatch--empty', 'aria-hidden': 'true' }), t('map.legendEmpty')),
    ),
  );

  const table = h(
    'details',
    { class: 'wg-map__table' },
    h('summary', { text: t('map.asTable') }),
    dataTable({
      caption: t('map.tableCaption', { priority: priority.title }),
      columns: [t('map.col.area'), { label: t('results.col.score'), num: true }, { label: t('results.col.interval'), num: true }, { label: t('map.col.ballots'), num: true }],
      rows: features.map((feature, index) => {
        const value = values[index];
        const name = h('th', { scope: 'row', text: feature.properties.name });
        if (value.state !== 'value') {
          return h(
            'tr',
            { dataset: { code: feature.properties.code } },
            name,
            h('td', { colspan: '3', text: value.state === 'suppressed' ? t('map.legendSuppressed', { count: results.minGroupSize }) : t('map.legendEmpty') }),
          );
        }
        return h(
          'tr',
          { dataset: { code: feature.properties.code } },
          name,
          h('td', { class: 'wg-num', text: fmt.score(value.figure.score) }),
          h('td', { class: 'wg-num', text: fmt.scoreInterval(value.figure.scoreLow, value.figure.scoreHigh) }),
          h('td', { class: 'wg-num', text: String(value.group.ballots) }),
        );
      }),
    }),
  );

  return h(
    'figure',
    { class: 'wg-map' },
    h('figcaption', { class: 'wg-map__title', id: titleId, text: t('map.figureTitle', { priority: priority.title }) }),
    h('div', { class: 'wg-map__body' }, h('div', { class: 'wg-map__canvas' }, root, caption), legend),
    attribution ? h('p', { class: 'wg-map__attribution', text: t('map.attribution', { source: attribution }) }) : null,
    table,
  );
}

/** The features to draw: buurten if any have a shape, else wijken. */
export function mapFeatures(collection) {
  const features = ((collection && collection.features) || []).filter((f) => f.geometry && f.properties);
  const buurten = features.filter((f) => f.properties.kind === 'buurt');
  return buurten.length ? buurten : features.filter((f) => f.properties.kind === 'wijk');
}

/** The priority to colour by: the chosen one, else the whole dialogue's number 1. */
export function chosenPriority(results, wanted) {
  const found = results.priorities.find((p) => String(p.id) === String(wanted));
  if (found) return found;
  const whole = results.groups.find((g) => g.kind === 'dialogue' && !g.suppressed && g.priorities);
  if (whole) {
    const [top] = rankedPriorities(results, whole);
    return results.priorities.find((p) => p.id === top.id);
  }
  return results.priorities[0];
}

export function renderMapSection(section, { results, geojson, state, onPriority }) {
  const title = h('h2', { id: 'map-title', text: t('map.title') });
  if (!geojson.ok) return replace(section, title, problemAlert(geojson, { role: null }));
  if (!results.ok) return replace(section, title, problemAlert(results, { role: null }));
  const features = mapFeatures(geojson.data);
  if (!features.length) return replace(section, title, h('p', { text: t('map.noShapes') }));
  const data = results.data;
  let priority = chosenPriority(data, state.priority);
  const holder = h('div', { class: 'wg-map-holder' });
  const draw = () => replace(holder, mapFigure({ features, results: data, priority, attribution: geojson.data.attribution }));
  const selectId = uid('map-priority');
  const chooser = h(
    'select',
    { class: 'wg-select', id: selectId },
    data.priorities.map((p) => h('option', { value: String(p.id), selected: p.id === priority.id, text: p.title })),
  );
  chooser.addEventListener('change', () => {
    priority = data.priorities.find((p) => String(p.id) === chooser.value) || priority;
    onPriority(String(priority.id));
    draw();
  });
  replace(
    section,
    title,
    h('p', { text: t('map.intro') }),
    h(
      'div',
      { class: 'wg-field wg-no-print' },
      h('label', { class: 'wg-label', for: selectId, text: t('map.choosePriority') }),
      h('span', { class: 'wg-hint', id: `${selectId}-hint`, text: t('map.choosePriorityHint') }),
      chooser,
    ),
    holder,
  );
  chooser.setAttribute('aria-describedby', `${selectId}-hint`);
  draw();
}
