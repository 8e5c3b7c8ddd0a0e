// Browser test of the eventmap explorer.
//
//   node tests/e2e/map.test.mjs http://127.0.0.1:PORT
//
// Drives Debian's Chromium (software WebGL through SwiftShader) with playwright-core and checks,
// against the server's own API:
//   1. the page loads with no console errors and no request leaving BASE_URL (every request recorded);
//   2. the rendered event features equal the API's numberMatched for the default view, and each
//      place with several events shows their number;
//   3. the "To"/"From" sliders set to 2022-01-07 show exactly that day's events;
//   4. clicking an event opens a popup quoting its source sentence; from the keyboard, Tab reaches
//      the list of events in view (one Tab stop, arrow keys within), Enter opens an event's
//      popup and Escape gives the focus back;
//   5. the GeoJSON download link returns the filtered events (same ids as the API);
//   6. the URL (hash) restores dates, layers and the view in a fresh page;
//   7. the phone layout puts the controls below the map; the histogram and the legend show
//      /timeline's counts, a bar selects its day, Play steps through the days and pauses;
//   8. an article posted while the page is open appears without a reload;
// saves target/e2e/map.png (and map-popup.png, map-city.png, map-phone.png) and prints the first
// render time.
// Exits non-zero with a message on the first failure.

import {mkdirSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const BASE = (process.argv[2] || process.env.BASE_URL || '').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOKEN = process.env.EVENTMAP_TOKEN || '';
const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(HERE, '..', '..', 'target', 'e2e');
// The day the slider is moved to: 2022-01-07 (the seed's last day) unless E2E_DAY says otherwise;
// with other data (`serve --events`), the busiest day of /timeline if that day has no event.
let DAY = process.env.E2E_DAY || '2022-01-07';
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 60000);

if (!BASE) {
    console.error('usage: node tests/e2e/map.test.mjs http://127.0.0.1:PORT');
    process.exit(2);
}
const origin = new URL(BASE).origin;

const START = Date.now();
class TestFailure extends Error {}
/** Asserts; `msg` is "what is checked: details" and only the first part is printed on success. */
function check(cond, msg) {
    if (!cond) throw new TestFailure(msg);
    console.log(`  ok  ${msg.split(/: /)[0]} (${((Date.now() - START) / 1000).toFixed(1)} s)`);
}
const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

async function api(path) {
    const r = await fetch(`${BASE}${path}`, {headers: {Accept: 'application/geo+json, application/json'}});
    if (!r.ok) throw new TestFailure(`API ${path} answered HTTP ${r.status}`);
    return r.json();
}
const ids = fc => fc.features.map(f => String(f.properties?.id ?? f.id));

async function openPage(browser, url, {viewport = {width: 1280, height: 820}} = {}) {
    const context = await browser.newContext({viewport, deviceScaleFactor: 1});
    const page = await context.newPage();
    const log = {errors: [], foreign: [], requests: []};
    page.on('console', m => { if (m.type() === 'error') log.errors.push(m.text()); });
    page.on('pageerror', e => log.errors.push(`uncaught: ${e.message}`));
    // Every request, including the worker's and fonts: anything not from BASE fails the test (and is
    // aborted, so a forgotten CDN link cannot quietly work on a machine with internet access).
    await context.route('**/*', route => {
        const u = route.request().url();
        log.requests.push(u);
        const ok = u.startsWith('data:') || u.startsWith('blob:') || new URL(u).origin === origin;
        if (!ok) { log.foreign.push(u); return route.abort(); }
        return route.continue();
    });
    page.on('requestfailed', r => {
        const f = r.failure()?.errorText ?? '';
        // The page cancels superseded event queries (AbortController): not an error.
        if (!f.includes('ERR_ABORTED')) log.errors.push(`request failed: ${r.url()} ${f}`);
    });
    page.on('response', r => { if (r.status() >= 400) log.errors.push(`HTTP ${r.status()} for ${r.url()}`); });
    const t = Date.now();
    await page.goto(url, {waitUntil: 'load', timeout: TIMEOUT});
    await page.waitForFunction(() => window.eventmap?.ready === true, null, {timeout: TIMEOUT});
    return {context, page, log, loadMs: Date.now() - t};
}

