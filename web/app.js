// eventmap explorer: events from /collections/events/items over an offline basemap.
// Everything it loads comes from this server (vendored MapLibre, fonts and Natural Earth data).
import * as maplibregl from '/assets/vendor/maplibre-gl/maplibre-gl.mjs';
import {basemapStyle, cityFilter, loadBasemapDetails, FONT_BOLD, FONT_REGULAR} from '/assets/basemap.js';

const t0 = performance.now();

// ACLED event types in their usual order. Colours: Okabe–Ito, safe for colour-blind readers.
const LAYERS = [
    {slug: 'battles', title: 'Battles', color: '#D55E00'},
    {slug: 'violence-against-civilians', title: 'Violence against civilians', color: '#CC79A7'},
    {slug: 'explosions-remote-violence', title: 'Explosions/Remote violence', color: '#E69F00'},
    {slug: 'riots', title: 'Riots', color: '#0072B2'},
    {slug: 'protests', title: 'Protests', color: '#009E73'},
    {slug: 'strategic-developments', title: 'Strategic developments', color: '#56B4E9'},
];
const LAYER_BY_SLUG = Object.fromEntries(LAYERS.map(l => [l.slug, l]));
const EVENT_LAYERS = ['events-circles'];
// Above this many events the page draws vector tiles (clusters where events crowd) instead of
// loading the events themselves; the list and the popups then read the items of the view.
const TILE_THRESHOLD = 20000;
const TILE_LAYERS = ['tile-clusters', 'tile-cluster-counts', 'tile-events'];
const POLL_MS = 5000;
const PLAY_MS = 1400;

const $ = id => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.startsWith('aria-') || k === 'role' || k === 'for') node.setAttribute(k, v);
        else node[k] = v;
    }
    for (const c of children) if (c != null) node.append(c);  // strings become text nodes
    return node;
};

// ---- state ------------------------------------------------------------------------------------

