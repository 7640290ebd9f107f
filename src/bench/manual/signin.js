// Where sign-in -> first rows goes, at a million tasks: request timestamps of the page, the bundle and the UIDL round trips.
const { chromium } = require('playwright-core');
const BASE = 'http://localhost:9091';
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox',
    '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(BASE + '/login');
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'alice');
    const events = [];
    const t0 = Date.now();
    page.on('request', r => events.push([Date.now() - t0, 'req ', r.method(), r.url().replace(BASE, '').slice(0, 60)]));
    page.on('requestfinished', async r => { const t = r.timing(); events.push([Date.now() - t0, 'done', r.method(), r.url().replace(BASE, '').slice(0, 60), 'server ' + Math.round(t.responseStart - t.requestStart) + ' ms']); });
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('vaadin-grid-cell-content', { hasText: /^Load task 0/ }).first().waitFor({ timeout: 60000 });
    const shown = Date.now() - t0;
    if (i === 0 || i === 4) {
      console.log(`sign-in ${i}: first rows shown after ${shown} ms`);
      events.filter(e => !/\.(png|woff2?|svg|ico)/.test(e[3])).forEach(e => console.log('   ', e.join(' ')));
    } else {
      console.log(`sign-in ${i}: first rows shown after ${shown} ms`);
    }
    await context.close();
  }
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
