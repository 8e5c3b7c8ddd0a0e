// The offline basemap: Natural Earth + GeoNames GeoJSON from /assets/basemap/, labels drawn with the
// vendored Noto Sans through the style's `font-faces` (no `glyphs` URL, so nothing is fetched elsewhere).

export const FONT_REGULAR = 'Noto Sans Regular';
export const FONT_BOLD = 'Noto Sans Bold';

// The unicode ranges of @fontsource/noto-sans' subsets (from its CSS).
const SUBSETS = {
    'latin': ['U+0000-00FF', 'U+0131', 'U+0152-0153', 'U+02BB-02BC', 'U+02C6', 'U+02DA', 'U+02DC', 'U+0304',
        'U+0308', 'U+0329', 'U+2000-206F', 'U+20AC', 'U+2122', 'U+2191', 'U+2193', 'U+2212', 'U+2215', 'U+FEFF', 'U+FFFD'],
    'latin-ext': ['U+0100-02BA', 'U+02BD-02C5', 'U+02C7-02CC', 'U+02CE-02D7', 'U+02DD-02FF', 'U+1D00-1DBF',
        'U+1E00-1E9F', 'U+1EF2-1EFF', 'U+2020', 'U+20A0-20AB', 'U+20AD-20C0', 'U+2113', 'U+2C60-2C7F', 'U+A720-A7FF'],
    'cyrillic': ['U+0301', 'U+0400-045F', 'U+0490-0491', 'U+04B0-04B1', 'U+2116'],
    'cyrillic-ext': ['U+0460-052F', 'U+1C80-1C8A', 'U+20B4', 'U+2DE0-2DFF', 'U+A640-A69F', 'U+FE2E-FE2F'],
};

function fontFaces(base, weight) {
    return Object.entries(SUBSETS).map(([subset, ranges]) => ({
        url: `${base}/assets/vendor/fonts/noto-sans-${subset}-${weight}-normal.woff2`,
        'unicode-range': ranges,
    }));
}

const NE = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>';
const GN = '<a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)';

export const COLORS = {
    water: '#c9dbe6',
    land: '#e9e6de',
    kz: '#fbf9f3',
    border: '#a7a39a',
    region: '#c7bfae',
    river: '#a8c6da',
    text: '#3d3b37',
    textSoft: '#6d6a63',
};

// Detail layers that start empty and are filled once the first frame (land + events) is drawn,
// so the first view does not wait for ~250 KB of labels, rivers and boundaries to be tiled.
const DEFERRED = {regions: 'kz-regions.geojson', rivers: 'rivers.geojson', labels: 'labels.geojson', cities: 'cities.geojson'};
const EMPTY = {type: 'FeatureCollection', features: []};

/** Fills the detail layers left empty by `basemapStyle`, and swaps in the detailed countries. */
export function loadBasemapDetails(map, origin) {
    for (const [source, file] of Object.entries({...DEFERRED, countries: 'countries.geojson'})) {
        map.getSource(source)?.setData(`${origin}/assets/basemap/${file}`);
    }
}

