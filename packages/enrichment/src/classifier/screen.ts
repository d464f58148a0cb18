// The first stage of the cascade (the screen): per narrative, a logistic regression over the hashed
// character n-grams alone, which the classifier computes for every candidate anyway (microseconds, no
// encoder). Of the posts the gate lets through, only those the screen scores at or above its cut, or
// that a rule tags, go on to the encoder (4–5 ms of CPU each); the others get the rules' verdict, which
// for them is "no tag". Most gate-passing posts on a real stream (exchange rates, forums, parades, army
// sport) are nowhere near either narrative; the cut is chosen so that the screen keeps nearly every
// positive the full decision (head and stance stage) would tag. Its false tags it may drop: they were
// what held the cut down when it had to keep every tag (the lowest-scored tags are hard negatives),
// and the cut then swung with each retrain.
import { NO_EMBEDDING, stanceView } from './stance.ts';
import { type FitOptions, type Fitted, fitLogistic, groupFolds, type Sample, scoreFitted } from './train.ts';

/** The n-gram stance variant's settings: the same features, fitted on every gate-passing passage. */
export const SCREEN_OPTIONS: FitOptions = { l2: 1e-3, ngramWeight: 1 };

/** Share of the positives the full decision tags (out of fold) that the screen must keep. */
export const MIN_SCREEN_KEEP = 0.99;

/** Fitted on the passages the narrative's gate lets through: the only ones it will ever see. */
export function fitScreen(samples: readonly Sample[]): Fitted {
  return fitLogistic(
    samples.filter((s) => s.gated).map((s) => stanceView(s, 'char')),
    SCREEN_OPTIONS,
  );
}

export function scoreScreen(fitted: Fitted, ngrams: Sample['ngrams']): number {
  return scoreFitted(fitted, { embedding: NO_EMBEDDING, ngrams }, SCREEN_OPTIONS.ngramWeight);
}

/** Out-of-fold screen scores, on the same site-grouped folds as the head and the stance stage. */
export function outOfFoldScreen(samples: readonly Sample[], folds: number): number[] {
  const foldOf = groupFolds(samples, folds);
  const scores = new Array<number>(samples.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const train = samples.filter((s, i) => foldOf[i] !== f && s.gated);
    if (!train.some((s) => s.label) || !train.some((s) => !s.label)) continue;
    const fitted = fitScreen(train);
    samples.forEach((s, i) => {
      if (foldOf[i] === f) scores[i] = scoreScreen(fitted, s.ngrams);
    });
  }
  return scores;
}

/** What the chosen cut does on the out-of-fold scores (see `chooseScreenCut`). */
export interface ScreenCv {
  /** Passages the full decision tags (rules, head and stance stage, out of fold). */
  tagged: number;
  /** Of those, tagged by the head alone (no rule hit): the only ones the screen can lose. */
  headOnly: number;
  /** Tagged passages the screen would send past the encoder, so untagged. */
  lost: number;
  /** Of the lost, true positives. */
  positivesLost: number;
  /** Passages the gate lets through, and of them those that reach the encoder (screen or rule hit). */
  gated: number;
  passed: number;
  /** The same for the hard negatives. */
  hardNegativesGated: number;
  hardNegativesPassed: number;
}

/** Whether a gate-passing passage goes to the encoder: a rule hit always does (see runtime.ts). */
export const reachesEncoder = (s: Sample, screen: number, cut: number) =>
  s.gated && (s.rules || screen >= cut);

const CUTS = Array.from({ length: 999 }, (_, k) => (k + 1) / 1000);

/**
 * The highest cut that keeps at least MIN_SCREEN_KEEP of the positives the full decision tags, judged
 * on out-of-fold screen scores against the out-of-fold decision (`tagged`). A rule hit is never lost.
 */
export function chooseScreenCut(
  samples: readonly Sample[],
  screen: readonly number[],
  tagged: readonly boolean[],
  minKeep = MIN_SCREEN_KEEP,
): { threshold: number; cv: ScreenCv } {
  const total = tagged.filter(Boolean).length;
  const correct = samples.filter((s, i) => tagged[i] && s.label).length;
  const allowed = Math.floor((1 - minKeep) * correct + 1e-9);
  const lostAt = (cut: number) =>
    samples.filter((s, i) => tagged[i] && s.label && s.gated && !reachesEncoder(s, screen[i] as number, cut))
      .length;
  let threshold = 0;
  for (const cut of CUTS) {
    if (lostAt(cut) > allowed) break;
    threshold = cut;
  }
  const cv: ScreenCv = {
    tagged: total,
    headOnly: 0,
    lost: 0,
    positivesLost: 0,
    gated: 0,
    passed: 0,
    hardNegativesGated: 0,
    hardNegativesPassed: 0,
  };
  samples.forEach((s, i) => {
    const passes = reachesEncoder(s, screen[i] as number, threshold);
    if (tagged[i] && s.gated && !s.rules) cv.headOnly++;
    if (tagged[i] && s.gated && !passes) {
      cv.lost++;
      if (s.label) cv.positivesLost++;
    }
    if (!s.gated) return;
    cv.gated++;
    if (passes) cv.passed++;
    if (s.hardNegative) {
      cv.hardNegativesGated++;
      if (passes) cv.hardNegativesPassed++;
    }
  });
  return { threshold, cv };
}