/** Reads `#from=…&to=…&layers=…&map=zoom/lat/lon` (all optional). */
function readHash() {
    const h = new URLSearchParams(location.hash.replace(/^#/, ''));
    const out = {};
    if (h.has('from')) out.from = h.get('from');
    if (h.has('to')) out.to = h.get('to');
    if (h.has('layers')) out.layers = h.get('layers').split(',').filter(s => LAYER_BY_SLUG[s]);
    const m = (h.get('map') || '').split('/').map(Number);
    if (m.length === 3 && m.every(Number.isFinite)) out.view = {zoom: m[0], center: [m[2], m[1]]};
    return out;
}
const initial = readHash();

const state = {
    days: [],                       // ["2022-01-02", …] from /timeline's extent
    timeline: null,                 // last /timeline answer
    from: 0, to: 0,                 // indexes into days
    layers: new Set(initial.layers ?? LAYERS.map(l => l.slug)),
    revision: null,
    playing: null,                  // interval id
    fitted: false,
};
let eventsAbort = null;             // the events query in flight, cancelled by a newer one

function writeHash() {
    if (!state.days.length) return;
    const c = map.getCenter();
    const h = new URLSearchParams();
    h.set('from', state.days[state.from]);
    h.set('to', state.days[state.to]);
    h.set('layers', LAYERS.filter(l => state.layers.has(l.slug)).map(l => l.slug).join(','));
    h.set('map', `${map.getZoom().toFixed(2)}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`);
    const url = `${location.pathname}${location.search}#${h.toString().replaceAll('%2C', ',').replaceAll('%2F', '/')}`;
    history.replaceState(null, '', url);
}

function datetimeParam() {
    const a = state.days[state.from], b = state.days[state.to];
    return a === b ? a : `${a}/${b}`;
}

function selectedLayers() {
    return LAYERS.filter(l => state.layers.has(l.slug)).map(l => l.slug);
}

function viewBbox() {
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map(v => v.toFixed(4)).join(',');
}

/** Query string for the events shown (dates + layers), optionally restricted to the view. */
function itemsQuery({bbox = false} = {}) {
    const q = new URLSearchParams();
    q.set('datetime', datetimeParam());
    q.set('event_type', selectedLayers().join(','));
    if (bbox) q.set('bbox', viewBbox());
    return q;
}

// ---- formatting -------------------------------------------------------------------------------

const dateFmt = new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC'});
const dayFmt = new Intl.DateTimeFormat('en-GB', {day: 'numeric', month: 'short', timeZone: 'UTC'});
const weekdayFmt = new Intl.DateTimeFormat('en-GB', {weekday: 'short', timeZone: 'UTC'});
const longFmt = new Intl.DateTimeFormat('en-GB', {weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC'});
const asDate = s => new Date(`${s}T00:00:00Z`);
const fmtDate = s => (/^\d{4}-\d{2}-\d{2}$/.test(s || '') ? dateFmt.format(asDate(s)) : String(s ?? ''));

// How a count was stated (the extractor's qualifiers), so the page never shows a figure stronger
// than the text: "plus de 3000" is "> 3000", "des dizaines" is "dozens" with no number.
const QUALIFIED = {at_least: n => `≥ ${n}`, more_than: n => `> ${n}`, about: n => `~ ${n}`, up_to: n => `≤ ${n}`};
const UNNUMBERED = new Set(['several', 'dozens', 'hundreds', 'thousands']);

/** The counts an event states, as [verb, formatted count]: [["killed", "≥ 18"], …]. */
function tolls(props) {
    return [['fatalities', 'killed'], ['injuries', 'injured'], ['arrests', 'detained']]
        .map(([key, verb]) => [verb, fmtCount(props, key)])
        .filter(([, v]) => v !== null);
}

function fmtCount(props, key) {
    const v = props[key];
    const q = props[`${key}_qualifier`];
    if (v === null || v === undefined || v === '') return UNNUMBERED.has(q) ? q : null;
    return QUALIFIED[q]?.(v) ?? String(v);
}

// ---- map --------------------------------------------------------------------------------------

const defaultView = {center: [67.5, 47.5], zoom: 3.6};

/** The events' extent from the collection's metadata (small and cached by the server). */
async function eventsExtent() {
    try {
        const b = (await getJSON('/collections/events')).extent?.spatial?.bbox?.[0];
        return b?.length === 4 && b.every(Number.isFinite) ? [[b[0], b[1]], [b[2], b[3]]] : null;
    } catch {
        return null;
    }
}
// Both were preloaded by index.html. The first events are fetched while MapLibre creates its
// WebGL context and worker and tiles the basemap, so they are ready as soon as it is.
const extent = eventsExtent();
const firstEvents = getJSON('/timeline').then(tl => { applyTimeline(tl); return fetchEvents(); });
firstEvents.catch(() => {});  // reported once the page shows them (firstShown, below)
// The first view is fitted to the data before the map exists, so the first tiles drawn are the
// ones that stay, instead of drawing a default view and jumping once the events arrive.
const initialBounds = initial.view ? null : await extent;
state.fitted = initialBounds !== null;

const style = basemapStyle(location.origin);
Object.assign(style.sources, eventSources());
// Events go over the city dots and under the place names (data under labels: a name stays
// readable over a large circle); the per-place counts stay on top of everything. The names of
// the places with events are placed before the basemap's city names: an event's city is always
// named, and a city that happens to lie under a country's centre gives way instead of seeming
// to hold the country's events.
const [eventCircles, eventRings, eventCounts, eventPlaceLabels] = eventLayers();
style.layers.splice(style.layers.findIndex(l => l.id === 'city-labels'), 0, eventCircles, eventRings);
style.layers.splice(style.layers.findIndex(l => l.id === 'country-labels'), 0, eventPlaceLabels);
style.layers.push(eventCounts);

const map = new maplibregl.Map({
    container: 'map',
    style,
    center: initial.view?.center ?? defaultView.center,
    zoom: initial.view?.zoom ?? defaultView.zoom,
    ...(initialBounds && {bounds: initialBounds, fitBoundsOptions: {padding: fitPadding($('map')), maxZoom: 6}}),
    minZoom: 0,
    maxZoom: 12,
    hash: false,
    // Labels appear at once instead of fading in over 300 ms: the view is complete sooner,
    // and the time slider's steps read better without a cross-fade.
    fadeDuration: 0,
    attributionControl: {compact: false, customAttribution: '<a href="https://maplibre.org/">MapLibre</a>'},
    cooperativeGestures: false,
});
map.addControl(new maplibregl.NavigationControl({showCompass: false}), 'top-right');
map.addControl(new maplibregl.ScaleControl({unit: 'metric'}), 'bottom-left');
map.keyboard.enable();
// The first data can arrive before MapLibre has parsed the style and made its sources.
const styleLoaded = new Promise(resolve => map.once('style.load', resolve));
const mapLoaded = new Promise(resolve => map.once('load', resolve));

function emptyFC() {
    return {type: 'FeatureCollection', features: []};
}

function casualties() {
    return ['+', ['to-number', ['coalesce', ['get', 'fatalities'], 0]], ['to-number', ['coalesce', ['get', 'injuries'], 0]]];
}

// The events are part of the first style, so their source is tiled alongside the basemap's.
function eventSources() {
    return {
        events: {type: 'geojson', data: emptyFC(), promoteId: 'id'},
        'event-places': {type: 'geojson', data: emptyFC()},
    };
}

function eventLayers() {
    const color = ['match', ['get', 'layer'], ...LAYERS.flatMap(l => [l.slug, l.color]), '#777777'];
    const radius = ['interpolate', ['linear'], ['sqrt', casualties()], 0, 6, 3, 9, 10, 16, 30, 24];
    return [
        {
            id: 'events-circles', type: 'circle', source: 'events',
            layout: {'circle-sort-key': ['-', 0, casualties()]},
            paint: {
                'circle-color': color,
                'circle-radius': ['interpolate', ['linear'], ['zoom'], 3, ['*', 0.8, radius], 8, ['*', 1.25, radius]],
                'circle-opacity': 0.82,
                'circle-stroke-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#111111', '#ffffff'],
                'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 2.5, 1.2],
                'circle-stroke-opacity': 1,
            },
        },
        // Events known only to the region or the country get a ring.
        {
            id: 'events-imprecise', type: 'circle', source: 'events',
            filter: ['!=', ['get', 'geo_precision'], 'city'],
            paint: {
                'circle-color': 'rgba(0,0,0,0)',
                'circle-radius': ['interpolate', ['linear'], ['zoom'], 3, 12, 8, 22],
                'circle-stroke-color': color, 'circle-stroke-width': 1.2,
                'circle-stroke-opacity': 0.7,
            },
        },
        {
            id: 'events-stack-count', type: 'symbol', source: 'event-places',
            filter: ['>', ['get', 'count'], 1],
            layout: {
                'text-field': ['to-string', ['get', 'count']],
                'text-font': [FONT_BOLD], 'text-size': 12,
                'text-offset': [0.9, -0.9], 'text-allow-overlap': true, 'text-ignore-placement': true,
            },
            paint: {'text-color': '#111111', 'text-halo-color': '#ffffff', 'text-halo-width': 2},
        },
        {
            // Every place with events is named, whatever the basemap shows at this zoom; a place
            // known only as a country or region says so.
            id: 'events-place-labels', type: 'symbol', source: 'event-places',
            layout: {
                'text-field': ['match', ['get', 'geo_precision'],
                    'country', ['concat', ['get', 'place'], '\n(whole country)'],
                    'region', ['concat', ['get', 'place'], '\n(whole region)'],
                    ['get', 'place']],
                'text-font': ['match', ['get', 'geo_precision'], 'city', ['literal', [FONT_BOLD]], ['literal', [FONT_REGULAR]]],
                'text-size': ['match', ['get', 'geo_precision'], 'city', 12, 11],
                'text-variable-anchor': ['right', 'left', 'top', 'bottom'],
                'text-radial-offset': ['interpolate', ['linear'], ['zoom'], 3, 1.2, 8, 2],
                'text-justify': 'auto',
                'text-padding': 2,
            },
            paint: {'text-color': '#2b2924', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4},
        },
    ];
}

// ---- data -------------------------------------------------------------------------------------

async function getJSON(url, signal) {
    const r = await fetch(url, {signal, headers: {Accept: 'application/json'}});
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json();
}

function showStatus(text, isError = false) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', isError);
}

/** Takes the days and the selected range from a /timeline answer, keeping the selection if it still exists. */
function applyTimeline(tl) {
    state.timeline = tl;
    const [a, b] = tl.extent?.length === 2 ? tl.extent : [tl.days[0]?.date, tl.days.at(-1)?.date];
    const days = [];
    if (a && b) for (let d = asDate(a); d <= asDate(b); d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
    const prev = state.days.length ? [state.days[state.from], state.days[state.to]] : [initial.from, initial.to];
    state.days = days;
    const idx = (s, dflt) => { const i = days.indexOf(s); return i >= 0 ? i : dflt; };
    state.from = idx(prev[0], 0);
    state.to = Math.max(state.from, idx(prev[1], days.length - 1));
}

async function loadTimeline() {
    applyTimeline(await getJSON('/timeline'));
    renderTimeline();
}

/** How many events the dates and layers select, from the timeline's counts per day and layer. */
function selectedCount() {
    const [a, b] = [state.days[state.from], state.days[state.to]];
    let n = 0;
    for (const d of state.timeline?.days ?? []) {
        if (d.date < a || d.date > b) continue;
        for (const [slug, k] of Object.entries(d.layers ?? {})) if (state.layers.has(slug)) n += k;
    }
    return n;
}

/** The events for the current dates and layers; null when a newer query superseded this one.
 *  Too many to draw one by one: no events, only their number, and the map draws tiles. */
async function fetchEvents() {
    eventsAbort?.abort();
    eventsAbort = new AbortController();
    const signal = eventsAbort.signal;
    if (!state.days.length || !state.layers.size) return {...emptyFC(), numberMatched: 0, numberReturned: 0};
    const expected = selectedCount();
    if (expected > TILE_THRESHOLD) return {...emptyFC(), numberMatched: expected, numberReturned: 0, tiled: true};
    const q = itemsQuery();
    q.set('limit', '10000');
    const fc = await getJSON(`/collections/events/items?${q}`, signal);
    return signal.aborted ? null : fc;
}

function showEvents(fc) {
    popup?.remove();
    map.getSource('events').setData(fc);
    showTiles(fc.tiled === true);
    // The counts need glyphs (a symbol layer): the first frame is drawn without them, see below.
    if (window.eventmap.ready) showEventPlaces(fc);
    window.eventmap.data = fc;
    window.eventmap.tiled = fc.tiled === true;
    if (fc.tiled) loadViewItems(); else renderEventList();
    const n = fc.numberMatched ?? fc.features.length;
    const shown = fc.tiled ? n : fc.features.length;
    const range = state.from === state.to ? fmtDate(state.days[state.from])
        : `${fmtDate(state.days[state.from])} – ${fmtDate(state.days[state.to])}`;
    showStatus(`${shown}${shown < n ? ` of ${n}` : ''} event${n === 1 ? '' : 's'}, ${range}`);
    if (!state.fitted) {
        state.fitted = true;
        if (!initial.view) fitTo(fc);
    }
}

// ---- tiles (many events) --------------------------------------------------------------------

/** The tile URL for the current filters. */
function tileUrl() {
    const q = itemsQuery().toString().replaceAll('%2C', ',').replaceAll('%2F', '/');
    return `${location.origin}/collections/events/tiles/WebMercatorQuad/{z}/{y}/{x}?${q}`;
}

function tileLayers() {
    const color = key => ['match', ['get', key], ...LAYERS.flatMap(l => [l.slug, l.color]), '#777777'];
    const radius = ['interpolate', ['linear'], ['sqrt', casualties()], 0, 6, 3, 9, 10, 16, 30, 24];
    return [
        {
            id: 'tile-clusters', type: 'circle', source: 'event-tiles', 'source-layer': 'clusters',
            paint: {
                // The colour of the type most of its events have; the size grows with the count.
                'circle-color': color('top_layer'),
                'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 7, 10, 16, 100, 34],
                'circle-opacity': 0.75,
                'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.2,
            },
        },
        {
            id: 'tile-cluster-counts', type: 'symbol', source: 'event-tiles', 'source-layer': 'clusters',
            layout: {
                'text-field': ['case', ['>=', ['get', 'count'], 10000], ['concat', ['to-string', ['round', ['/', ['get', 'count'], 1000]]], 'k'], ['to-string', ['get', 'count']]],
                'text-font': [FONT_BOLD], 'text-size': 11, 'text-allow-overlap': true, 'text-ignore-placement': true,
            },
            paint: {'text-color': '#111111', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6},
        },
        {
            id: 'tile-events', type: 'circle', source: 'event-tiles', 'source-layer': 'events',
            paint: {
                'circle-color': color('layer'),
                'circle-radius': ['interpolate', ['linear'], ['zoom'], 3, ['*', 0.8, radius], 8, ['*', 1.25, radius]],
                'circle-opacity': 0.82, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.2,
            },
        },
    ];
}

/** Draws the events from tiles (`on`) or from the loaded GeoJSON; a new filter is a new URL. */
function showTiles(on) {
    if (!on) {
        for (const id of TILE_LAYERS) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'none');
        return;
    }
    const url = tileUrl();
    const source = map.getSource('event-tiles');
    if (!source) {
        map.addSource('event-tiles', {type: 'vector', tiles: [url], minzoom: 0, maxzoom: 14,
            attribution: 'Events: eventmap extraction of the cited articles'});
        const before = map.getLayer('events-circles') ? 'events-circles' : undefined;
        for (const layer of tileLayers()) map.addLayer(layer, before);
    } else if (source.tiles?.[0] !== url) {
        source.setTiles([url]);
    }
    for (const id of TILE_LAYERS) map.setLayoutProperty(id, 'visibility', 'visible');
}

let viewItemsAbort = null;
/** With tiles, the list of events in view reads the items of the view (the first of them). */
async function loadViewItems() {
    viewItemsAbort?.abort();
    viewItemsAbort = new AbortController();
    const q = itemsQuery({bbox: true});
    q.set('limit', String(LIST_MAX));
    try {
        const fc = await getJSON(`/collections/events/items?${q}`, viewItemsAbort.signal);
        window.eventmap.view = fc;
        renderEventList();
    } catch (e) {
        if (e.name !== 'AbortError') showError(e);
    }
}

/** The full features of the tile events with these ids (a tile carries only what it draws). */
async function itemsById(ids) {
    return Promise.all(ids.map(id => getJSON(`/collections/events/items/${encodeURIComponent(id)}`)));
}

async function loadEvents() {
    const fc = await fetchEvents();
    await styleLoaded;
    if (fc) showEvents(fc);
}

/** Names the places with events and counts their events; the basemap leaves those cities'
 *  names to them, so a city is not named twice. */
function showEventPlaces(fc) {
    const places = eventPlaces(fc);
    map.getSource('event-places').setData(places);
    const named = places.features.filter(f => f.properties.geo_precision === 'city' && f.properties.geonameid)
        .map(f => f.properties.geonameid);
    map.setFilter('city-labels', ['all', cityFilter(), ['!', ['in', ['get', 'geonameid'], ['literal', named]]]]);
}

/** One point per place with events: how many, and the place's name, id and precision. */
function eventPlaces(fc) {
    const at = new Map();
    for (const f of fc.features) {
        const key = f.geometry?.coordinates?.join(',');
        if (!key) continue;
        const {place, geonameid, geo_precision} = f.properties;
        const s = at.get(key) ?? {type: 'Feature', geometry: f.geometry, properties: {count: 0, at: key, place, geonameid, geo_precision}};
        s.properties.count += 1;
        at.set(key, s);
    }
    return {type: 'FeatureCollection', features: [...at.values()]};
}

function fitTo(fc) {
    const pts = fc.features.map(f => f.geometry?.coordinates).filter(Boolean);
    if (!pts.length) return;
    const b = new maplibregl.LngLatBounds(pts[0], pts[0]);
    for (const p of pts) b.extend(p);
    map.fitBounds(b, {padding: fitPadding(), maxZoom: 6, duration: 0});
}

function fitPadding(container = map.getContainer()) {
    const w = container.clientWidth, h = container.clientHeight;
    const p = Math.round(Math.min(w, h) * 0.12) + 20;
    return {top: p, bottom: p, left: p, right: p};
}

async function refreshAll() {
    await guarded(async () => {
        await loadTimeline();
        await loadEvents();
    });
}

/** Runs a data load, showing its failure (other than a cancelled query) in the status line. */
async function guarded(load) {
    try {
        await load();
        updateLinks();
        hideError();
    } catch (e) {
        if (e.name !== 'AbortError') showError(e);
    }
}

function showError(e) {
    console.warn('eventmap:', e);
    showStatus(`Could not load events (${e.message}). Retrying…`, true);
}
function hideError() { $('status').classList.remove('error'); }

async function pollStatus() {
    try {
        const s = await getJSON('/status');
        if (state.revision !== null && s.revision !== state.revision) {
            state.revision = s.revision;
            await refreshAll();
        } else if (state.revision === null) {
            state.revision = s.revision;
        }
    } catch (e) {
        // Server restarting or gone: keep what is on screen and try again later.
    }
}

// ---- legend -----------------------------------------------------------------------------------

function buildLegend() {
    const list = $('legend-list');
    list.replaceChildren();
    for (const l of LAYERS) {
        const input = el('input', {type: 'checkbox', id: `layer-${l.slug}`, value: l.slug, checked: state.layers.has(l.slug)});
        input.addEventListener('change', () => {
            if (input.checked) state.layers.add(l.slug); else state.layers.delete(l.slug);
            renderTimeline();
            onFilterChange();
        });
        const swatch = el('span', {class: 'swatch', 'aria-hidden': 'true'});
        swatch.style.background = l.color;
        const count = el('span', {class: 'count', id: `count-${l.slug}`, text: '0'});
        const label = el('label', {for: input.id}, swatch, el('span', {class: 'name', text: l.title}), count);
        list.append(el('li', {}, input, label));
    }
}

function updateLegendCounts() {
    const totals = Object.fromEntries(LAYERS.map(l => [l.slug, 0]));
    const days = state.timeline?.days ?? [];
    for (const d of days) {
        if (d.date < state.days[state.from] || d.date > state.days[state.to]) continue;
        for (const [slug, n] of Object.entries(d.layers ?? {})) if (slug in totals) totals[slug] += n;
    }
    for (const l of LAYERS) {
        const c = $(`count-${l.slug}`);
        c.textContent = String(totals[l.slug]);
        const li = c.closest('li');
        li.classList.toggle('empty', totals[l.slug] === 0);
        $(`layer-${l.slug}`).setAttribute('aria-description', `${totals[l.slug]} events in the selected dates`);
    }
}

// ---- timeline ---------------------------------------------------------------------------------

function renderTimeline() {
    const fromI = $('from-day'), toI = $('to-day');
    for (const input of [fromI, toI]) input.max = String(Math.max(0, state.days.length - 1));
    fromI.value = String(state.from);
    toI.value = String(state.to);
    const label = i => longFmt.format(asDate(state.days[i]));
    if (state.days.length) {
        fromI.setAttribute('aria-valuetext', label(state.from));
        toI.setAttribute('aria-valuetext', label(state.to));
        $('range-label').textContent = state.from === state.to ? fmtDate(state.days[state.from])
            : `${fmtDate(state.days[state.from])} – ${fmtDate(state.days[state.to])}`;
    }
    const hist = $('histogram');
    hist.replaceChildren();
    const dense = state.days.length > 31;
    hist.classList.toggle('dense', dense);
    const perDay = new Map((state.timeline?.days ?? []).map(d => [d.date, d]));
    const visibleTotal = d => LAYERS.reduce((s, l) => s + (state.layers.has(l.slug) ? (d?.layers?.[l.slug] ?? 0) : 0), 0);
    const max = Math.max(1, ...state.days.map(day => visibleTotal(perDay.get(day))));
    state.days.forEach((day, i) => {
        const d = perDay.get(day);
        const total = visibleTotal(d);
        const bar = el('span', {class: 'bar'});
        bar.style.height = `${(total / max) * 100}%`;
        for (const l of LAYERS) {
            const n = state.layers.has(l.slug) ? (d?.layers?.[l.slug] ?? 0) : 0;
            if (!n) continue;
            const seg = el('span', {class: 'seg'});
            seg.style.flexGrow = String(n);
            seg.style.background = l.color;
            bar.append(seg);
        }
        const inRange = i >= state.from && i <= state.to;
        const btn = el('button', {
            type: 'button', class: `day${inRange ? ' in-range' : ''}`,
            'aria-label': `${longFmt.format(asDate(day))}: ${total} event${total === 1 ? '' : 's'}. Show this day only.`,
            'aria-pressed': String(state.from === i && state.to === i),
        },
        el('span', {class: 'bar-wrap'}, bar),
        el('span', {class: 'n', text: String(total), 'aria-hidden': 'true'}),
        el('span', {class: 'd', 'aria-hidden': 'true'},
            el('span', {class: 'wd', text: weekdayFmt.format(asDate(day))}), ' ', dayFmt.format(asDate(day))));
        btn.dataset.date = day;
        if (dense) {
            btn.tabIndex = -1;  // hundreds of stops would bury the rest: the sliders cover the keyboard
            btn.title = `${dateFmt.format(asDate(day))}: ${total}`;
        }
        btn.addEventListener('click', () => { stopPlay(); setRange(i, i); });
        hist.append(btn);
    });
    updateLegendCounts();
}

function setRange(a, b) {
    state.from = Math.max(0, Math.min(a, state.days.length - 1));
    state.to = Math.max(state.from, Math.min(b, state.days.length - 1));
    renderTimeline();
    onFilterChange();
}

function onSlider(which) {
    let a = Number($('from-day').value), b = Number($('to-day').value);
    if (a > b) { if (which === 'from') b = a; else a = b; }
    stopPlay();
    setRange(a, b);
}

function togglePlay() {
    if (state.playing) return stopPlay();
    const btn = $('play');
    btn.setAttribute('aria-pressed', 'true');
    btn.textContent = '❚❚ Pause';
    btn.setAttribute('aria-label', 'Pause');
    // Start from the first day, or carry on from the day shown.
    let i = state.from === state.to && state.to < state.days.length - 1 ? state.from : 0;
    setRange(i, i);
    state.playing = setInterval(() => {
        i += 1;
        if (i >= state.days.length) { stopPlay(); return; }
        setRange(i, i);
    }, PLAY_MS);
}

function stopPlay() {
    if (!state.playing) return;
    clearInterval(state.playing);
    state.playing = null;
    const btn = $('play');
    btn.setAttribute('aria-pressed', 'false');
    btn.textContent = '▶ Play';
    btn.setAttribute('aria-label', 'Play: step through the days');
}

// ---- downloads + sharing ----------------------------------------------------------------------

function updateLinks() {
    const ok = state.days.length && state.layers.size;
    for (const [id, f] of [['download-geojson', 'geojson'], ['download-csv', 'csv']]) {
        const a = $(id);
        if (!ok) {
            a.removeAttribute('href');
            a.setAttribute('aria-disabled', 'true');
            continue;
        }
        const q = itemsQuery({bbox: true});
        q.set('f', f);
        q.set('download', 'true');
        a.href = `/collections/events/items?${q.toString().replaceAll('%2C', ',').replaceAll('%2F', '/')}`;
        a.removeAttribute('aria-disabled');
        a.setAttribute('aria-label', `Download the events shown as ${f === 'csv' ? 'CSV' : 'GeoJSON'}`);
    }
    writeHash();
}

let filterTimer = null;
function onFilterChange() {
    updateLinks();
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => loadEvents().catch(e => { if (e.name !== 'AbortError') showError(e); }), 30);
}

// ---- popup ------------------------------------------------------------------------------------

let popup = null;
let selected = [];

function setSelected(ids) {
    for (const id of selected) map.setFeatureState({source: 'events', id}, {selected: false});
    selected = ids;
    for (const id of selected) map.setFeatureState({source: 'events', id}, {selected: true});
}

function eventCard(p) {
    const layer = LAYER_BY_SLUG[p.layer];
    const swatch = el('span', {class: 'swatch', 'aria-hidden': 'true'});
    swatch.style.background = layer?.color ?? '#777';
    const head = el('h3', {}, swatch, `${p.event_type ?? layer?.title ?? ''}`,
        p.sub_event_type ? el('span', {class: 'sub', text: ` · ${p.sub_event_type}`}) : null);

    const dl = el('dl');
    const row = (k, v) => { if (v != null && v !== '') dl.append(el('dt', {text: k}), el('dd', {}, v)); };
    // A date known only to its week or month says so: "week of 3 Jan 2022".
    const within = {week: 'week of ', month: 'month of ', year: 'year of '}[p.time_precision] ?? '';
    row('Date', `${within}${fmtDate(p.event_date)}${truthy(p.date_corrected) ? ' (date corrected)' : ''}`);
    // admin1 may be a GeoNames code ("02") rather than a name: show names only.
    const admin1 = p.admin1 && !/^[0-9A-Z]{1,3}$/.test(String(p.admin1)) ? p.admin1 : null;
    const canonical = [p.place, admin1].filter(Boolean).join(', ');
    const written = p.place_as_written && p.place_as_written !== p.place ? `“${p.place_as_written}” → ` : '';
    const precision = p.geo_precision && p.geo_precision !== 'city' ? ` (located to the ${p.geo_precision})` : '';
    row('Place', `${written}${canonical}${p.country_code ? ` (${p.country_code})` : ''}${precision}`);
    const counts = tolls(p);
    if (counts.length) row('Toll', counts.map(([verb, v]) => `${verb[0].toUpperCase()}${verb.slice(1)} ${v}`).join(' · '));
    const actors = [p.actor1, p.actor2, p.assoc_actor_1].filter(a => a != null && a !== '');
    if (actors.length) row('Actors', actors.join('; '));

    const quote = p.notes ? el('blockquote', {class: 'notes', lang: p.lang || ''}, el('p', {text: p.notes})) : null;
    let source = null;
    if (p.source) {
        const isUrl = /^https?:\/\//i.test(p.source);
        const src = isUrl ? el('a', {href: p.source, text: p.source, target: '_blank', rel: 'noopener noreferrer'})
            : el('span', {class: 'file', text: p.source});
        source = el('p', {class: 'source'}, 'Source: ', src, p.article_id ? ` (article ${p.article_id})` : null);
    }
    return el('article', {class: 'event', 'aria-label': `${p.event_type} in ${p.place} on ${fmtDate(p.event_date)}`},
        head, dl, quote, source);
}

const truthy = v => v === true || v === 'true';

/** The event layers drawn now: the GeoJSON's, or the tiles'. */
function drawnEventLayers() {
    return window.eventmap.tiled ? ['tile-events'] : EVENT_LAYERS;
}

/** Opens the popup for the events drawn within `r` pixels of `point`; false if there are none.
 *  A cluster zooms in on itself. */
function openPopupAt(point, lngLat, r = 8) {
    const box = [[point.x - r, point.y - r], [point.x + r, point.y + r]];
    if (window.eventmap.tiled) {
        const cluster = map.queryRenderedFeatures(box, {layers: ['tile-clusters']})[0];
        if (cluster) {
            map.easeTo({center: cluster.geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 14)});
            return true;
        }
    }
    const feats = map.queryRenderedFeatures(box, {layers: drawnEventLayers()});
    const seen = new Set();
    const uniq = feats.filter(f => {
        const id = f.properties.id ?? f.id;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
    }).sort((a, b) => String(a.properties.event_date).localeCompare(String(b.properties.event_date)));
    if (!uniq.length) return false;
    const at = uniq.length === 1 ? uniq[0].geometry.coordinates : lngLat;
    if (window.eventmap.tiled) {
        itemsById(uniq.map(f => String(f.properties.id))).then(full => showPopup(full, at)).catch(showError);
    } else {
        showPopup(uniq, at);
    }
    return true;
}

