// `cw narratives eval`: the locked test split scored four ways — a plain keyword list, the rules, the
// trained classifier alone (head and stance stage) and the combined decision the pipeline makes — per
// narrative and per language, with the share of hard negatives tagged.

import { detectLanguage } from '../detect-language.ts';
import { compileNarratives } from '../narrative-compile.ts';
import { type NarrativeTags, tagNarratives } from '../narrative-match.ts';
import type { NarrativeDefinition } from '../narrative-schema.ts';
import { type CorpusItem, type Source, sourceOf } from './corpus.ts';
import { combineTags, type NarrativeClassifier } from './runtime.ts';

/**
 * The baseline anyone would write in minutes: a stem list per narrative, no context. Blame needs a
 * Kazakhstan stem and an accusation-topic stem.
 */
const KEYWORDS: Record<string, (text: string) => boolean> = {
  mercenary_recruitment: (t) =>
    /контракт|вербов|наёмн|наемн|легион|легіон|recruit|enlist|mercenar|legion|келісімшарт|жалдамалы|келишим|shartnoma|yollanma/i.test(
      t,
    ),
  kazakhstan_blame: (t) =>
    /казах|kazakh|қазақ|qazaq|qozog/i.test(t) &&
    /дрон|беспилот|санкц|предат|оруж|нато|биолаб|drone|sanction|weapon|nato|biolab|traitor|зброї|зрад|санкци|dron/i.test(
      t,
    ),
};

export type Method = 'keywords' | 'rules' | 'classifier' | 'combined';
export const METHODS: readonly Method[] = ['keywords', 'rules', 'classifier', 'combined'];

