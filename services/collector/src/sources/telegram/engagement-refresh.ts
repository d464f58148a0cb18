import type { CollectedPostInput, PostPatchInput } from '@cw/domain';
import type { Logger } from '@cw/logging';
import type { Redis } from 'ioredis';
import type { Clock } from '../../clock.ts';
import type { Publisher } from '../../publish/publisher.ts';
import type { Api, TelegramAccount } from './adapter.ts';
import type { AccountGate } from './flood-gate.ts';
import { reactionsSummary } from './mapping.ts';

// Engagement keeps counting after a post is collected: views, forwards and replies are re-read on
// a schedule after posting (default hourly for a day, then daily for a week) with
// `messages.getMessagesViews` (and reactions with `messages.getMessagesReactions`), up to 100 posts
// of a channel per request, and sent as metrics
// patches: the post is updated in place (no new text version) and its engagement history grows.
// Due refreshes live in one Redis sorted set (score: when due), so they survive restarts.

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "1h*24,1d*7" → offsets after posting: 1h, 2h, … 24h, then 2d, 3d, … 8d. "off" → none. */
export function parseRefreshSchedule(spec: string): number[] | string {
  if (spec.trim() === 'off') return [];
  const offsets: number[] = [];
  let at = 0;
  for (const part of spec.split(',').map((p) => p.trim())) {
    const m = /^(\d+)([mhd])(?:\*(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not <n><m|h|d>[*<times>], e.g. 1h*24,1d*7`;
    const step = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    const times = Number(m[3] ?? 1);
    if (step <= 0 || times <= 0 || times > 1000)
      return `"${part}": step and times must be positive (times ≤ 1000)`;
    for (let i = 0; i < times; i += 1) {
      at += step;
      offsets.push(at);
    }
  }
  return offsets;
}

/** The next refresh of a post posted at `postedAt` after `now`, or undefined when its schedule is over. */
export function nextRefreshAt(postedAt: number, now: number, offsets: readonly number[]): number | undefined {
  for (const offset of offsets) if (postedAt + offset > now) return postedAt + offset;
  return undefined;
}

type Member = { channelId: string; username?: string; messageId: number; postedAt: number };

const encode = (m: Member) => `${m.channelId}|${m.messageId}|${m.postedAt}|${m.username ?? ''}`;
function decode(raw: string): Member | undefined {
  const [channelId, messageId, postedAt, username] = raw.split('|');
  if (!channelId || !messageId || !postedAt) return undefined;
  return {
    channelId,
    messageId: Number(messageId),
    postedAt: Number(postedAt),
    ...(username ? { username } : {}),
  };
}

export class EngagementRefresh {
  readonly key: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly offsets: readonly number[],
  ) {
    this.key = `${prefix}:collector:refresh`;
  }

  /** Puts new posts on the schedule (edits and deletions keep the schedule they have). */
  async schedule(posts: readonly CollectedPostInput[], now: number): Promise<number> {
    if (this.offsets.length === 0) return 0;
    const args: (string | number)[] = [];
    for (const post of posts) {
      if (post.deletedAt) continue;
      const postedAt = Date.parse(post.postedAt);
      const due = nextRefreshAt(postedAt, now, this.offsets);
      if (due === undefined) continue;
      const member = {
        channelId: post.channel.id,
        messageId: post.messageId,
        postedAt,
        ...(post.channel.username ? { username: post.channel.username } : {}),
      };
      args.push(due, encode(member));
    }
    if (args.length === 0) return 0;
    // NX: a post already on the schedule keeps its place.
    return Number(await this.redis.zadd(this.key, 'NX', ...args));
  }

  async pending(): Promise<number> {
    return this.redis.zcard(this.key);
  }

  /**
   * Re-reads the figures of the posts due now (at most `limit`), per channel in requests of ≤ 100,
   * publishes them as metrics patches and moves each post to its next refresh (or off the schedule).
   */
  async refreshDue(
    deps: {
      accountFor: (
        channelId: string,
      ) => { account: TelegramAccount; gate: AccountGate; accessHash: string } | undefined;
      publisher: Publisher;
      clock: Clock;
      log: Logger;
    },
    limit = 1000,
  ): Promise<{ refreshed: number; skipped: number }> {
    const now = deps.clock.now();
    const raw = await this.redis.zrangebyscore(this.key, '-inf', now, 'LIMIT', 0, limit);
    const byChannel = new Map<string, { raw: string; member: Member }[]>();
    for (const r of raw) {
      const member = decode(r);
      if (!member) {
        await this.redis.zrem(this.key, r);
        continue;
      }
      const list = byChannel.get(member.channelId) ?? [];
      list.push({ raw: r, member });
      byChannel.set(member.channelId, list);
    }
    let refreshed = 0;
    let skipped = 0;
    for (const [channelId, items] of byChannel) {
      const owner = deps.accountFor(channelId);
      for (let i = 0; i < items.length; i += 100) {
        const chunk = items.slice(i, i + 100);
        if (owner) {
          const ref = { id: channelId, accessHash: owner.accessHash };
          const ids = chunk.map((c) => c.member.messageId);
          const figures = await owner.gate.call(() => owner.account.messageViews(ref, ids), 'views');
          // Reactions come from another method; a failure there keeps the views refresh.
          const reactions = await owner.gate
            .call(() => owner.account.messageReactions(ref, ids), 'views')
            .catch((err: unknown) => {
              deps.log.warn({ err, channelId }, 'reactions could not be re-read; views refreshed alone');
              return new Map<number, Api.MessageReactions>();
            });
          const collectedAt = new Date(deps.clock.now()).toISOString();
          const patches: PostPatchInput[] = [];
          for (const { member } of chunk) {
            const counted = reactions.get(member.messageId);
            const metrics: Extract<PostPatchInput, { kind: 'metrics' }>['metrics'] = {
              ...(figures.get(member.messageId) ?? {}),
              ...(counted ? { reactions: reactionsSummary(counted) } : {}),
            };
            if (Object.keys(metrics).length === 0) continue;
            patches.push({
              kind: 'metrics',
              channel: { id: channelId, ...(member.username ? { username: member.username } : {}) },
              messageId: member.messageId,
              postedAt: new Date(member.postedAt).toISOString(),
              metrics,
              collectedAt,
              source: 'telegram',
            });
          }
          if (patches.length > 0) await deps.publisher.publish('telegram', patches, { moveCursor: false });
          refreshed += patches.length;
        } else skipped += chunk.length;
        // Next step, or off the schedule (a channel no account holds any more is dropped too).
        const multi = this.redis.multi();
        for (const { raw: r, member } of chunk) {
          const next = owner ? nextRefreshAt(member.postedAt, now, this.offsets) : undefined;
          if (next === undefined) multi.zrem(this.key, r);
          else multi.zadd(this.key, next, r);
        }
        await multi.exec();
      }
    }
    if (refreshed > 0) deps.log.debug({ refreshed, skipped }, 'engagement refreshed');
    return { refreshed, skipped };
  }
}