/** A popup listing `features` at `lngLat`; when it closes, focus goes back to `returnFocus`. */
function showPopup(features, lngLat, returnFocus = null) {
    const body = el('div', {class: 'popup-body'});
    if (features.length > 1) body.append(el('p', {class: 'popup-count', text: `${features.length} events here`}));
    for (const f of features) body.append(eventCard(f.properties));
    popup?.remove();
    const opened = new maplibregl.Popup({maxWidth: '380px', focusAfterOpen: true, closeOnClick: true, className: 'event-popup'})
        .setLngLat(lngLat)
        .setDOMContent(body)
        .addTo(map);
    popup = opened;
    setSelected(features.map(f => f.properties.id ?? f.id));
    opened.on('close', () => {
        if (popup === opened) setSelected([]);
        // Back to where the keyboard user was, unless focus has moved on to something else.
        const focus = document.activeElement;
        if (returnFocus?.isConnected && (!focus || focus === document.body || opened.getElement()?.contains(focus))) returnFocus.focus();
    });
}

// ---- events in view (the keyboard's and screen readers' way to the events) ---------------------

const LIST_MAX = 100;

// The list is one stop for Tab; the arrow keys, Home and End move within it (a roving
// tabindex), so a keyboard user does not tab through a hundred events to reach the downloads.
function renderEventList() {
    const fc = window.eventmap.tiled ? window.eventmap.view : window.eventmap.data;
    const list = $('event-list');
    if (!fc) return;
    const focusedId = list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    const bounds = map.getBounds();
    const inView = fc.features.filter(f => f.geometry && bounds.contains(f.geometry.coordinates));
    const shown = inView.slice(0, LIST_MAX);
    list.replaceChildren(...shown.map(f => {
        const p = f.properties;
        const layer = LAYER_BY_SLUG[p.layer];
        const swatch = el('span', {class: 'swatch', 'aria-hidden': 'true'});
        swatch.style.background = layer?.color ?? '#777';
        const toll = tolls(p).map(([verb, v]) => `${v} ${verb}`).join(', ');
        const button = el('button', {type: 'button', class: 'event-item'},
            swatch,
            el('span', {class: 'when', text: dayFmt.format(asDate(p.event_date))}),
            el('span', {class: 'what', text: layer?.title ?? p.event_type ?? ''}),
            el('span', {class: 'where', text: p.place ?? ''}),
            toll ? el('span', {class: 'toll', text: toll}) : null);
        button.dataset.id = String(p.id ?? f.id);
        button.tabIndex = -1;
        button.addEventListener('click', () => showPopup([f], f.geometry.coordinates, button));
        return el('li', {}, button);
    }));
    const buttons = [...list.querySelectorAll('button')];
    const current = buttons.find(b => b.dataset.id === focusedId) ?? buttons[0];
    if (current) current.tabIndex = 0;
    if (focusedId !== null) current?.focus();
    const n = window.eventmap.tiled ? (fc.numberMatched ?? inView.length) : inView.length;
    $('event-list-count').textContent = String(n);
    $('event-list-note').textContent = n === 0 ? 'No event in this view.'
        : n > LIST_MAX ? `The first ${LIST_MAX} of ${n}, by date: zoom in or pick fewer days for the rest.` : '';
}

