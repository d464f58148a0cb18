import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_NARRATIVES_DIR, EVALUATION_FILE, readEvaluation, readHeadFiles } from '@cw/enrichment';
import { afterAll, describe, expect, it } from 'vitest';
import { lockedTestFigures } from './locked-test.ts';

function recorder() {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    log: {
      info: (_: object, msg: string) => lines.push({ level: 'info', msg }),
      warn: (_: object, msg: string) => lines.push({ level: 'warn', msg }),
    },
  };
}

describe("the API's locked test figures", () => {
  const dir = mkdtempSync(join(tmpdir(), 'cw-locked-test-'));
  cpSync(DEFAULT_NARRATIVES_DIR, dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the figures in git for the heads in git, per narrative', () => {
    const { log, lines } = recorder();
    const figures = lockedTestFigures(DEFAULT_NARRATIVES_DIR, log);
    expect(figures('kazakhstan_blame')).toMatchObject({ split: 'test', current: true });
    expect(figures('kazakhstan_blame')?.precision).toBeGreaterThan(0);
    // The long real posts and the Telegram channel posts ride along, with how many there were.
    const file = readEvaluation(DEFAULT_NARRATIVES_DIR);
    expect(file?.longPosts?.posts).toBeGreaterThan(0);
    expect(figures('mercenary_recruitment')?.longPosts).toMatchObject({ posts: file?.longPosts?.posts });
    expect(figures('mercenary_recruitment')?.longPosts?.recall).toBeGreaterThan(0);
    expect(file?.telegramPosts?.posts).toBeGreaterThan(0);
    expect(figures('mercenary_recruitment')?.telegramPosts).toEqual({
      posts: file?.telegramPosts?.posts,
      ...file?.telegramPosts?.narratives['mercenary_recruitment'],
    });
    expect(figures('no_such_narrative')).toBeUndefined();
    expect(lines).toEqual([{ level: 'info', msg: 'locked test figures loaded' }]);
  });

  it('says when the heads changed since the figures were measured, and still serves them as not current', () => {
    const [head] = readHeadFiles(join(dir, 'heads'));
    if (!head) throw new Error('no heads in git');
    writeFileSync(
      join(dir, 'heads', `${head.narrative}.json`),
      JSON.stringify({ ...head, trainedAt: '2030-01-01T00:00:00.000Z' }),
    );
    const { log, lines } = recorder();
    expect(lockedTestFigures(dir, log)('mercenary_recruitment')?.current).toBe(false);
    expect(lines[0]?.level).toBe('warn');
    expect(lines[0]?.msg).toMatch(/for earlier heads: run pnpm -s cw narratives eval/);
  });

  it('starts without them when the file is broken or missing, and says which', () => {
    writeFileSync(join(dir, EVALUATION_FILE), '{"tagger": 1}');
    const broken = recorder();
    expect(lockedTestFigures(dir, broken.log)('kazakhstan_blame')).toBeUndefined();
    expect(broken.lines).toEqual([
      { level: 'warn', msg: 'locked test figures not read; /v1/narratives goes without them' },
    ]);
    rmSync(join(dir, EVALUATION_FILE));
    const missing = recorder();
    expect(lockedTestFigures(dir, missing.log)('kazakhstan_blame')).toBeUndefined();
    expect(missing.lines).toEqual([]);
  });
});
