export { type AppDeps, buildApp } from './app.ts';
export { authenticate, hashApiKey, parseApiKeys } from './auth.ts';
export { apiConfig, apiSchema } from './config.ts';
export { main } from './main.ts';
export { prepareSearchText } from './search-text.ts';
export { fixedOffset, ZoneWindow } from './time-zone.ts';
