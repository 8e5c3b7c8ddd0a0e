// First-render benchmark of the explorer (a measurement, not a test: it asserts nothing).
//
//   node tests/e2e/first-render.bench.mjs http://127.0.0.1:PORT [LOADS]
//
// Opens the page LOADS times (default 15), each in a fresh browser context (empty cache), in
// Debian's Chromium with software WebGL (SwiftShader), and prints the page's own timings: from the
// map module's start, and from navigation, to the first frame that has the basemap and the events
// (`window.eventmap.firstRenderMs`, `firstRenderSinceNavigationMs`), with their medians.

import {chromium} from 'playwright-core';

const BASE = (process.argv[2] || '').replace(/\/$/, '');
const LOADS = Number(process.argv[3] || 15);
if (!BASE || !(LOADS > 0)) {
    console.error('usage: node tests/e2e/first-render.bench.mjs http://127.0.0.1:PORT [LOADS]');
    process.exit(2);
}

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const fromModule = [], fromNavigation = [];
try {
    for (let i = 0; i < LOADS; i++) {
        const context = await browser.newContext({viewport: {width: 1280, height: 820}, deviceScaleFactor: 1});
        const page = await context.newPage();
        await page.goto(`${BASE}/`, {waitUntil: 'load'});
        await page.waitForFunction(() => window.eventmap?.ready === true, null, {timeout: 60000});
        const [m, n] = await page.evaluate(() => [window.eventmap.firstRenderMs, window.eventmap.firstRenderSinceNavigationMs]);
        fromModule.push(m);
        fromNavigation.push(n);
        console.log(`load ${i + 1}: ${m} ms from the module's start, ${n} ms from navigation`);
        await context.close();
    }
} finally {
    await browser.close();
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = xs => `${Math.min(...xs)}–${Math.max(...xs)}`;
console.log(`median ${median(fromModule)} ms (${range(fromModule)}) from the module's start; ` +
    `median ${median(fromNavigation)} ms (${range(fromNavigation)}) from navigation; ${LOADS} loads`);
