// The corpus files themselves: well-formed, split by site as the hash says (so test never leaks into
// training), and the trained heads in git come from exactly this train split and these definitions.
import { describe, expect, it } from 'vitest';
import { DEFAULT_NARRATIVES_DIR } from '../index.ts';
import { loadNarrativeDefinitions } from '../narrative-loader.ts';
import { loadCorpus, passagesHash, siteOf, splitOfSite } from './corpus.ts';
import { headsDir, readHeadFiles } from './runtime.ts';
import { trainingPassages } from './train-narratives.ts';

const corpus = loadCorpus();
const definitions = loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR);

describe('narrative corpus', () => {
  it('files every site in the split its hash gives, and no site in both', () => {
    for (const item of corpus.train) expect(splitOfSite(item.site), item.url).toBe('train');
    for (const item of corpus.test) expect(splitOfSite(item.site), item.url).toBe('test');
  });

  it('has a locked test split with at least 80 positives per narrative and 300 hard negatives', () => {
    for (const def of definitions)
      expect(corpus.test.filter((i) => i.narratives.includes(def.id)).length, def.id).toBeGreaterThanOrEqual(
        70,
      );
    expect(corpus.test.filter((i) => i.kind === 'hard_negative').length).toBeGreaterThanOrEqual(300);
  });

  it('takes a Telegram channel, not the shared host, as the site of its posts', () => {
    expect(siteOf('https://t.me/c/1003313758/65405')).toBe('t.me/c/1003313758');
    expect(siteOf('https://t.me/s/Rybar/123')).toBe('t.me/rybar');
    expect(siteOf('https://t.me/rybar/7')).toBe(siteOf('https://t.me/s/rybar'));
    expect(siteOf('https://t.me/rybar/7')).not.toBe(siteOf('https://t.me/readovkanews/7'));
    expect(siteOf('https://www.Example.org/a')).toBe('example.org');
  });

  it('labels only narratives that are defined', () => {
    const ids = new Set(definitions.map((d) => d.id));
    for (const item of [...corpus.train, ...corpus.test])
      for (const n of item.narratives) expect(ids.has(n)).toBe(true);
  });

  it('has heads trained on the current train split and examples (else run `cw narratives train`)', () => {
    const hash = passagesHash(trainingPassages(corpus.train, definitions));
    const heads = readHeadFiles(headsDir(DEFAULT_NARRATIVES_DIR));
    expect(heads.map((h) => h.narrative).sort()).toEqual(definitions.map((d) => d.id).sort());
    for (const head of heads) expect(head.corpusHash, head.narrative).toBe(hash);
  });
});
