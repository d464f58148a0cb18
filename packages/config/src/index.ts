export * from './fragments.ts';
export { ConfigError, loadConfig } from './load-config.ts';