function onEventListKey(e) {
    const buttons = [...$('event-list').querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const to = {ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1}[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, to))];
    buttons[at].tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
}

// ---- wiring -----------------------------------------------------------------------------------

window.eventmap = {
    map, state, LAYERS, data: null, view: null, tiled: false, firstRenderMs: null, firstRenderSinceNavigationMs: null, ready: false,
    /** The events the clusters and tile events drawn now count (each tile once). */
    tiledCount() {
        const seen = new Set();
        let n = 0;
        for (const f of map.queryRenderedFeatures({layers: ['tile-clusters', 'tile-events']})) {
            // Each event is in one tile: a feature is its layer, id and point.
            const key = `${f.layer.id}/${f.id ?? f.properties.id}/${f.geometry.coordinates}`;
            if (seen.has(key)) continue;
            seen.add(key);
            n += f.layer.id === 'tile-clusters' ? Number(f.properties.count) : 1;
        }
        return n;
    },
    /** Ids of the event features currently rendered (deduplicated across tiles). */
    renderedEventIds() {
        return [...new Set(map.queryRenderedFeatures({layers: drawnEventLayers()}).map(f => f.properties.id))].sort();
    },
    /** Screen position of an event, for tests and keyboard users. */
    project(id) {
        const f = window.eventmap.data?.features.find(x => (x.properties.id ?? x.id) === id);
        return f ? map.project(f.geometry.coordinates) : null;
    },
    openPopupAt,
};

