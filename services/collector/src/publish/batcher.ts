import { MAX_BATCH, type QueueItem } from './publisher.ts';

/**
 * Micro-batches live updates: flushes when 500 posts are waiting or `maxWaitMs` after the first
 * one arrived. Flushes run one after another; `stop()` flushes what is left and waits for it.
 */
export class Batcher {
  private buffer: QueueItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly flushTo: (posts: QueueItem[]) => Promise<void>,
    private readonly options: { maxSize?: number; maxWaitMs?: number; onError?: (err: unknown) => void } = {},
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  add(post: QueueItem): void {
    if (this.stopped) throw new Error('batcher is stopped');
    this.buffer.push(post);
    if (this.buffer.length >= (this.options.maxSize ?? MAX_BATCH)) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.options.maxWaitMs ?? 1_000);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const posts = this.buffer;
    this.buffer = [];
    if (posts.length > 0) {
      this.chain = this.chain.then(() => this.flushTo(posts)).catch((err) => this.options.onError?.(err));
    }
    return this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }
}
