// Post text is untrusted. It is only ever rendered as text nodes (Preact strings); highlights are
// <mark> elements around slices of it; characters that are invisible or reorder text (bidi
// controls, zero-width characters) are shown as visible, inert code labels, so a post cannot
// hide words or flip the page's own text around it.

import type { Evidence } from './api.ts';

const HIDDEN = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD\u061C]/g;

export type Segment = { text: string; mark?: string; hidden?: boolean };

/** Ranges of `terms` in `text`, case-insensitive, earliest and longest first, not overlapping. */
export function findTerms(
  text: string,
  terms: { term: string; label: string }[],
): { start: number; end: number; label: string }[] {
  const lower = text.toLowerCase();
  const found: { start: number; end: number; label: string }[] = [];
  for (const { term, label } of terms) {
    const t = term.toLowerCase().trim();
    if (t.length < 2) continue;
    for (let i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + t.length)) {
      found.push({ start: i, end: i + t.length, label });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: typeof found = [];
  for (const r of found) if (!out.length || r.start >= (out[out.length - 1]?.end ?? 0)) out.push(r);
  return out;
}

export function segments(text: string, evidence: Evidence[]): Segment[] {
  const terms = evidence.flatMap((e) =>
    e.signals.flatMap((s) =>
      [s.matched, s.term.replace(/[*~"]/g, '')].map((term) => ({ term, label: e.narrative })),
    ),
  );
  const ranges = findTerms(text, terms);
  const out: Segment[] = [];
  let at = 0;
  const plain = (s: string) => {
    let last = 0;
    for (const m of s.matchAll(HIDDEN)) {
      if (m.index > last) out.push({ text: s.slice(last, m.index) });
      out.push({
        text: `U+${(m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
        hidden: true,
      });
      last = m.index + m[0].length;
    }
    if (last < s.length) out.push({ text: s.slice(last) });
  };
  for (const r of ranges) {
    plain(text.slice(at, r.start));
    out.push({ text: text.slice(r.start, r.end).replace(HIDDEN, ''), mark: r.label });
    at = r.end;
  }
  plain(text.slice(at));
  return out;
}

export function PostText({ text, evidence }: { text: string; evidence: Evidence[] }) {
  return (
    <p class="post-text" dir="auto">
      {segments(text, evidence).map((s, i) =>
        s.mark ? (
          <mark key={i} title={`evidence for ${s.mark}`}>
            {s.text}
          </mark>
        ) : s.hidden ? (
          <span key={i} class="hidden-char" title="invisible or direction-changing character in the post">
            {s.text}
          </span>
        ) : (
          s.text
        ),
      )}
    </p>
  );
}

/** A t.me address, or nothing: only https links to Telegram's own site are ever made clickable. */
export function telegramUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname === 't.me' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Any string, made safe for labels: hidden characters shown as codes. */
export function visible(s: string): string {
  return s.replace(
    HIDDEN,
    (c) => `[U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`,
  );
}