export function basemapStyle(origin) {
    const src = (file, attribution) => ({
        type: 'geojson', attribution,
        data: Object.values(DEFERRED).includes(file) ? EMPTY : `${origin}/assets/basemap/${file}`,
    });
    return {
        version: 8,
        name: 'eventmap offline basemap',
        'font-faces': {[FONT_REGULAR]: fontFaces(origin, 400), [FONT_BOLD]: fontFaces(origin, 700)},
        sources: {
            // 1:110m first (a tenth of the size), 1:50m once the first view is drawn.
            countries: src('countries-110m.geojson', NE),
            regions: src('kz-regions.geojson', NE),
            lakes: src('lakes.geojson', NE),
            rivers: src('rivers.geojson', NE),
            labels: src('labels.geojson', NE),
            cities: src('cities.geojson', GN),
        },
        layers: [
            {id: 'water', type: 'background', paint: {'background-color': COLORS.water}},
            {
                id: 'land', type: 'fill', source: 'countries',
                paint: {'fill-color': ['case', ['==', ['get', 'iso_n3'], '398'], COLORS.kz, COLORS.land], 'fill-antialias': true},
            },
            {id: 'lakes', type: 'fill', source: 'lakes', paint: {'fill-color': COLORS.water}},
            {
                id: 'rivers', type: 'line', source: 'rivers', minzoom: 3.5,
                paint: {'line-color': COLORS.river, 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.6, 8, 1.6]},
            },
            {
                id: 'kz-regions', type: 'line', source: 'regions', minzoom: 3.5,
                paint: {
                    'line-color': COLORS.region, 'line-dasharray': [3, 2],
                    'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.6, 8, 1.4],
                },
            },
            {
                id: 'borders', type: 'line', source: 'countries',
                paint: {'line-color': COLORS.border, 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.6]},
            },
            {
                id: 'kz-border', type: 'line', source: 'countries', filter: ['==', ['get', 'iso_n3'], '398'],
                paint: {'line-color': '#8d877b', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 1, 8, 2.4]},
            },
            {
                id: 'region-labels', type: 'symbol', source: 'labels', minzoom: 5,
                filter: ['==', ['get', 'kind'], 'region'],
                layout: {
                    'text-field': ['get', 'name'], 'text-font': [FONT_REGULAR], 'text-size': 11,
                    'text-letter-spacing': 0.05, 'text-max-width': 8,
                },
                paint: {'text-color': '#9c937f', 'text-halo-color': COLORS.kz, 'text-halo-width': 1.2},
            },
            {
                id: 'city-dots', type: 'circle', source: 'cities',
                filter: cityFilter(),
                paint: {
                    'circle-radius': ['interpolate', ['linear'], ['zoom'], 3, ['match', ['get', 'rank'], 1, 2.6, 1.6], 8, 3.5],
                    'circle-color': '#55524c', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 0.8,
                },
            },
            {
                id: 'city-labels', type: 'symbol', source: 'cities',
                filter: cityFilter(),
                layout: {
                    'text-field': ['get', 'name'],
                    'text-font': ['match', ['get', 'rank'], [1, 2], ['literal', [FONT_BOLD]], ['literal', [FONT_REGULAR]]],
                    'text-size': ['interpolate', ['linear'], ['zoom'],
                        3, ['match', ['get', 'rank'], 1, 12, 2, 11, 10],
                        8, ['match', ['get', 'rank'], 1, 16, 2, 14, 3, 13, 12]],
                    'text-variable-anchor': ['left', 'right', 'top', 'bottom'],
                    'text-radial-offset': 0.55,
                    'text-justify': 'auto',
                    'symbol-sort-key': ['-', 0, ['get', 'population']],
                    'text-padding': 3,
                },
                paint: {'text-color': COLORS.text, 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4},
            },
            // Last = placed first: country names win over city names.
            {
                id: 'country-labels', type: 'symbol', source: 'labels', minzoom: 2, maxzoom: 7,
                filter: ['==', ['get', 'kind'], 'country'],
                layout: {
                    'text-field': ['get', 'name'], 'text-font': [FONT_BOLD],
                    'text-size': ['interpolate', ['linear'], ['zoom'], 3, 10, 6, 14],
                    'text-transform': 'uppercase', 'text-letter-spacing': 0.12, 'text-max-width': 7,
                    // Events located only to "Kazakhstan" sit on its centroid: keep the name clear of them.
                    'text-offset': ['case', ['==', ['get', 'name'], 'Kazakhstan'], ['literal', [0, 2.6]], ['literal', [0, 0]]],
                },
                paint: {'text-color': '#8a857b', 'text-halo-color': COLORS.land, 'text-halo-width': 1.2},
            },
        ],
    };
}

/** Which cities show at which zoom: Kazakhstan's earlier than its neighbours'. */
export function cityFilter() {
    const z = ['zoom'];
    return ['any',
        ['<=', ['get', 'rank'], 1],
        ['all', ['==', ['get', 'rank'], 2], ['>=', z, ['case', ['get', 'kz'], 3.5, 4.5]]],
        ['all', ['==', ['get', 'rank'], 3], ['>=', z, ['case', ['get', 'kz'], 3.8, 5.5]]],
        ['all', ['==', ['get', 'rank'], 4], ['>=', z, ['case', ['get', 'kz'], 5, 6.5]]],
        ['>=', z, 7],
    ];
}
