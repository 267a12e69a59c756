// Screenshots of the Aspire dashboard for the README (docs/dashboard-*.png), taken with Debian's chromium through
// playwright-core (npm), no browser download:
//   ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true dotnet run --project AppHost &     # wait until the nodes are healthy
//   npm install --prefix /tmp/shot playwright-core && NODE_PATH=/tmp/shot/node_modules node docs/screenshot-dashboard.js
// In order, as a person would: the resources page after "Show leader" (three healthy nodes and the sample, and the
// answer in the notifications); the
// newest trace of one of the sample's writes, with the leader's proposal span selected (its ACK and COMMIT events);
// the leader's commit latency on the metrics page; then the leader is killed with the dashboard's "Kill (kill -9)"
// command, and the new election's trace at a surviving node is shown with its span selected (votes, outcome).
// Traces are found through the dashboard's telemetry API (/api/telemetry/spans, open with the setting above).
// At the end the killed node is started again ("Start resource"), as a person would, and catches up.
const { chromium } = require('playwright-core');

const dashboard = process.env.DASHBOARD ?? 'http://localhost:15888';
const out = process.env.OUT ?? 'docs';

/** Every span the dashboard holds, as { traceId, spanId, parentSpanId, name, service, start, attributes }. */
async function spans() {
  const response = await fetch(`${dashboard}/api/telemetry/spans?limit=5000`);
  const body = await response.json();
  const all = [];
  for (const resourceSpans of body.data.resourceSpans) {
    const service = (resourceSpans.resource?.attributes ?? []).find(a => a.key === 'service.name')?.value.stringValue;
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const attributes = Object.fromEntries((span.attributes ?? []).map(a => [a.key, Object.values(a.value)[0]]));
        all.push({ ...span, service, start: BigInt(span.startTimeUnixNano), attributes });
      }
    }
  }

  return all;
}

/** Opens a span's details (attributes, then events) beside the trace, in a page tall enough to show both. */
async function selectSpan(page, name) {
  await page.setViewportSize({ width: 1600, height: 1500 });
  await page.getByText(name, { exact: true }).first().click();
  await page.waitForTimeout(2000);
}

/** Starts every node a previous run left killed, and gives them time to rejoin. */
async function startStoppedNodes(page) {
  const stopped = page.locator('tr.resource-row').filter({ has: page.locator('td[title^="Project: node"]') })
    .locator('fluent-button[aria-label="Start resource"]');
  const count = await stopped.count();
  for (let i = 0; i < count; i++) {
    await stopped.first().click();
    await page.waitForTimeout(1000);
  }

  if (count > 0) {
    await page.waitForTimeout(45000);
  }
}

const newestFirst = (a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0);

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const open = async (path) => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.goto(`${dashboard}${path}`, { waitUntil: 'networkidle' });
    await page.waitForTimeout(3000);
    for (const close of await page.locator('fluent-button[aria-label="Dismiss notification"]').all()) {
      await close.click().catch(() => {});
    }
  };

  // 1. The resources: coord with node1..node3 under it, the sample, and Show leader's answer.
  await open('/');
  await startStoppedNodes(page);
  await page.locator('fluent-button[title^="Ask every node srvr"]').click();
  await page.waitForTimeout(3000);
  await page.locator('fluent-button[aria-label="Notifications"]').click();
  await page.waitForTimeout(2000);
  await page.screenshot({ path: `${out}/dashboard-resources.png` });

  // 2. A write of the sample's: its client span, the server's request span, the leader's proposal (an event per ACK,
  //    then COMMIT) and each follower's log+ack. Newest first, a trace with both followers' spans in it.
  const all = await spans();
  const proposals = all.filter(s => s.name === 'zab proposal').sort(newestFirst);
  const proposal = proposals.find(p =>
    all.filter(s => s.traceId === p.traceId && s.name === 'zab proposal log+ack').length >= 2
    && all.some(s => s.traceId === p.traceId && s.service === 'sample'));
  if (!proposal) throw new Error('no traced write of the sample yet: wait a few seconds');
  const leader = proposal.service;
  await open(`/traces/detail/${proposal.traceId}`);
  await selectSpan(page, 'zab proposal');
  await page.screenshot({ path: `${out}/dashboard-trace-proposal.png` });

  // 3. The leader's commit latency (coordaspire.zab.commit.duration), from PROPOSAL to COMMIT.
  await open(`/metrics/resource/${leader}`);
  await page.locator('fluent-tree-item[title="coordaspire.zab.commit.duration"]').click();
  await page.waitForTimeout(4000);
  await page.screenshot({ path: `${out}/dashboard-metrics.png` });

  // 4. Kill the leader from the dashboard and show the election that follows, at a surviving node.
  const killedAt = BigInt(Date.now()) * 1000000n;
  await open('/');
  await page.locator('tr.resource-row').filter({ has: page.locator(`td[title="Project: ${leader}"]`) })
    .locator('fluent-button[aria-label="Actions"]').click();
  await page.getByText('Kill (kill -9)').click();
  await page.locator('fluent-button', { hasText: 'Yes' }).click();
  await page.waitForTimeout(8000);
  const election = (await spans())
    .filter(s => s.name === 'zab election' && s.service !== leader && s.start > killedAt && s.attributes['zab.leader.id'])
    .sort(newestFirst)[0];
  if (!election) throw new Error(`no election after ${leader} was killed`);
  await open(`/traces/detail/${election.traceId}`);
  await selectSpan(page, 'zab election');
  await page.screenshot({ path: `${out}/dashboard-trace-election.png` });

  // The killed node comes back with "Start resource", recovers from its data directory and catches up.
  await open('/');
  await startStoppedNodes(page);
  await browser.close();
  console.log(`leader ${leader} killed; ${election.service} elected ${election.attributes['zab.leader.id']}`);
})();
