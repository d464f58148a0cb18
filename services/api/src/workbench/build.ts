import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// The workbench is bundled from services/api/web by esbuild when the API starts, into the cache
// folder, under a name made of the sources' hash: an unchanged tree reuses the last build (about
// 30 ms to hash), a changed one is rebuilt (under a second). Nothing generated goes into git, and
// both README commands get the page without a separate build step.

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../web');
/** The repository's `.cache`, as the stack uses when CW_CACHE_DIR is not set. */
export const DEFAULT_CACHE_DIR = resolve(WEB_DIR, '../../../.cache');

export type Asset = { body: Buffer; gzip: Buffer; type: string };
export type WorkbenchAssets = {
  /** The page itself; it names the hashed script and stylesheet. */
  html: Asset;
  /** By file name under /assets/. */
  files: Map<string, Asset>;
  dir: string;
  built: boolean;
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(tsx?|css)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

/** Hash of the sources and of the versions of what is bundled with them. */
export function sourcesHash(webDir = WEB_DIR): string {
  const hash = createHash('sha256');
  const require = createRequire(join(webDir, '..', 'package.json'));
  for (const name of ['preact', 'echarts', 'esbuild']) {
    const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
      version: string;
    };
    hash.update(`${name}@${pkg.version}\n`);
  }
  // This file too: the page template and the build options are part of what is built.
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of sourceFiles(join(webDir, 'src'))) {
    hash.update(relative(webDir, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

function page(script: string, style: string): string {
  // No inline script or style: the Content-Security-Policy allows only files from this origin.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>channelwatch workbench</title>
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<noscript>The channelwatch workbench needs JavaScript. The same data is available from the API: /docs.</noscript>
<div id="app"></div>
</body>
</html>
`;
}

function asset(body: Buffer, name: string): Asset {
  const ext = name.slice(name.lastIndexOf('.'));
  return { body, gzip: gzipSync(body, { level: 9 }), type: TYPES[ext] ?? 'application/octet-stream' };
}

function load(dir: string, built: boolean): WorkbenchAssets {
  const files = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    if (name === 'index.html') continue;
    files.set(name, asset(readFileSync(join(dir, name)), name));
  }
  return { html: asset(readFileSync(join(dir, 'index.html')), 'index.html'), files, dir, built };
}

/** The bundle for the current sources: reused from `cacheDir` when there, else built there. */
export async function prepareWorkbench(cacheDir: string, webDir = WEB_DIR): Promise<WorkbenchAssets> {
  const hash = sourcesHash(webDir);
  const root = resolve(cacheDir, 'workbench');
  const dir = join(root, hash);
  if (existsSync(join(dir, 'index.html'))) return load(dir, false);

  const { build } = await import('esbuild');
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const result = await build({
    entryPoints: [join(webDir, 'src/main.tsx'), join(webDir, 'src/styles.css')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    // Names carry the content hash, so the files can be cached for good by the browser.
    entryNames: '[name]-[hash]',
    outdir: tmp,
    metafile: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'silent',
    absWorkingDir: webDir,
    nodePaths: [join(webDir, '..', 'node_modules')],
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => p.slice(p.lastIndexOf('/') + 1));
  const script = outputs.find((n) => n.endsWith('.js'));
  const style = outputs.find((n) => n.endsWith('.css'));
  if (!script || !style) throw new Error(`workbench build produced ${outputs.join(', ')}`);
  writeFileSync(join(tmp, 'index.html'), page(script, style));
  // Another process (a second API, a test) may have built the same hash meanwhile: its copy is the
  // same, and it may be reading it, so it is kept and ours dropped.
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'index.html'))) throw err;
    return load(dir, false);
  }
  // Older builds are of no use once this one exists.
  for (const name of readdirSync(root)) {
    if (name !== hash && !name.includes('.tmp-')) rmSync(join(root, name), { recursive: true, force: true });
  }
  return load(dir, true);
}
