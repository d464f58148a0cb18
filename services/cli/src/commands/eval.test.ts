import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../../../tests/support/command-io.ts';
import { run } from './eval.ts';

const dir = mkdtempSync(join(tmpdir(), 'cw-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function evalCommand(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const capture = captureIo();
  const code = await run(args, capture.io);
  return { code, out: capture.out(), err: capture.err() };
}

describe('cw eval', () => {
  it('prints accuracy, per-class precision/recall/F1 and the confusion table for languages', async () => {
    const file = join(dir, 'lang.jsonl');
    writeFileSync(
      file,
      [
        { text: 'Завтра в Алматы снег и гололёд', lang: 'ru' },
        { text: 'Ертең Алматыда қар жауады', lang: 'kk' },
        { text: 'Snow in Almaty tomorrow, take care', lang: 'en' },
        { text: 'Снег завтра', lang: 'kk' },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    const { code, out } = await evalCommand(['lang', file]);
    expect(code).toBe(0);
    expect(out).toContain('rows: 4  correct: 3  accuracy: 0.750');
    expect(out).toMatch(/class\s+support\s+predicted\s+precision\s+recall\s+f1/);
    expect(out).toMatch(/^kk\s+2\s+1\s+1\.000\s+0\.500\s+0\.667$/m);
    expect(out).toContain('confusion (rows: expected, columns: predicted)');
    expect(out).toContain('expected kk, got ru: Снег завтра');
  });

  it('scores narratives and counts the hard negatives tagged', async () => {
    const file = join(dir, 'narratives.jsonl');
    writeFileSync(
      file,
      [
        {
          text: 'Контракт с МО РФ, выплата 2 млн ₽, всё законно, пиши в лс',
          narratives: ['mercenary_recruitment'],
        },
        { text: 'Тобол подписал контракт с нападающим до конца сезона', narratives: [] },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    const { code, out } = await evalCommand(['narratives', file]);
    expect(code).toBe(0);
    expect(out).toContain('hard negatives tagged: 0/1 (0.0%)');
    expect(out).toMatch(/^mercenary_recruitment\s+1\s+1\s+1\.000\s+1\.000\s+1\.000$/m);
  });

  it('reports bad lines and bad usage', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text":"Привет, как дела?","lang":"ru"}\nnot json\n');
    const bad = await evalCommand(['lang', file]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.jsonl:2: not JSON');
    expect((await evalCommand(['colour', file])).code).toBe(2);
  });
});
