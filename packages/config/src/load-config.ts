import type { z } from 'zod';

/** A bad environment: the message names every wrong variable and what it expects, on one line each. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration:\n  ${problems.join('\n  ')}`,
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parse the environment once, at start-up, with a service's schema. Empty strings count as unset so
 * that `FOO= pnpm cw …` falls back to the default instead of failing obscurely.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const got = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
    const shown = got === undefined ? 'it is not set' : `got '${redactIfSecret(name, got)}'`;
    return `${name}: ${issue.message}; ${shown}`;
  });
  throw new ConfigError(problems);
}

const SECRET_NAME = /SECRET|SESSION|HASH|KEY|TOKEN|PASSWORD|WEBHOOK/;
function redactIfSecret(name: string, value: string): string {
  return SECRET_NAME.test(name) ? '[redacted]' : value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