buildLegend();

$('event-list').addEventListener('keydown', onEventListKey);
$('from-day').addEventListener('input', () => onSlider('from'));
$('to-day').addEventListener('input', () => onSlider('to'));
$('play').addEventListener('click', togglePlay);
$('all-days').addEventListener('click', () => { stopPlay(); setRange(0, state.days.length - 1); });
$('copy-link').addEventListener('click', async () => {
    writeHash();
    try {
        await navigator.clipboard.writeText(location.href);
        $('copy-link').textContent = 'Link copied';
    } catch {
        $('copy-link').textContent = 'Copy the address bar';
    }
    setTimeout(() => { $('copy-link').textContent = 'Copy link to this view'; }, 2000);
});

map.on('click', e => {
    if (!openPopupAt(e.point, e.lngLat)) popup?.remove();
});
map.on('mousemove', e => {
    const layers = window.eventmap.tiled ? ['tile-events', 'tile-clusters'] : EVENT_LAYERS;
    const hit = map.queryRenderedFeatures([[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]], {layers});
    map.getCanvas().style.cursor = hit.length ? 'pointer' : '';
});
let viewTimer = null;
map.on('moveend', () => {
    updateLinks();
    if (!window.eventmap.tiled) return renderEventList();
    clearTimeout(viewTimer);
    viewTimer = setTimeout(loadViewItems, 150);
});
// Enter on the focused map opens the events at its centre: the keyboard path to popups.
map.getCanvas().addEventListener('keydown', e => {
    if (e.key === 'Enter') {
        const c = map.getCanvas();
        const pt = new maplibregl.Point(c.clientWidth / 2, c.clientHeight / 2);
        // Nearest events first; widen the search so the keyboard user need not aim to the pixel.
        for (const r of [8, 24, 60]) if (openPopupAt(pt, map.unproject(pt), r)) break;
    } else if (e.key === 'Escape') {
        popup?.remove();
    }
});
document.addEventListener('keydown', e => { if (e.key === 'Escape' && popup?.isOpen()) popup.remove(); });
map.getCanvas().setAttribute('aria-label', 'Map. Arrow keys pan, plus and minus zoom, Enter shows the events at the centre; the list of events in view has them all.');

