import type { CollectedPostInput } from '@cw/domain';

/**
 * The posts published lately, bounded (oldest forgotten first). Lets a history pass skip what live
 * updates already sent, and turns a deletion update (ids only) into the post with deletedAt set.
 */
export class RecentPosts {
  private readonly posts = new Map<string, CollectedPostInput>();
  constructor(private readonly max = 50_000) {}

  private static key(channelId: string, messageId: number): string {
    return `${channelId}_${messageId}`;
  }

  remember(post: CollectedPostInput): void {
    const key = RecentPosts.key(post.channel.id, post.messageId);
    this.posts.delete(key);
    this.posts.set(key, post);
    if (this.posts.size > this.max) {
      const oldest = this.posts.keys().next().value;
      if (oldest !== undefined) this.posts.delete(oldest);
    }
  }

  get(channelId: string, messageId: number): CollectedPostInput | undefined {
    return this.posts.get(RecentPosts.key(channelId, messageId));
  }

  /** True when the same version of the post was already published. */
  isKnown(post: CollectedPostInput): boolean {
    const known = this.get(post.channel.id, post.messageId);
    return known !== undefined && known.editedAt === post.editedAt;
  }
}
