// Browser test of the explorer at ACLED's scale (a server of many synthetic events, e.g.
// `eventmap synth --events 200000`):
//
//   node tests/e2e/tiles.test.mjs http://127.0.0.1:PORT
//
// Checks, against the server's own API:
//   1. the header says the true number of events ("200000 events"), not the few it could load;
//   2. the world view draws clusters (vector tiles) whose counts add up to that number;
//   3. zoomed into a city, the events are drawn one by one and a click opens a popup quoting the
//      event's source sentence (read from the items by id);
//   4. the time slider refilters the tiles: one day's tiles count that day's events;
// saves target/e2e/tiles-world.png and tiles-city.png and prints the first render time
// (measured, not asserted). Exits non-zero with a message on the first failure.

import {mkdirSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

const BASE = (process.argv[2] || process.env.BASE_URL || '').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(HERE, '..', '..', 'target', 'e2e');
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 120000);
if (!BASE) {
    console.error('usage: node tests/e2e/tiles.test.mjs http://127.0.0.1:PORT');
    process.exit(2);
}
const START = Date.now();
class TestFailure extends Error {}
function check(cond, msg) {
    if (!cond) throw new TestFailure(msg);
    console.log(`  ok  ${msg.split(/: /)[0]} (${((Date.now() - START) / 1000).toFixed(1)} s)`);
}

async function api(path) {
    const r = await fetch(`${BASE}${path}`, {headers: {Accept: 'application/geo+json, application/json'}});
    if (!r.ok) throw new TestFailure(`API ${path} answered HTTP ${r.status}`);
    return r.json();
}

/** Waits until the map is still and every tile of the view is drawn. */
async function settle(page) {
    await page.waitForFunction(() => {
        const m = window.eventmap.map;
        return m.loaded() && !m.isMoving() && (!m.getSource('event-tiles') || m.isSourceLoaded('event-tiles'));
    }, null, {timeout: TIMEOUT});
    await page.evaluate(() => new Promise(r => window.eventmap.map.once('idle', r) && window.eventmap.map.triggerRepaint()));
}

async function main() {
    const total = (await api('/collections/events/items?limit=1')).numberMatched;
    check(total > 20000, `the server has more events than the page draws one by one: ${total}`);
    mkdirSync(OUT, {recursive: true});
    const browser = await chromium.launch({
        executablePath: CHROMIUM, headless: true,
        args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
            '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
        const context = await browser.newContext({viewport: {width: 1280, height: 820}, deviceScaleFactor: 1});
        const page = await context.newPage();
        const errors = [];
        page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
        page.on('pageerror', e => errors.push(`uncaught: ${e.message}`));
        page.on('response', r => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`); });
        await page.goto(BASE, {waitUntil: 'load', timeout: TIMEOUT});
        await page.waitForFunction(() => window.eventmap?.ready === true, null, {timeout: TIMEOUT});
        const firstRender = await page.evaluate(() => window.eventmap.firstRenderMs);
        console.log(`  --  first render: ${firstRender} ms (software WebGL)`);

        const status = await page.locator('#status').textContent();
        check(status.includes(`${total} events`), `the header says the true number: "${status}"`);
        check(await page.evaluate(() => window.eventmap.tiled), 'the page draws tiles at this size');

        await page.evaluate(() => { const m = window.eventmap.map; m.setRenderWorldCopies(false); m.jumpTo({center: [20, 20], zoom: 0.3}); });
        await settle(page);
        const world = await page.evaluate(() => window.eventmap.tiledCount());
        await page.screenshot({path: resolve(OUT, 'tiles-world.png')});
        check(world === total, `the world view's clusters count every event once: ${world} of ${total}`);

        // A city: the events there, one by one, and a popup from the items.
        const one = (await api('/collections/events/items?limit=1&offset=12345')).features[0];
        await page.evaluate(c => window.eventmap.map.jumpTo({center: c, zoom: 13}), one.geometry.coordinates);
        await settle(page);
        const drawn = await page.evaluate(() => window.eventmap.renderedEventIds());
        check(drawn.includes(String(one.id)), `zoomed in, the event is drawn by itself: ${drawn.length} drawn`);
        const opened = await page.evaluate(c => {
            const m = window.eventmap.map;
            const p = m.project(c);
            return window.eventmap.openPopupAt(p, m.unproject(p), 4);
        }, one.geometry.coordinates);
        check(opened, 'a click on the event opens its popup');
        await page.waitForSelector('.event-popup .notes', {timeout: TIMEOUT});
        const quoted = await page.locator('.event-popup').textContent();
        check(quoted.includes(one.properties.notes.slice(0, 40)), `the popup quotes the event's sentence: ${quoted.slice(0, 120)}`);
        await page.screenshot({path: resolve(OUT, 'tiles-city.png')});

        // One day: the tiles follow the slider.
        const tl = await api('/timeline');
        const day = [...tl.days].sort((a, b) => b.total - a.total)[0];
        await page.evaluate(d => {
            const s = window.eventmap.state;
            const i = s.days.indexOf(d);
            document.getElementById('from-day').value = String(i);
            document.getElementById('from-day').dispatchEvent(new Event('input'));
            document.getElementById('to-day').value = String(i);
            document.getElementById('to-day').dispatchEvent(new Event('input'));
        }, day.date);
        const dayCount = (await api(`/collections/events/items?limit=1&datetime=${day.date}`)).numberMatched;
        if (dayCount > 20000) {
            await page.evaluate(() => window.eventmap.map.jumpTo({center: [20, 20], zoom: 0.3}));
            await settle(page);
            const counted = await page.evaluate(() => window.eventmap.tiledCount());
            check(counted === dayCount, `one day's tiles count that day's events: ${counted} of ${dayCount}`);
        } else {
            await page.waitForFunction(n => window.eventmap.data?.numberMatched === n && !window.eventmap.tiled, dayCount, {timeout: TIMEOUT});
            check(true, `one day (${dayCount} events) is drawn one by one again`);
        }
        check(errors.length === 0, `no console error or failed request: ${errors.join('; ')}`);
        await context.close();
    } finally {
        await browser.close();
    }
}

main().then(() => console.log(`tiles browser test passed in ${((Date.now() - START) / 1000).toFixed(1)} s`), e => {
    console.error(e instanceof TestFailure ? `FAILED: ${e.message}` : e);
    process.exit(1);
});
