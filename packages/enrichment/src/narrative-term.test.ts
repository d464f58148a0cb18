import { describe, expect, it } from 'vitest';
import { compileNarratives } from './narrative-compile.ts';
import { parseNarrativeDefinition } from './narrative-loader.ts';
import { scoreNarratives, tagNarratives } from './narrative-match.ts';
import { parseTerm } from './narrative-term.ts';

function compile(signals: string, extra = '') {
  const yaml = `
id: t
title: T
description: test
languages: [ru]
threshold: 1
window: 1
signals:
${signals}
${extra}
examples: { positive: [a], negative: [b] }
`;
  const { definition, issues } = parseNarrativeDefinition(yaml, 'inline.yaml');
  if (!definition) throw new Error(JSON.stringify(issues));
  return compileNarratives([definition]);
}

describe('parseTerm', () => {
  it('parses words, stems, features and phrases with the same normalisation as posts', () => {
    expect(parseTerm('Контракт*')).toEqual({ parts: [{ text: 'контракт', prefix: true }], ordered: true });
    expect(parseTerm('"$number млн"'.slice(1, -1)).parts).toEqual([
      { text: '$number', prefix: false },
      { text: 'млн', prefix: false },
    ]);
    expect(parseTerm('~подпис* контракт*').ordered).toBe(false);
    expect(parseTerm('НАТО-ның').parts.map((p) => p.text)).toEqual(['нато', 'ның']);
  });

  it('rejects stems too short to mean anything, and stray wildcards', () => {
    expect(parseTerm('к*').error).toMatch(/at least 3/);
    expect(parseTerm('ко*нтракт').error).toMatch(/only end a word/);
    expect(parseTerm('алаң ет*').error).toBeUndefined();
  });
});

describe('phrase matching', () => {
  const compiled = compile(`  g:
    weight: 1
    terms:
      ru: ["через казахстан*", "~подпис* контракт*"]`);

  it('keeps the order of an ordered phrase and its window', () => {
    expect(tagNarratives(compiled, 'шли через братский Казахстан').narratives).toEqual(['t']);
    expect(tagNarratives(compiled, 'граждан Казахстана маршрут через Польшу').narratives).toEqual([]);
    expect(tagNarratives(compiled, 'через эту огромную страну Казахстан').narratives).toEqual([]);
  });

  it('matches an unordered phrase either way round', () => {
    expect(tagNarratives(compiled, 'контракт подписал').narratives).toEqual(['t']);
    expect(tagNarratives(compiled, 'подписал этот контракт').narratives).toEqual(['t']);
  });
});

describe('exclusions', () => {
  const compiled = compile(
    `  job:
    weight: 1
    terms: { ru: [вакансия] }
  army:
    weight: 1
    terms: { ru: [фронт] }`,
    `exclusions:
  civil:
    effect: cancel
    unless: [army]
    terms: { ru: [завод] }
  doubt:
    effect: lower
    weight: 0.5
    terms: { ru: [слухи] }`,
  );

  it('cancel vetoes the tag unless a named signal group matched', () => {
    expect(tagNarratives(compiled, 'вакансия на завод').narratives).toEqual([]);
    expect(tagNarratives(compiled, 'вакансия на фронт, не на завод').narratives).toEqual(['t']);
  });

  it('does not count a negated one-word signal', () => {
    expect(tagNarratives(compiled, 'это не вакансия').narratives).toEqual([]);
  });

  it('does not apply a negated one-word exclusion', () => {
    expect(scoreNarratives(compiled, 'вакансия, и это не слухи')[0]?.score).toBe(1);
    expect(tagNarratives(compiled, 'вакансия, но не завод').narratives).toEqual(['t']);
  });

  it('lower takes its weight off the score', () => {
    const [verdict] = scoreNarratives(compiled, 'вакансия, но это слухи');
    expect(verdict?.score).toBe(0.5);
    expect(verdict?.reason).toBe('below-threshold');
    expect(verdict?.exclusions).toEqual([{ group: 'doubt', term: 'слухи', matched: 'слухи' }]);
  });
});

describe('signal groups with a companion', () => {
  const compiled = compile(`  place:
    weight: 0.5
    terms: { ru: [казахстан*] }
  side:
    weight: 0.5
    with: [arms]
    terms: { ru: [украин*] }
  arms:
    weight: 0.5
    terms: { ru: [снаряд*] }`);

  it('counts a group only beside one of its companions', () => {
    expect(scoreNarratives(compiled, 'через Казахстан в Украину')[0]?.score).toBe(0.5);
    expect(scoreNarratives(compiled, 'снаряды через Казахстан в Украину')[0]?.score).toBe(1.5);
  });
});
