export { createLogger, REDACTED_PATHS, type Logger } from './create-logger.ts';
