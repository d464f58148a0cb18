import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import type { CommandIo } from '../main.ts';
import { run as narratives } from './narratives.ts';
import { run as replay } from './replay.ts';
import { run as replayFailed } from './replay-failed.ts';
import { run as retag } from './retag.ts';
import { run as snapshot } from './snapshot.ts';
import { run as stack } from './stack.ts';

type Command = (args: string[], io: CommandIo) => Promise<number>;

async function call(command: Command, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const capture = captureIo();
  const code = await command(args, capture.io);
  return { code, out: capture.out(), err: capture.err() };
}

// Commands that rewrite or re-enqueue history, or run for minutes: each case must stop before any
// connection is made or the encoder loads. Before, `cw retag --form 2026-01-01` retagged every post,
// `cw replay-failed --dry-run` replayed every failed batch, `cw narratives train --help` trained
// (rewriting the heads) and `cw narratives eval --bogus` scored the locked test split.
describe('commands that change data, run long or start servers read their options strictly', () => {
  it('print the usage for --help', async () => {
    for (const [command, name] of [
      [retag, 'retag'],
      [replayFailed, 'replay-failed'],
      [replay, 'replay'],
      [narratives, 'narratives'],
      [snapshot, 'snapshot'],
      [stack, 'stack'],
    ] as const) {
      const { code, out, err } = await call(command, ['--help']);
      expect(code, name).toBe(0);
      expect(out, name).toMatch(new RegExp(`^usage: pnpm -s cw ${name}\\b`));
      expect(err, name).toBe('');
    }
    for (const args of [
      ['train', '--help'],
      ['eval', '-h'],
    ]) {
      const { code, out } = await call(narratives, args);
      expect(code, args.join(' ')).toBe(0);
      expect(out).toMatch(/^usage: pnpm -s cw narratives train \| eval/);
    }
  });

  it('refuse an unknown option, a stray argument or a bad value with the usage', async () => {
    const cases: [Command, string[], RegExp][] = [
      [retag, ['--form', '2026-01-01'], /cw retag: Unknown option '--form'/],
      [retag, ['2026-01-01'], /cw retag: Unexpected argument '2026-01-01'/],
      [retag, ['--from', 'yesterday'], /cw retag: --from expects an ISO date, got 'yesterday'/],
      [retag, ['--to'], /cw retag: Option '--to <value>' argument missing/],
      [replayFailed, ['--dry-run'], /cw replay-failed: Unknown option '--dry-run'/],
      [replayFailed, ['posts'], /cw replay-failed: Unexpected argument 'posts'/],
      [replay, ['posts.jsonl', '--resum'], /cw replay: Unknown option '--resum'/],
      [replay, ['posts.jsonl', '--speed', 'fast'], /^usage: pnpm -s cw replay/],
      [replay, ['posts.jsonl', '--speed', '-1'], /cw replay: Option '--speed' argument is ambiguous/],
      [replay, ['posts.jsonl', '--speed=-1'], /^usage: pnpm -s cw replay/],
      [replay, ['a.jsonl', 'b.jsonl'], /^usage: pnpm -s cw replay/],
      [replay, ['--resume'], /^usage: pnpm -s cw replay/],
      [narratives, ['eval', '--bogus'], /cw narratives: Unknown option '--bogus'/],
      [narratives, ['train', '--split', 'train'], /^usage: pnpm -s cw narratives/],
      [narratives, ['eval', '--split', 'dev'], /^usage: pnpm -s cw narratives/],
      [narratives, ['eval', '--split'], /cw narratives: Option '--split <value>' argument missing/],
      [narratives, ['retrain'], /^usage: pnpm -s cw narratives/],
      [narratives, [], /^usage: pnpm -s cw narratives/],
      [narratives, ['train', 'eval'], /^usage: pnpm -s cw narratives/],
      // `cw snapshot create --force` created a snapshot named "--force"; `restore <name> --all` restored.
      [snapshot, ['create', '--force'], /cw snapshot: Unknown option '--force'/],
      [snapshot, ['restore', 'cw-20261202', '--all'], /cw snapshot: Unknown option '--all'/],
      [snapshot, ['restore'], /^usage: pnpm -s cw snapshot/],
      [snapshot, ['list', 'extra'], /^usage: pnpm -s cw snapshot/],
      [snapshot, ['create', 'a', 'b'], /^usage: pnpm -s cw snapshot/],
      [stack, ['up', '--es-node', '3'], /cw stack: Unknown option '--es-node'/],
      [stack, ['down', 'now'], /cw stack: unexpected argument 'now'/],
      [stack, ['up', '--es-nodes', 'ten'], /--es-nodes: expected a number of nodes from 1 to 9/],
    ];
    for (const [command, args, message] of cases) {
      const { code, out, err } = await call(command, args);
      expect(code, args.join(' ')).toBe(2);
      expect(err, args.join(' ')).toMatch(message);
      expect(out, args.join(' ')).toBe('');
    }
  });
});
