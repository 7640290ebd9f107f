// The issue 18 scenario as a user meets it: alice signs in to the demo's production jar over a
// 1,000,000-task organization; a title filter; unrelated updates arrive; matching inserts must show.
const { chromium } = require('playwright-core');
const { execSync, spawn } = require('child_process');
const BASE = process.env.BASE || 'http://localhost:9091';
const PSQL = "psql -h 127.0.0.1 -p 5432 -U livesync -d demo_million -qAt -c";
const sql = q => execSync(`PGPASSWORD=livesync ${PSQL} "${q}"`).toString().trim();
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox',
    '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  let page;
  const renders = [];
  for (let i = 0; i < 4; i++) {
    if (page) { await page.context().close(); }
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(BASE + '/login');
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'alice');
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('vaadin-grid-cell-content', { hasText: /^Load task 0/ }).first().waitFor({ timeout: 60000 });
    renders.push(Date.now() - t0);
  }
  console.log('sign-in -> first rows shown, ms:', renders.join(', '));
  console.log('count label:', await page.locator('.task-count').textContent());

  // deep scroll, no filter
  const scrolls = [];
  for (const at of [500000, 250000, 750000, 500500]) {
    const want = 'Load task ' + String(at - 20).padStart(7, '0');
    const t0 = Date.now();
    await page.locator('vaadin-grid').evaluate((g, i) => g.scrollToIndex(i), at);
    await page.locator('vaadin-grid-cell-content', { hasText: new RegExp('^Load task 0*' + String(at).slice(0, 3)) }).first().waitFor({ timeout: 30000 });
    scrolls.push(Date.now() - t0);
  }
  console.log('scroll to row 250k-750k -> rows shown, ms:', scrolls.join(', '));

  // filter typed; unrelated updates of the organization at RATE/s (none matching)
  await page.locator('vaadin-grid').evaluate(g => g.scrollToIndex(0));
  await page.getByRole('textbox', { name: 'Filter by title' }).fill('zqx');
  await page.locator('.task-count').filter({ hasText: /^0 tasks$|^\d+ tasks?$/ }).waitFor();
  for (const rate of (process.env.RATES || '20,100').split(',').map(Number)) {
    const writer = rate === 0 ? { kill() {} } : spawn('bash', ['-c', `while true; do PGPASSWORD=livesync psql -h 127.0.0.1 -p 5432 -U livesync -d demo_million -qAt -c "UPDATE task SET assignee = 'u' || (random()*1000)::int WHERE id = (SELECT (random()*999000)::bigint + 1000)" >/dev/null; sleep ${1 / rate}; done`]);
    await new Promise(r => setTimeout(r, 3000));
    const shown = []; let missing = 0;
    for (let i = 0; i < 15; i++) {
      const title = `zqx ${rate} match ${i} ${Date.now()}`;
      const t0 = Date.now();
      sql(`INSERT INTO task (organization_id, title) VALUES (1, '${title}')`);
      try {
        await page.locator('vaadin-grid-cell-content', { hasText: title }).first().waitFor({ timeout: 10000 });
        shown.push(Date.now() - t0);
      } catch (e) { missing++; }
      await new Promise(r => setTimeout(r, 700));
    }
    writer.kill();
    console.log(`filter 'zqx', unrelated updates ~${rate}/s (psql per statement): matching insert -> shown, ms p50 ${pct(shown, 0.5)} max ${Math.max(...shown)}; ${missing} of 15 not shown within 10 s; count label: ${await page.locator('.task-count').textContent()}`);
  }
  sql("DELETE FROM task WHERE title LIKE 'zqx %'");
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
