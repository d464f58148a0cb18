import { esAuth, serverUrls } from '@cw/config';
import { createEsClient, createSnapshot, ensureRepository, listSnapshots, restoreSnapshot } from '@cw/es';
import { type CliConfig, cliConfig } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = `usage: pnpm -s cw snapshot create [name] | restore <name> | list
  create   snapshot every index of CW_INDEX_PREFIX (posts, versions, rejects, alerts, deliveries)
  restore  restore them, with the read aliases, into this cluster (indices that exist are not overwritten)
  repository: CW_SNAPSHOT_REPOSITORY (default <prefix>-backups), a shared filesystem folder
  CW_SNAPSHOT_LOCATION (default: the repository name) under every node's path.repo
`;

/** Repository name and location from the config; the local stack's nodes all have path.repo set. */
export function snapshotRepository(config: CliConfig) {
  const name = config.CW_SNAPSHOT_REPOSITORY ?? `${config.CW_INDEX_PREFIX}-backups`;
  return { name, location: config.CW_SNAPSHOT_LOCATION ?? name };
}

const defaultName = (prefix: string, now: Date) =>
  `${prefix}-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-').toLowerCase()}`;

export async function run(args: string[], io: CommandIo): Promise<number> {
  // Strict: `cw snapshot create --force` used to create a snapshot named "--force".
  const parsed = parseCommand('snapshot', USAGE, args, { allowPositionals: true, options: {} }, io);
  if (typeof parsed === 'number') return parsed;
  const [action, name, ...extra] = parsed.positionals;
  if (
    !action ||
    !['create', 'restore', 'list'].includes(action) ||
    (action === 'restore' && !name) ||
    (action === 'list' && name) ||
    extra.length > 0
  ) {
    io.stderr.write(USAGE);
    return 2;
  }
  const config = cliConfig();
  const es = createEsClient(serverUrls(config).esUrl, { ...esAuth(config), requestTimeoutMs: 600_000 });
  const repo = snapshotRepository(config);
  const prefix = config.CW_INDEX_PREFIX;
  const say = (line: string) => io.stdout.write(`${line}\n`);
  try {
    if (action === 'create') {
      await ensureRepository(es, repo);
      const started = Date.now();
      const result = await createSnapshot(es, {
        repository: repo.name,
        prefix,
        name: name ?? defaultName(prefix, new Date()),
      });
      say(
        `snapshot ${result.name} in ${repo.name}: ${result.indices.length} indices, ${result.shards?.successful ?? '?'} shards, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      return 0;
    }
    // A cluster that only reads the repository (a fresh one restoring) registers it read-only.
    const known = await es.snapshot
      .getRepository({ name: repo.name })
      .then(() => true)
      .catch(() => false);
    if (!known) await ensureRepository(es, { ...repo, readonly: true });
    if (action === 'list') {
      for (const s of await listSnapshots(es, repo.name))
        say(`${s.name.padEnd(36)} ${s.state.padEnd(8)} ${s.startedAt ?? ''}  ${s.indices.length} indices`);
      return 0;
    }
    const started = Date.now();
    const result = await restoreSnapshot(es, { repository: repo.name, prefix, name: name ?? '' });
    say(
      `restored ${result.name}: ${result.indices.length} indices (${result.indices.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    await es.close();
  }
}