// The page is ready at the first frame that has both the basemap and the events.
const firstShown = guarded(async () => {
    const fc = await firstEvents;
    renderTimeline();
    await styleLoaded;
    if (fc) showEvents(fc);
});
Promise.all([mapLoaded, firstShown]).then(() => {
    map.once('idle', () => {
        window.eventmap.firstRenderMs = Math.round(performance.now() - t0);
        window.eventmap.firstRenderSinceNavigationMs = Math.round(performance.now());
        window.eventmap.ready = true;
        document.documentElement.dataset.ready = 'true';
        showEventPlaces(window.eventmap.data ?? emptyFC());
        loadBasemapDetails(map, location.origin);
    });
    map.triggerRepaint();
    pollStatus();
    setInterval(pollStatus, POLL_MS);
});
map.on('error', e => console.error('map error:', e.error?.message ?? e));

window.addEventListener('hashchange', () => {
    const h = readHash();
    if (h.layers) { state.layers = new Set(h.layers); for (const l of LAYERS) $(`layer-${l.slug}`).checked = state.layers.has(l.slug); }
    const i = s => state.days.indexOf(s);
    if (h.from && i(h.from) >= 0 && h.to && i(h.to) >= 0) setRange(i(h.from), i(h.to)); else onFilterChange();
    if (h.view) map.jumpTo(h.view);
});

