// The workbench's first view: the demo's sample month (41 channels, 30 days, through the pipeline's
// batch step) in Elasticsearch, the API in its own process, and Debian's Chromium opening the
// one-time sign-in link as an analyst does after `cw demo`. Measured per load, from navigation
// start (performance.now()) until the view is usable: the trends table has its count links and the
// chart has drawn. Each cold load is a new browser context (empty cache); warm loads reuse it.
// Also prints what the page ships (gzipped). Prefix `cwbench-wb`, deleted at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey } from '@cw/api';
import { createEsClient } from '@cw/es';
import { prepareWorkbench } from '../../services/api/src/workbench/build.ts';
import { loadWorkbenchData } from '../../services/api/src/workbench/testing/data.ts';
import { launchChromium } from '../../services/api/src/workbench/testing/serve.ts';
import { benchServers, startService } from './service.ts';

const PREFIX = 'cwbench-wb';
const RUNS = Number(process.env['CW_BENCH_WORKBENCH_RUNS'] ?? 7);
const PORT = 18_431;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

// Runs in the page (a function: the page's CSP forbids evaluating strings there): the moment the
// first view is usable, in ms since navigation start. The repository compiles without DOM types.
type PageGlobals = {
  document: {
    querySelectorAll: (s: string) => { length: number };
    querySelector: (s: string) => { width: number } | null;
  };
  performance: { now: () => number };
};
const READY = () => {
  const g = globalThis as unknown as PageGlobals;
  const links = g.document.querySelectorAll('table.trends-table tbody a[data-count]').length;
  const canvas = g.document.querySelector('.chart canvas');
  return links > 0 && canvas !== null && canvas.width > 0 ? g.performance.now() : false;
};

export async function run() {
  const { esUrl, redisUrl } = await benchServers();
  const es = createEsClient(esUrl);
  const cacheDir = mkdtempSync(join(tmpdir(), 'cw-bench-workbench-'));
  await es.indices.delete({ index: `${PREFIX}-*`, ignore_unavailable: true, allow_no_indices: true });
  try {
    const t0 = Date.now();
    const assets = await prepareWorkbench(cacheDir);
    const buildMs = Date.now() - t0;
    let js = 0;
    let css = 0;
    for (const [name, file] of assets.files) {
      if (name.endsWith('.js')) js += file.gzip.length;
      if (name.endsWith('.css')) css += file.gzip.length;
    }
    process.stdout.write(
      `shipped (gzipped): JS ${kb(js)} (target ≤ 300 KB), CSS ${kb(css)}, page ${kb(assets.html.gzip.length)}; bundle built in ${buildMs} ms\n`,
    );

    const t1 = Date.now();
    const data = await loadWorkbenchData(es, PREFIX, { days: 30, channels: 41 });
    process.stdout.write(
      `demo data: ${data.posts} posts indexed in ${((Date.now() - t1) / 1000).toFixed(1)} s\n`,
    );

    const key = `cw_bench_${randomBytes(12).toString('hex')}`;
    const url = `http://127.0.0.1:${PORT}`;
    const api = await startService({
      main: 'services/api/src/main.ts',
      env: {
        CW_ES_URL: esUrl,
        // Sign-in links live in Redis: the one the bench's stack runs.
        CW_REDIS_URL: redisUrl,
        CW_INDEX_PREFIX: PREFIX,
        CW_API_PORT: String(PORT),
        CW_API_KEYS: `bench:${hashApiKey(key)}`,
        CW_CACHE_DIR: cacheDir,
        CW_LOG_LEVEL: 'warn',
      },
      healthUrl: `${url}/healthz`,
    });
    const browser = await launchChromium();
    try {
      const link = async () => {
        const r = await fetch(`${url}/v1/sign-in-links`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}` },
        });
        return `${url}${((await r.json()) as { path: string }).path}`;
      };
      const cold: number[] = [];
      const warm: number[] = [];
      // One untimed load: the API's JIT and Elasticsearch's caches as after a first visit by anyone.
      for (let i = -1; i < RUNS; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.goto(await link());
        const first = Number(
          await (await page.waitForFunction(READY, undefined, { polling: 'raf' })).jsonValue(),
        );
        await page.reload();
        const again = Number(
          await (await page.waitForFunction(READY, undefined, { polling: 'raf' })).jsonValue(),
        );
        if (i >= 0) {
          cold.push(first);
          warm.push(again);
        }
        await context.close();
      }
      const fmt = (xs: number[]) =>
        `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
      process.stdout.write(
        `first view interactive (trends, 30 days daily, ${data.posts} posts), ${RUNS} loads each:\n` +
          `  cold (new browser context, sign-in link): ${fmt(cold)} (target ≤ 1000 ms)\n` +
          `  warm (reload, files cached): ${fmt(warm)}\n` +
          `  all cold: ${cold.map((x) => x.toFixed(0)).join(', ')} ms\n`,
      );
    } finally {
      await browser.close();
      await api.stop();
    }
  } finally {
    await es.indices.delete({ index: `${PREFIX}-*`, ignore_unavailable: true, allow_no_indices: true });
    await es.indices.deleteIndexTemplate({ name: `${PREFIX}-*` }).catch(() => {});
    await es.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
