export { createLogger, type Logger, REDACTED_PATHS } from './create-logger.ts';
