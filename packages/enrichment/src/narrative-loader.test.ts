import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_NARRATIVES_DIR } from './index.ts';
import { loadNarrativeDefinitions, NarrativeDefinitionError } from './narrative-loader.ts';
import { createNarrativeRegistry } from './narrative-registry.ts';

const VALID = `
id: test_narrative
title: Test
description: A test narrative.
languages: [ru]
threshold: 2
require: [[core]]
signals:
  core:
    weight: 2
    terms:
      ru: [контракт*, "подпис* контракт*"]
exclusions:
  debunk:
    effect: cancel
    terms:
      ru: [фейк*]
examples:
  positive: [подпиши контракт]
  negative: [это фейк про контракт]
`;

const dirs: string[] = [];
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cw-narratives-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function loadError(dir: string): NarrativeDefinitionError {
  try {
    loadNarrativeDefinitions(dir);
  } catch (err) {
    if (err instanceof NarrativeDefinitionError) return err;
    throw err;
  }
  throw new Error('expected a NarrativeDefinitionError');
}

describe('loadNarrativeDefinitions', () => {
  it('loads a valid definition and ignores files that are not YAML', () => {
    const dir = tempDir({ 'test.yaml': VALID, 'README.md': '# notes' });
    const defs = loadNarrativeDefinitions(dir);
    expect(defs.map((def) => def.id)).toEqual(['test_narrative']);
    expect(defs[0]?.window).toBe(3);
  });

  it('names the file, the field path and the problem, for every problem of the file at once', () => {
    const bad = VALID.replace('weight: 2', 'weight: heavy').replace('threshold: 2', 'threshold: -1');
    const dir = tempDir({ 'bad.yaml': bad });
    const err = loadError(dir);
    expect(err.issues.map((issue) => issue.path).sort()).toEqual(['signals.core.weight', 'threshold']);
    expect(err.message).toContain(join(dir, 'bad.yaml'));
    expect(err.message).toContain('signals.core.weight');
    expect(err.message).toMatch(/threshold: .*(>0|positive|greater)/i);
  });

  it('reports an unknown group in require and a malformed term with their paths', () => {
    const bad = VALID.replace('require: [[core]]', 'require: [[core, nope]]').replace(
      '[фейк*]',
      '[фейк*, "к*"]',
    );
    const err = loadError(tempDir({ 'terms.yml': bad }));
    expect(err.message).toContain("require[0][1]: unknown signal group 'nope'");
    expect(err.message).toContain('exclusions.debunk.terms.ru[1]');
  });

  it('reports an unknown group in topic with its path', () => {
    const err = loadError(
      tempDir({ 'terms.yml': VALID.replace('require: [[core]]', 'require: [[core]]\ntopic: [nope]') }),
    );
    expect(err.message).toContain("topic[0]: unknown signal group 'nope'");
  });

  it('reports YAML syntax errors and duplicate ids with the file name', () => {
    const err = loadError(tempDir({ 'a.yaml': VALID, 'b.yaml': VALID, 'c.yaml': 'id: [unclosed' }));
    expect(err.message).toMatch(/b\.yaml: id: 'test_narrative' is already defined/);
    expect(err.message).toMatch(/c\.yaml: \(yaml\)/);
  });

  it('accepts the shipped definitions', () => {
    expect(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR).length).toBeGreaterThanOrEqual(2);
  });
});

describe('createNarrativeRegistry', () => {
  it('reloads new definitions without a restart', () => {
    const dir = tempDir({ 'test.yaml': VALID });
    const registry = createNarrativeRegistry(dir);
    expect(registry.definitions().map((def) => def.id)).toEqual(['test_narrative']);
    copyFileSync(join(DEFAULT_NARRATIVES_DIR, 'kazakhstan-blame.yaml'), join(dir, 'kazakhstan-blame.yaml'));
    expect(registry.reload()).toBe(true);
    expect(registry.current().compiled.map((def) => def.id)).toEqual(['kazakhstan_blame', 'test_narrative']);
  });

  it('keeps the previous compiled set and reports the error when a reload is bad', () => {
    const dir = tempDir({ 'test.yaml': VALID });
    const errors: unknown[] = [];
    const registry = createNarrativeRegistry(dir, { onError: (err) => errors.push(err) });
    const before = registry.current();
    writeFileSync(join(dir, 'test.yaml'), VALID.replace('threshold: 2', 'threshold: two'));
    expect(registry.reload()).toBe(false);
    expect(registry.current()).toBe(before);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('threshold');
  });

  it('picks up a changed file when watching', async () => {
    const dir = tempDir({ 'test.yaml': VALID });
    const registry = createNarrativeRegistry(dir, { debounceMs: 20 });
    const reloaded = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (registry.current().compiled[0]?.threshold === 1.5) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    const stop = registry.watch();
    try {
      writeFileSync(
        join(dir, 'test.yaml'),
        readFileSync(join(dir, 'test.yaml'), 'utf8').replace('threshold: 2', 'threshold: 1.5'),
      );
      await reloaded;
    } finally {
      stop();
    }
    expect(registry.current().compiled[0]?.threshold).toBe(1.5);
  });
});