/** Waits until the map has drawn the current data (sources loaded, no pending tiles). */
async function settle(page) {
    await page.waitForFunction(() => {
        const m = window.eventmap.map;
        return m.loaded() && m.isSourceLoaded('events') && !m.isMoving();
    }, null, {timeout: TIMEOUT});
    await page.evaluate(() => new Promise(r => window.eventmap.map.once('idle', r) && window.eventmap.map.triggerRepaint()));
}

async function waitForData(page, expectIds) {
    await page.waitForFunction(want => {
        const d = window.eventmap.data;
        if (!d) return false;
        const got = d.features.map(f => String(f.properties?.id ?? f.id)).sort().join('\n');
        return got === want;
    }, [...expectIds].sort().join('\n'), {timeout: TIMEOUT});
    await settle(page);
}

async function main() {
    // The API first: the page is compared with it, not with constants.
    const collections = await api('/collections');
    check(Array.isArray(collections.collections) && collections.collections.some(c => c.id === 'events'),
        'GET /collections lists the events collection');
    const all = await api('/collections/events/items?limit=10000');
    const total = all.numberMatched ?? all.features.length;
    check(total > 0, `the API has events: numberMatched=${total}`);
    let dayFc = await api(`/collections/events/items?datetime=${DAY}&limit=10000`);
    if (!dayFc.features.length && !process.env.E2E_DAY) {
        const tl = await api('/timeline');
        const busiest = [...tl.days].sort((a, b) => b.total - a.total)[0];
        console.log(`  --  no event on ${DAY}; using the busiest day, ${busiest?.date}`);
        DAY = busiest?.date ?? DAY;
        dayFc = await api(`/collections/events/items?datetime=${DAY}&limit=10000`);
    }
    check(dayFc.features.length > 0, `the API has events on ${DAY}: ${dayFc.features.length}`);

    mkdirSync(OUT, {recursive: true});
    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
            '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
        // 1 + 2: default view.
        const {page, log, loadMs, context} = await openPage(browser, `${BASE}/`);
        const [firstRender, sinceNavigation] = await page.evaluate(() =>
            [window.eventmap.firstRenderMs, window.eventmap.firstRenderSinceNavigationMs]);
        console.log(`  --  first render: ${firstRender} ms after the module started, ${sinceNavigation} ms after navigation (page ready after ${loadMs} ms as seen by the test)`);
        await waitForData(page, ids(all));
        const webgl = await page.evaluate(() => !!window.eventmap.map.painter?.context?.gl);
        check(webgl, 'the map has a WebGL context');
        const rendered = await page.evaluate(() => window.eventmap.renderedEventIds());
        check(rendered.length === total,
            `rendered events equal numberMatched for the default view: rendered ${rendered.length}, API ${total}`);
        check(sameSet(rendered, ids(all)), 'rendered event ids are the API\'s ids: ' +
            `missing ${ids(all).filter(i => !rendered.includes(i)).join(',')}`);
        const legend = await page.$$eval('#legend-list input[type=checkbox]', xs => xs.map(x => ({id: x.id, checked: x.checked, label: x.labels[0]?.textContent})));
        check(legend.length >= 6 && legend.every(x => x.checked && x.label), `legend has labelled checkboxes for every layer: ${JSON.stringify(legend)}`);
        // Several events at one place: their number is drawn beside the circles (just after the first frame).
        const perPlace = new Map();
        for (const f of all.features) perPlace.set(f.geometry.coordinates.join(','), (perPlace.get(f.geometry.coordinates.join(',')) ?? 0) + 1);
        const expectStacks = [...perPlace].filter(([, n]) => n > 1).map(([at, n]) => `${at}=${n}`).sort();
        const drawnStacks = await page.evaluate(() => [...new Set(window.eventmap.map.queryRenderedFeatures({layers: ['events-stack-count']})
            .map(f => `${f.properties.at}=${f.properties.count}`))].sort());
        check(expectStacks.length > 0 && sameSet(drawnStacks, expectStacks),
            `each place with several events shows their number: drawn ${drawnStacks}, API ${expectStacks}`);
        // Every place with events is named; events known only to the country say so, once, and
        // the city under the country's centre (Zhezqazghan, for Kazakhstan) gives way to that.
        const labels = await page.evaluate(() => {
            const m = window.eventmap.map;
            return {
                places: m.queryRenderedFeatures({layers: ['events-place-labels']}).map(f => f.properties.place),
                cities: m.queryRenderedFeatures({layers: ['city-labels']}).map(f => f.properties.name),
            };
        });
        const eventPlaces = [...new Set(all.features.map(f => f.properties.place))].sort();
        check(sameSet([...new Set(labels.places)], eventPlaces) && labels.places.filter(p => p === 'Kazakhstan').length === 1,
            `every place with events is named once: drawn ${JSON.stringify(labels.places)}, API ${eventPlaces}`);
        check(!labels.cities.some(c => eventPlaces.includes(c)),
            `the basemap leaves the names of places with events to them: ${labels.cities.filter(c => eventPlaces.includes(c))}`);
        check(!labels.cities.includes('Zhezqazghan'),
            `the city under the country's centre gives way to "Kazakhstan (whole country)": ${labels.cities.join(', ')}`);
        await page.screenshot({path: resolve(OUT, 'map.png')});
        console.log(`  --  screenshot: ${resolve(OUT, 'map.png')}`);

        // 3: the sliders on 2022-01-07 only.
        const days = await page.evaluate(() => window.eventmap.state.days);
        const di = days.indexOf(DAY);
        check(di >= 0, `the time slider covers ${DAY}: ${days.join(',')}`);
        await page.getByLabel('To', {exact: true}).fill(String(di));
        await page.getByLabel('From', {exact: true}).fill(String(di));
        await waitForData(page, ids(dayFc));
        // Zoom back to the whole of the day's events before counting what is drawn.
        const dayRendered = await page.evaluate(() => window.eventmap.renderedEventIds());
        check(sameSet(dayRendered, ids(dayFc)),
            `slider on ${DAY} shows exactly that day's events: rendered ${dayRendered.length} [${dayRendered}], API ${dayFc.features.length} [${ids(dayFc)}]`);
        const hashAfterSlider = await page.evaluate(() => location.hash);
        check(hashAfterSlider.includes(`from=${DAY}`) && hashAfterSlider.includes(`to=${DAY}`), `the URL keeps the dates: ${hashAfterSlider}`);

        // 4: click an event: the popup quotes its sentence.
        // An event with a sentence, away from the map's edges (controls, attribution).
        const box = await page.locator('#map canvas').boundingBox();
        const inner = p => p && p.x > 60 && p.y > 60 && p.x < box.width - 60 && p.y < box.height - 40;
        let target = null, pt = null;
        for (const f of [...dayFc.features].sort((a, b) => !!b.properties.notes - !!a.properties.notes)) {
            const p = await page.evaluate(id => window.eventmap.project(id), String(f.properties.id));
            if (inner(p)) { target = f; pt = p; break; }
        }
        check(target, `an event of ${DAY} is on screen, away from the edges`);
        const popup = page.locator('.maplibregl-popup');
        // A click that lands while the map is still busy can be lost: try twice, then explain.
        for (let attempt = 1; attempt <= 2 && !(await popup.isVisible()); attempt++) {
            if (attempt > 1) console.log('  --  the first click opened no popup; clicking again');
            await page.mouse.click(box.x + pt.x, box.y + pt.y);
            await popup.waitFor({state: 'visible', timeout: attempt === 1 ? 10000 : TIMEOUT}).catch(() => {});
        }
        if (!(await popup.isVisible())) {
            const under = await page.evaluate(p => window.eventmap.map.queryRenderedFeatures(
                [[p.x - 8, p.y - 8], [p.x + 8, p.y + 8]], {layers: ['events-circles']}).map(f => f.properties.id), pt);
            throw new TestFailure(`clicking event ${target.properties.id} at ${JSON.stringify(pt)} opened no popup (features there: ${under})`);
        }
        const popupText = await popup.innerText();
        const notes = String(target.properties.notes ?? '').trim();
        const norm = s => s.replace(/\s+/g, ' ').trim();
        check(!notes || norm(popupText).includes(norm(notes)), `the popup quotes the source sentence: "${notes.slice(0, 80)}" in "${norm(popupText).slice(0, 300)}"`);
        check(popupText.includes(String(target.properties.source ?? '')), 'the popup names the source article');
        await page.screenshot({path: resolve(OUT, 'map-popup.png')});
        const injected = await popup.locator('script, img, iframe').count();
        check(injected === 0, 'popup contains no markup taken from the data');
        await page.keyboard.press('Escape');
        await popup.waitFor({state: 'detached', timeout: 5000}).catch(() => {});
        check(await popup.count() === 0, 'Escape closes the popup');

        // 4b: the keyboard's way to the events: Tab from the legend into the list of events in view;
        // Enter opens the event's popup, Escape closes it and gives the focus back.
        const items = page.locator('#event-list button.event-item');
        const listed = await items.evaluateAll(bs => bs.map(b => b.dataset.id));
        check(sameSet(listed, ids(dayFc)), `the list of events in view holds the ${DAY} events: listed [${listed}], API [${ids(dayFc)}]`);
        // Counts keep the text's qualifiers ("plus de 100" is "> 100", never a bare 100).
        const SIGN = {at_least: '≥ ', more_than: '> ', about: '~ ', up_to: '≤ '};
        const WORD = {fatalities: 'killed', injuries: 'injured', arrests: 'detained'};
        const qualified = dayFc.features.flatMap(f => Object.keys(WORD)
            .map(k => [k, f.properties[`${k}_qualifier`]])
            .filter(([k, q]) => SIGN[q] && f.properties[k] != null)
            .map(([k, q]) => [String(f.properties.id), `${SIGN[q]}${f.properties[k]} ${WORD[k]}`]));
        const itemText = Object.fromEntries(await items.evaluateAll(bs => bs.map(b => [b.dataset.id, b.textContent])));
        check(qualified.length > 0 && qualified.every(([id, want]) => itemText[id]?.includes(want)),
            `listed counts keep their qualifiers: ${qualified.map(([id, want]) => `${want} in "${itemText[id]}"`).join('; ')}`);
        const lastLayer = await page.evaluate(() => window.eventmap.LAYERS.at(-1).slug);
        await page.locator(`#layer-${lastLayer}`).focus();
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        const focused = () => page.evaluate(() => document.activeElement?.dataset?.id ?? document.activeElement?.outerHTML.slice(0, 80));
        const focusedId = await focused();
        check(focusedId === listed[0], `Tab goes from the legend to the first listed event: focused ${focusedId}`);
        check(listed.length >= 2, `the ${DAY} view lists several events: ${listed.length}`);
        await page.keyboard.press('ArrowDown');
        const down = await focused();
        await page.keyboard.press('Tab');
        const leftList = await page.evaluate(() => !document.getElementById('event-list').contains(document.activeElement));
        await page.keyboard.press('Shift+Tab');
        const back = await focused();
        await page.keyboard.press('ArrowUp');
        const up = await focused();
        check(down === listed[1] && up === listed[0], `arrow keys move within the list: down ${down}, up ${up}`);
        check(leftList && back === listed[1], `the list is one Tab stop that remembers its place: back on ${back}`);
        await page.keyboard.press('Enter');
        await popup.waitFor({state: 'visible', timeout: 10000}).catch(() => {});
        const firstListed = dayFc.features.find(f => String(f.properties.id) === listed[0]);
        const keyText = await popup.isVisible() ? norm(await popup.innerText()) : '';
        check(keyText.includes(norm(String(firstListed.properties.notes ?? ''))) && keyText.includes(String(firstListed.properties.place)),
            `Enter on a listed event opens its popup: "${keyText.slice(0, 160)}"`);
        const popupFocused = await page.evaluate(() => !!document.activeElement?.closest('.maplibregl-popup'));
        check(popupFocused, 'the popup takes the focus');
        await page.keyboard.press('Escape');
        await popup.waitFor({state: 'detached', timeout: 5000}).catch(() => {});
        const backId = await page.evaluate(() => document.activeElement?.dataset?.id);
        check(await popup.count() === 0 && backId === listed[0], `Escape closes it and the focus returns to the list: ${backId}`);

        // 5: the download link returns what is shown (dates + layers + current view bbox).
        const href = await page.locator('#download-geojson').getAttribute('href');
        check(href && href.includes('download=true') && href.includes('bbox='), `download link set: ${href}`);
        const dlUrl = new URL(href, BASE);
        check(dlUrl.origin === origin, `download link stays on the server: ${dlUrl}`);
        const dlResp = await page.evaluate(async u => {
            const r = await fetch(u);
            return {status: r.status, type: r.headers.get('content-type'), disp: r.headers.get('content-disposition'), body: await r.text()};
        }, dlUrl.href);
        check(dlResp.status === 200, `download answers 200: ${dlResp.status}`);
        const dl = JSON.parse(dlResp.body);
        const q = new URLSearchParams(dlUrl.search);
        q.delete('f'); q.delete('download'); q.set('limit', '10000');
        const expect = await api(`/collections/events/items?${q}`);
        check(sameSet(ids(dl), ids(expect)), `download = API for the same filter: ${ids(dl).length} vs ${ids(expect).length}`);
        check(sameSet(ids(dl), ids(dayFc)), `download holds the ${DAY} events in view: ${ids(dl).length} vs ${dayFc.features.length}`);
        const csvHref = await page.locator('#download-csv').getAttribute('href');
        check(csvHref && csvHref.includes('f=csv'), `CSV link set: ${csvHref}`);

        // 6: a layer toggle, then the URL restores dates, layers and view in a fresh page.
        const someLayer = dayFc.features[0].properties.layer;
        await page.locator(`#layer-${someLayer}`).uncheck();
        const lessFc = {features: dayFc.features.filter(f => f.properties.layer !== someLayer)};
        await waitForData(page, ids(lessFc));
        const shown = await page.evaluate(() => window.eventmap.renderedEventIds());
        check(sameSet(shown, ids(lessFc)), `unticking ${someLayer} hides its events: ${shown.length} left`);
        await page.evaluate(() => window.eventmap.map.jumpTo({center: [76.9, 43.25], zoom: 6.5}));
        await settle(page);
        await page.waitForFunction(() => location.hash.includes('map=6.50/43.2500/76.9000'), null, {timeout: TIMEOUT});
        const shared = await page.evaluate(() => location.href);
        const first = log;
        await context.close();

        const second = await openPage(browser, shared);
        await settle(second.page);
        const restored = await second.page.evaluate(() => {
            const m = window.eventmap.map, s = window.eventmap.state;
            return {from: s.days[s.from], to: s.days[s.to], layers: [...s.layers], zoom: m.getZoom(),
                center: m.getCenter().toArray(), unchecked: [...document.querySelectorAll('#legend-list input:not(:checked)')].map(x => x.value)};
        });
        check(restored.from === DAY && restored.to === DAY, `shared URL restores the dates: ${JSON.stringify(restored)}`);
        check(!restored.layers.includes(someLayer) && restored.unchecked.includes(someLayer), `shared URL restores the layers: ${restored.layers}`);
        check(Math.abs(restored.zoom - 6.5) < 0.01 && Math.abs(restored.center[0] - 76.9) < 1e-3 && Math.abs(restored.center[1] - 43.25) < 1e-3,
            `shared URL restores the view: ${restored.zoom} ${restored.center}`);
        await second.page.screenshot({path: resolve(OUT, 'map-city.png')});
        await second.context.close();

        // 7: phone layout: map on top, controls below it.
        const phone = await openPage(browser, `${BASE}/`, {viewport: {width: 390, height: 844}});
        await settle(phone.page);
        const layout = await phone.page.evaluate(() => {
            const r = id => document.querySelector(id).getBoundingClientRect();
            return {map: r('#map'), timeline: r('.timeline'), panel: r('.panel')};
        });
        check(layout.timeline.top >= layout.map.bottom - 1 && layout.panel.top >= layout.map.bottom - 1 && layout.map.width >= 380,
            `phone layout puts the controls below the map: ${JSON.stringify(layout)}`);
        await phone.page.screenshot({path: resolve(OUT, 'map-phone.png'), fullPage: true});
        await phone.context.close();

        // 7b: the time controls on a fresh page: one histogram bar a day with /timeline's count,
        // legend counts per layer, a bar click that selects its day, Play that steps and pauses.
        const timed = await openPage(browser, `${BASE}/`);
        await waitForData(timed.page, ids(all));
        const tl = await api('/timeline');
        const perDay = Object.fromEntries(tl.days.map(d => [d.date, d]));
        const bars = await timed.page.$$eval('#histogram .day', bs => bs.map(b => [b.dataset.date, Number(b.querySelector('.n').textContent)]));
        const tlDays = await timed.page.evaluate(() => window.eventmap.state.days);
        check(bars.length === tlDays.length && bars.every(([d, n]) => n === (perDay[d]?.total ?? 0)),
            `the histogram has one bar a day with its /timeline count: ${JSON.stringify(bars)}`);
        const legendCounts = await timed.page.$$eval('#legend-list .count', cs => cs.map(c => [c.id.replace('count-', ''), Number(c.textContent)]));
        const layerTotal = slug => tl.days.reduce((n, d) => n + (d.layers?.[slug] ?? 0), 0);
        check(legendCounts.length >= 6 && legendCounts.every(([slug, n]) => n === layerTotal(slug)),
            `legend counts are /timeline's per layer: ${JSON.stringify(legendCounts)}`);
        await timed.page.locator(`#histogram .day[data-date="${DAY}"]`).click();
        await waitForData(timed.page, ids(dayFc));
        check(sameSet(await timed.page.evaluate(() => window.eventmap.renderedEventIds()), ids(dayFc)),
            `clicking the ${DAY} bar shows that day's events`);
        await timed.page.locator('#play').click();
        check(await timed.page.getAttribute('#play', 'aria-pressed') === 'true', 'Play starts');
        // Let it step past the start to a day that has events, then pause there.
        const startDay = await timed.page.evaluate(() => window.eventmap.state.from);
        const busyDays = tl.days.filter(d => d.total > 0).map(d => d.date);
        await timed.page.waitForFunction(([i, busy]) => {
            const s = window.eventmap.state;
            return s.from === s.to && s.from > i && busy.includes(s.days[s.from]);
        }, [startDay, busyDays], {timeout: TIMEOUT});
        await timed.page.locator('#play').click();
        const stopped = await timed.page.evaluate(() => window.eventmap.state.days[window.eventmap.state.from]);
        const stepFc = await api(`/collections/events/items?datetime=${stopped}&limit=10000`);
        await waitForData(timed.page, ids(stepFc));
        check(sameSet(await timed.page.evaluate(() => window.eventmap.renderedEventIds()), ids(stepFc)),
            `Play stepped to ${stopped} and the map shows that day's ${stepFc.features.length} events`);
        await timed.page.waitForTimeout(2000);
        const still = await timed.page.evaluate(() => window.eventmap.state.days[window.eventmap.state.from]);
        check(still === stopped && await timed.page.getAttribute('#play', 'aria-pressed') === 'false',
            `Pause stops on ${stopped}: ${still}`);
        await timed.context.close();

        // 8: an article posted while the page is open shows up without a reload (the page
        // polls /status). Needs the server's write token, which tests/browser.rs passes.
        const live = await openPage(browser, `${BASE}/`);
        await waitForData(live.page, ids(all));
        const posted = await fetch(`${BASE}/articles`, {
            method: 'POST',
            headers: {'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`},
            body: JSON.stringify({
                text: 'Friday 7 January 2022: police detained more than 50 protesters in Shymkent.\n',
                title: 'e2e live update', published: '2022-01-07', lang: 'en',
            }),
        });
        check(posted.status === 201, `POST /articles adds the article: HTTP ${posted.status}`);
        const added = ids((await posted.json()).events);
        check(added.length > 0, 'the posted article has events');
        const after = await api('/collections/events/items?limit=10000');
        await waitForData(live.page, ids(after));
        const drawn = await live.page.evaluate(() => window.eventmap.renderedEventIds());
        check(added.every(id => drawn.includes(id)), `the new events are drawn without a reload: ${added.join(',')}`);
        await live.context.close();

        for (const [name, l] of [['default view', first], ['shared URL', second.log], ['phone', phone.log], ['time controls', timed.log], ['live update', live.log]]) {
            check(l.foreign.length === 0, `no request leaves the server (${name}, ${l.requests.length} requests to ${origin}): ${l.foreign.join(' ')}`);
            check(l.errors.length === 0, `no console errors (${name}): ${l.errors.join(' | ')}`);
        }
        const worker = first.requests.some(u => u.includes('maplibre-gl-worker.mjs'));
        check(worker, 'the MapLibre worker module was loaded from the server');
        console.log('PASS: eventmap browser test');
    } finally {
        await browser.close();
    }
}

main().catch(e => {
    console.error(`FAIL: ${e instanceof TestFailure ? e.message : e.stack || e}`);
    process.exit(1);
});