export interface Cell {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface CorpusEvaluation {
  items: number;
  narratives: string[];
  /** [narrative][method] */
  overall: Record<string, Record<Method, Cell>>;
  /** [narrative][lang][method] */
  byLanguage: Record<string, Record<string, Record<Method, Cell>>>;
  /** Hard negatives (no narrative) tagged with any narrative, per method. */
  hardNegatives: { total: number; tagged: Record<Method, number> };
  gate: Record<string, { found: number; positives: number }>;
  /** Share of all test passages the gate lets through. */
  gateShare: number;
  /** Per corpus kind: passages the gate lets through, and of them those the first stage sends to the encoder. */
  firstStage: Record<string, { gated: number; encoded: number }>;
  /**
   * Per narrative, of the passages the first stage kept from the encoder, those the decision would have
   * tagged had they been encoded: positives (recall the first stage costs) and the others (false tags
   * it spared). Only when evaluated with a classifier that runs without the first stage.
   */
  firstStageCost?: Record<string, { positivesLost: number; falseTagsSpared: number }>;
  /**
   * The pipeline's decision per source: web passages (news, op-eds, official pages) and Telegram
   * channel posts (whole posts as the channel wrote them), which read differently.
   */
  bySource: Record<Source, SourceEvaluation>;
}

export const SOURCES: readonly Source[] = ['web', 'telegram'];

export interface SourceEvaluation {
  items: number;
  /** [narrative] the combined decision */
  narratives: Record<string, Cell>;
  hardNegatives: { total: number; tagged: number };
  ordinary: { total: number; tagged: number };
}

const empty = (): Cell => ({ tp: 0, fp: 0, fn: 0, tn: 0 });
export const emptySource = (): SourceEvaluation => ({
  items: 0,
  narratives: {},
  hardNegatives: { total: 0, tagged: 0 },
  ordinary: { total: 0, tagged: 0 },
});
const cells = (): Record<Method, Cell> => ({
  keywords: empty(),
  rules: empty(),
  classifier: empty(),
  combined: empty(),
});

function add(cell: Cell, tagged: boolean, label: boolean) {
  if (tagged && label) cell.tp++;
  else if (tagged) cell.fp++;
  else if (label) cell.fn++;
  else cell.tn++;
}

export async function evaluateCorpus(
  items: readonly CorpusItem[],
  definitions: readonly NarrativeDefinition[],
  classifier: NarrativeClassifier | undefined,
  /** The same heads without the first stage (createClassifier's firstStage: false), to count its cost. */
  unscreened?: NarrativeClassifier,
): Promise<CorpusEvaluation> {
  const compiled = compileNarratives(definitions);
  const narratives = definitions.map((d) => d.id);
  // The rules once per item: the tables read them, and the classifier's first stage takes them.
  const ruleTagsOf = new Map(items.map((i) => [i, tagNarratives(compiled, i.text)]));
  const gated = items.map((i) => classifier?.gate.match(i.text) ?? []);
  const candidates = items.filter((_, i) => (gated[i] as string[]).length > 0);
  const results = classifier
    ? await classifier.classify(
        candidates.map((c) => c.text),
        candidates.map((c) => ruleTagsOf.get(c)?.narratives),
      )
    : [];
  const scoreOf = new Map(candidates.map((c, k) => [c, results[k]?.scores ?? {}]));
  const stanceOf = new Map(candidates.map((c, k) => [c, results[k]?.stance ?? {}]));
  const resultOf = new Map(candidates.map((c, k) => [c, results[k]]));
  const ev: CorpusEvaluation = {
    items: items.length,
    narratives,
    overall: {},
    byLanguage: {},
    hardNegatives: { total: 0, tagged: { keywords: 0, rules: 0, classifier: 0, combined: 0 } },
    gate: {},
    gateShare: items.length > 0 ? candidates.length / items.length : 0,
    firstStage: {},
    bySource: { web: emptySource(), telegram: emptySource() },
  };
  candidates.forEach((c, k) => {
    const kind = c.kind ?? (c.narratives.length > 0 ? 'positive' : 'hard_negative');
    ev.firstStage[kind] ??= { gated: 0, encoded: 0 };
    const stage = ev.firstStage[kind] as { gated: number; encoded: number };
    stage.gated++;
    if (results[k]?.encoded !== false) stage.encoded++;
  });
  // The passages the first stage kept from the encoder, classified again without it.
  const kept = candidates.filter((_, k) => results[k]?.encoded === false);
  const unscreenedResults = unscreened ? await unscreened.classify(kept.map((c) => c.text)) : [];
  const unscreenedOf = new Map(kept.map((c, k) => [c, unscreenedResults[k]]));
  const cost: NonNullable<CorpusEvaluation['firstStageCost']> = {};
  if (unscreened) ev.firstStageCost = cost;
  for (const id of narratives) {
    ev.overall[id] = cells();
    ev.byLanguage[id] = {};
    ev.gate[id] = { found: 0, positives: 0 };
    cost[id] = { positivesLost: 0, falseTagsSpared: 0 };
    for (const source of SOURCES) ev.bySource[source].narratives[id] = empty();
  }
  items.forEach((item, i) => {
    const ruleTags = ruleTagsOf.get(item) as NarrativeTags;
    const rules = new Set(ruleTags.narratives);
    const scores = scoreOf.get(item) ?? {};
    const stances = stanceOf.get(item) ?? {};
    // As the pipeline decides, in the language it would detect (not the label's).
    const lang = detectLanguage(item.text).lang;
    const combined = new Set(
      combineTags(ruleTags, resultOf.get(item), classifier, narratives, lang).narratives,
    );
    const unscreenedResult = unscreenedOf.get(item);
    if (unscreened && unscreenedResult)
      for (const id of combineTags(ruleTags, unscreenedResult, unscreened, narratives, lang).narratives) {
        if (combined.has(id)) continue;
        const c = cost[id] as { positivesLost: number; falseTagsSpared: number };
        if (item.narratives.includes(id)) c.positivesLost++;
        else c.falseTagsSpared++;
      }
    const taggedAny: Record<Method, boolean> = {
      keywords: false,
      rules: false,
      classifier: false,
      combined: false,
    };
    for (const id of narratives) {
      const head = classifier?.heads.find((h) => h.narrative === id);
      const score = scores[id];
      const stance = stances[id];
      const byHead =
        head !== undefined &&
        score !== undefined &&
        score >= head.threshold &&
        (stance === undefined || stance >= head.cut.stance);
      const verdict: Record<Method, boolean> = {
        keywords: KEYWORDS[id]?.(item.text) ?? false,
        rules: rules.has(id),
        classifier: byHead,
        combined: combined.has(id),
      };
      const label = item.narratives.includes(id);
      const langs = ev.byLanguage[id] as Record<string, Record<Method, Cell>>;
      langs[item.lang] ??= cells();
      const lang = langs[item.lang] as Record<Method, Cell>;
      for (const m of METHODS) {
        add((ev.overall[id] as Record<Method, Cell>)[m], verdict[m], label);
        add(lang[m], verdict[m], label);
        if (verdict[m]) taggedAny[m] = true;
      }
      if (label) {
        const g = ev.gate[id] as { found: number; positives: number };
        g.positives++;
        if ((gated[i] as string[]).includes(id)) g.found++;
      }
    }
    if (item.narratives.length === 0 && item.kind !== 'negative') {
      ev.hardNegatives.total++;
      for (const m of METHODS) if (taggedAny[m]) ev.hardNegatives.tagged[m]++;
    }
    const bySource = ev.bySource[sourceOf(item)];
    bySource.items++;
    for (const id of narratives)
      add(bySource.narratives[id] as Cell, combined.has(id), item.narratives.includes(id));
    if (item.narratives.length === 0) {
      const pool = item.kind === 'negative' ? bySource.ordinary : bySource.hardNegatives;
      pool.total++;
      if (combined.size > 0) pool.tagged++;
    }
  });
  return ev;
}

const f = (x: number) => x.toFixed(2);
function prf(c: Cell) {
  const p = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : Number.NaN;
  const r = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : Number.NaN;
  const f1 = p + r > 0 ? (2 * p * r) / (p + r) : 0;
  return { p, r, f1 };
}
const num = (x: number) => (Number.isNaN(x) ? '–' : f(x));

export function formatCorpusEvaluation(ev: CorpusEvaluation): string {
  const out: string[] = [];
  out.push(`test passages: ${ev.items}; hard negatives: ${ev.hardNegatives.total}`);
  out.push('');
  out.push('| narrative | method | precision | recall | F1 | tp | fp | fn |');
  out.push('|---|---|---|---|---|---|---|---|');
  for (const id of ev.narratives) {
    for (const m of METHODS) {
      const c = (ev.overall[id] as Record<Method, Cell>)[m];
      const { p, r, f1 } = prf(c);
      out.push(`| ${id} | ${m} | ${num(p)} | ${num(r)} | ${f(f1)} | ${c.tp} | ${c.fp} | ${c.fn} |`);
    }
  }
  out.push('');
  out.push('| hard negatives tagged | ' + METHODS.join(' | ') + ' |');
  out.push(`|---|${METHODS.map(() => '---').join('|')}|`);
  out.push(
    `| share (of ${ev.hardNegatives.total}) | ${METHODS.map((m) => `${f(ev.hardNegatives.tagged[m] / Math.max(1, ev.hardNegatives.total))} (${ev.hardNegatives.tagged[m]})`).join(' | ')} |`,
  );
  out.push('');
  out.push('Per language: recall on positives (found/positives), and false tags on the other passages.');
  out.push('');
  out.push(
    `| narrative | lang | positives | ${METHODS.map((m) => `${m} recall`).join(' | ')} | others | ${METHODS.map((m) => `${m} false`).join(' | ')} |`,
  );
  out.push(`|---|---|---|${METHODS.map(() => '---').join('|')}|---|${METHODS.map(() => '---').join('|')}|`);
  for (const id of ev.narratives) {
    const langs = ev.byLanguage[id] as Record<string, Record<Method, Cell>>;
    for (const lang of Object.keys(langs).sort()) {
      const row = langs[lang] as Record<Method, Cell>;
      const pos = row.rules.tp + row.rules.fn;
      const neg = row.rules.fp + row.rules.tn;
      out.push(
        `| ${id} | ${lang} | ${pos} | ${METHODS.map((m) => `${row[m].tp}`).join(' | ')} | ${neg} | ${METHODS.map((m) => `${row[m].fp}`).join(' | ')} |`,
      );
    }
  }
  out.push('');
  for (const id of ev.narratives) {
    const g = ev.gate[id] as { found: number; positives: number };
    out.push(`gate recall ${id}: ${g.found}/${g.positives} (${num(g.found / g.positives)})`);
  }
  out.push(`gate share of test passages (topic-selected, not a stream): ${f(ev.gateShare)}`);
  out.push('');
  out.push('As the pipeline decides, by source (web passages; whole Telegram channel posts):');
  out.push('');
  out.push(
    '| source | items | narrative | precision | recall | tp | fp | fn | hard negatives tagged | ordinary tagged |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const source of SOURCES) {
    const s = ev.bySource[source];
    if (s.items === 0) continue;
    for (const id of ev.narratives) {
      const c = s.narratives[id] as Cell;
      const { p, r } = prf(c);
      out.push(
        `| ${source} | ${s.items} | ${id} | ${num(p)} | ${num(r)} | ${c.tp} | ${c.fp} | ${c.fn} | ` +
          `${s.hardNegatives.tagged}/${s.hardNegatives.total} | ${s.ordinary.tagged}/${s.ordinary.total} |`,
      );
    }
  }
  out.push('');
  out.push(
    `reaching the encoder past the first stage (n-gram screens or a rule hit), of the gate-passing passages: ${Object.entries(
      ev.firstStage,
    )
      .map(([kind, s]) => `${kind} ${s.encoded}/${s.gated}`)
      .join(', ')}`,
  );
  for (const [id, cost] of Object.entries(ev.firstStageCost ?? {}))
    out.push(
      `first stage cost ${id}: of the passages it kept from the encoder, the decision would have tagged ` +
        `${cost.positivesLost} positives (recall lost) and ${cost.falseTagsSpared} others (false tags spared)`,
    );
  return `${out.join('\n')}\n`;
}
