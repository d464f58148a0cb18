import type { CollectedPostInput } from '@cw/domain';
import {
  compileNarratives,
  DEFAULT_NARRATIVES_DIR,
  loadCorpus,
  loadNarrativeDefinitions,
  type NarrativeClassifier,
} from '@cw/enrichment';
import { type Client, installIndices } from '@cw/es';
import { processBatch } from '@cw/pipeline';
import { generateSampleChannels } from '@cw/sample-channels';
import { evaluateSpikes, schedulerConfig, spikeSettings } from '@cw/scheduler';

// Data for the workbench's browser test and bench: the demo's sample channels (edits, deletions,
// forwards, the campaign and the spike) through the pipeline's own batch step (rules tagger), the
// spike evaluation that raises the alert, and posts built to attack the page.

export const XSS_CHANNEL = {
  id: '-1009990001',
  username: 'xss_probe',
  title: 'Probe <img src=x onerror="window.__xss=\'title\'">',
};

export const XSS_TEXTS = [
  '<script>window.__xss="script"</script> Вербовка: контракт с министерством обороны, выплаты 300 тысяч рублей',
  '<img src=x onerror="window.__xss=\'img\'"> смотрите фото <svg onload="window.__xss=\'svg\'">',
  '[нажмите сюда](javascript:window.__xss="md") javascript:window.__xss="bare" <a href="javascript:window.__xss=\'a\'">link</a>',
  'Начало \u202Eтекст задом наперёд\u202C и ноль\u200Bширины \u2066изолят\u2069 конец',
];

export function xssPosts(end: Date): CollectedPostInput[] {
  return XSS_TEXTS.map((text, i) => ({
    channel: XSS_CHANNEL,
    messageId: i + 1,
    postedAt: new Date(end.getTime() - (3 + i) * 3600_000).toISOString(),
    collectedAt: end.toISOString(),
    text,
    media: [],
    metrics: { views: 100 + i, forwards: i },
    source: 'replay',
    ...(i === 1 ? { forward: { fromName: '<b onmouseover="window.__xss=\'fwd\'">Source</b>' } } : {}),
  }));
}

export const EVIDENCE_CHANNEL = { id: '-1009990002', username: 'evidence_probe', title: 'Evidence probe' };
/**
 * Real passages of the corpus's train split that the trained classifier tags and no rule does, one
 * per narrative (the biolabs in Alma-Ata, see screen.test.ts; the Leningrad region's contract
 * payment), so the page has a head tag with its score, stance and nearest passages to show whichever
 * narrative's head keeps a stance stage after a retrain.
 */
export const EVIDENCE_URLS = [
  'https://news-front.su/?p=782178',
  'https://www.zaks.ru/new/archive/view/265521',
];

function evidencePosts(end: Date): CollectedPostInput[] {
  const train = loadCorpus().train;
  return EVIDENCE_URLS.map((url, i) => {
    const item = train.find((t) => t.url === url);
    if (!item) throw new Error(`${url} is not in the corpus's train split`);
    return {
      channel: EVIDENCE_CHANNEL,
      messageId: i + 1,
      postedAt: new Date(end.getTime() - (2 + i) * 3600_000).toISOString(),
      collectedAt: end.toISOString(),
      text: item.text,
      media: [],
      metrics: { views: 50, forwards: 0 },
      source: 'replay',
    };
  });
}

export type WorkbenchData = { end: Date; posts: number; alerts: number };

export async function loadWorkbenchData(
  es: Client,
  prefix: string,
  options: {
    days?: number;
    channels?: number;
    end?: Date;
    /** With the trained classifier, the evidence probe's posts are tagged as the pipeline tags them. */
    classifier?: NarrativeClassifier;
  } = {},
): Promise<WorkbenchData> {
  const end = new Date(Math.floor((options.end ?? new Date()).getTime() / 3600_000) * 3600_000);
  await installIndices(es, prefix);
  const { events } = generateSampleChannels({
    seed: 42,
    end,
    days: options.days ?? 10,
    channels: options.channels ?? 20,
  });
  const enrich = { narratives: compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR)) };
  const all: unknown[] = [...events, ...xssPosts(end)];
  // In order and in the pipeline's batch size: an edit comes after the post it edits.
  for (let i = 0; i < all.length; i += 500) {
    await processBatch(all.slice(i, i + 500), { es, prefix, enrich, source: 'test' });
  }
  if (options.classifier)
    await processBatch(evidencePosts(end), {
      es,
      prefix,
      enrich: { ...enrich, classifier: options.classifier },
      source: 'test',
    });
  await es.indices.refresh({ index: `${prefix}-*` });
  const { count: posts } = await es.count({ index: `${prefix}-posts` });
  const evaluation = await evaluateSpikes({
    es,
    prefix,
    now: end,
    settings: spikeSettings(schedulerConfig({})),
  });
  await es.indices.refresh({ index: `${prefix}-*` });
  return { end, posts, alerts: evaluation.opened.length };
}
