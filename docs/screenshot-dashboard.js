// Screenshots of the Aspire dashboard for the README (docs/dashboard-*.png), taken with Debian's chromium through
// playwright-core (npm), no browser download:
//   ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true dotnet run --project AppHost &     # wait until the nodes are healthy
//   npm install --prefix /tmp/shot playwright-core && NODE_PATH=/tmp/shot/node_modules node docs/screenshot-dashboard.js
// It clicks "Show leader" on coord, then opens the newest trace whose name contains TRACE (default "create";
// "election" or "proposal" once the ensemble traces them) and screenshots its detail view as dashboard-trace-TRACE.png.
const { chromium } = require('playwright-core');

const dashboard = process.env.DASHBOARD ?? 'http://localhost:15888';
const traceName = process.env.TRACE ?? 'create';
const out = process.env.OUT ?? 'docs';

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const dismissBanners = async () => {
    for (const close of await page.locator('fluent-button[aria-label="Dismiss notification"]').all()) {
      await close.click().catch(() => {});
    }
  };

  await page.goto(dashboard, { waitUntil: 'networkidle' });
  await page.waitForTimeout(3000);
  await dismissBanners();
  await page.locator('fluent-button[title^="Ask every node srvr"]').click();
  await page.waitForTimeout(3000);
  await page.screenshot({ path: `${out}/dashboard-resources.png` });

  await page.goto(`${dashboard}/traces`, { waitUntil: 'networkidle' });
  await page.waitForTimeout(3000);
  await dismissBanners();
  await page.getByText(new RegExp(traceName)).last().click();
  await page.waitForTimeout(3000);
  await page.screenshot({ path: `${out}/dashboard-trace-${traceName}.png` });
  await browser.close();
})();
