export { ConfigError, loadConfig } from './load-config.ts';
export * from './fragments.ts';
