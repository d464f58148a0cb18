import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import { run } from './narratives.ts';

async function narratives(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const capture = captureIo();
  const code = await run(args, capture.io);
  return { code, out: capture.out(), err: capture.err() };
}

// Each of these must stop before the encoder loads: a mistyped flag once started a training run
// (minutes, rewriting the heads) or a run on the locked test split.
describe('cw narratives arguments', () => {
  it('prints the usage for --help and trains nothing', async () => {
    for (const args of [['--help'], ['train', '--help'], ['eval', '-h']]) {
      const { code, out, err } = await narratives(args);
      expect(code, args.join(' ')).toBe(0);
      expect(out).toMatch(/^usage: pnpm -s cw narratives train \| eval/);
      expect(err).toBe('');
    }
  });

  it('rejects unknown options, a bad split and a split outside eval with the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['eval', '--bogus'], /cw narratives: Unknown option '--bogus'/],
      [['train', '--split', 'train'], /^usage:/],
      [['eval', '--split', 'dev'], /^usage:/],
      [['eval', '--split'], /cw narratives: Option '--split <value>' argument missing/],
      [['retrain'], /^usage:/],
      [[], /^usage:/],
      [['train', 'eval'], /^usage:/],
    ];
    for (const [args, message] of cases) {
      const { code, out, err } = await narratives(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err, args.join(' ')).toMatch(message);
      expect(out).toBe('');
    }
  });
});
