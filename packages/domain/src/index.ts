export * from './post.ts';
export * from './time-zone.ts';
