// Reads narrative definitions from a folder of YAML files. Every problem of every file is collected
// and thrown at once, each line naming the file, the field path and the problem.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  checkDefinition,
  type DefinitionIssue,
  type NarrativeDefinition,
  narrativeDefinitionSchema,
} from './narrative-schema.ts';

export interface FileIssue extends DefinitionIssue {
  file: string;
}

export class NarrativeDefinitionError extends Error {
  readonly issues: FileIssue[];

  constructor(issues: FileIssue[]) {
    const lines = issues.map((issue) => `${issue.file}: ${issue.path || '(root)'}: ${issue.message}`);
    super(`invalid narrative definition${issues.length > 1 ? 's' : ''}:\n  ${lines.join('\n  ')}`);
    this.name = 'NarrativeDefinitionError';
    this.issues = issues;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Parses and checks one definition's text; `file` is used in messages only. */
export function parseNarrativeDefinition(
  text: string,
  file: string,
): { definition?: NarrativeDefinition; issues: FileIssue[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return { issues: [{ file, path: '(yaml)', message: err instanceof Error ? err.message : String(err) }] };
  }
  const parsed = narrativeDefinitionSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((issue) => ({
        file,
        path: formatPath(issue.path),
        message: issue.message,
      })),
    };
  }
  const definition: NarrativeDefinition = { ...parsed.data, source: file };
  const issues = checkDefinition(definition).map((issue) => ({ file, ...issue }));
  return issues.length > 0 ? { issues } : { definition, issues };
}

/** Loads every *.yaml / *.yml definition in `dir` (not recursive), sorted by file name. */
export function loadNarrativeDefinitions(dir: string): NarrativeDefinition[] {
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort();
  const definitions: NarrativeDefinition[] = [];
  const issues: FileIssue[] = [];
  const seen = new Map<string, string>();
  for (const name of files) {
    const file = join(dir, name);
    const result = parseNarrativeDefinition(readFileSync(file, 'utf8'), file);
    issues.push(...result.issues);
    const def = result.definition;
    if (!def) continue;
    const other = seen.get(def.id);
    if (other) issues.push({ file, path: 'id', message: `'${def.id}' is already defined in ${other}` });
    else seen.set(def.id, file);
    definitions.push(def);
  }
  if (issues.length > 0) throw new NarrativeDefinitionError(issues);
  return definitions;
}
