import { ensureEncoder } from '@cw/encoder';
import { classifierReadiness, DEFAULT_NARRATIVES_DIR } from '@cw/enrichment';
import { type ServerState, stackDown, stackStatus, stackUp } from '@cw/stack';
import { cliConfig, stackOptions } from '../config.ts';
import type { CommandIo } from '../main.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = `usage: pnpm -s cw stack up [--es-nodes N] | down | status
  --es-nodes N   a local Elasticsearch cluster of N nodes on CW_ES_PORT… (transport +100), one data
                 folder each (default CW_ES_NODES, 1: single-node)
`;

/** \`--es-nodes N\` wins over CW_ES_NODES; undefined when absent, NaN when malformed. */
function esNodesFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 9 ? n : Number.NaN;
}

/** Whether the services will tag with the classifier or the rules alone, and why. */
function classifierStatus(cacheDir: string | undefined, narrativesDir: string): string {
  const label = 'classifier'.padEnd(13);
  const readiness = classifierReadiness({ narrativesDir, ...(cacheDir ? { cacheDir } : {}) });
  if (!readiness.ready) return `${label} off: ${readiness.reason}`;
  return `${label} on: ${readiness.version}, heads ${readiness.heads.map((h) => `${h.narrative} (threshold ${h.threshold})`).join(', ')}`;
}

/**
 * One line per node: what the cluster reports (name, address, roles, elected master, heap), and for a
 * local cluster each recorded node whether its process runs and whether it has joined.
 */
function nodeLines(s: ServerState): string[] {
  const lines: string[] = [];
  const reported = new Map((s.nodes ?? []).map((n) => [n.httpAddress, n]));
  const pad = ''.padEnd(13);
  if (s.pids && s.pids.length > 1) {
    const base = Number(new URL(s.url).port) - s.pids.findIndex((p) => p !== 0);
    s.pids.forEach((pid, i) => {
      const address = `127.0.0.1:${base + i}`;
      const node = reported.get(address);
      reported.delete(address);
      const process = pid ? `pid ${pid}` : 'not running';
      lines.push(
        node
          ? `${pad} node ${node.name.padEnd(10)} ${address.padEnd(16)} ${node.roles.padEnd(12)} heap ${node.heapPercent}%${node.master ? '  elected master' : ''}  ${process}`
          : `${pad} node ${''.padEnd(10)} ${address.padEnd(16)} not in the cluster  ${process}`,
      );
    });
  }
  for (const node of reported.values()) {
    lines.push(
      `${pad} node ${node.name.padEnd(10)} ${node.httpAddress.padEnd(16)} ${node.roles.padEnd(12)} heap ${node.heapPercent}%${node.master ? '  elected master' : ''}`,
    );
  }
  return lines;
}

export async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommand(
    'stack',
    USAGE,
    args,
    {
      allowPositionals: true,
      options: { 'es-nodes': { type: 'string' } },
    },
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const [action, ...extra] = parsed.positionals;
  if (extra.length > 0) {
    io.stderr.write(`cw stack: unexpected argument '${extra[0]}'\n${USAGE}`);
    return 2;
  }
  const config = cliConfig();
  const nodesFlag = esNodesFlag(parsed.values['es-nodes']);
  if (Number.isNaN(nodesFlag)) {
    io.stderr.write(`--es-nodes: expected a number of nodes from 1 to 9\n${USAGE}`);
    return 2;
  }
  const options = { ...stackOptions(config), ...(nodesFlag ? { esNodes: nodesFlag } : {}) };
  const say = (line: string) => io.stdout.write(`${line}\n`);
  switch (action) {
    case 'up': {
      const started = Date.now();
      const servers = await stackUp(options, say);
      for (const s of servers) {
        const what =
          s.origin === 'started'
            ? `started (pid ${s.pid})`
            : s.origin === 'running'
              ? `already running (pid ${s.pid}), nothing to do`
              : 'external, not managed here';
        say(`${s.name.padEnd(13)} ${s.version.padEnd(8)} ${s.url.padEnd(24)} ${s.health}  ${what}`);
        if (s.pids && s.pids.length > 1) say(`${''.padEnd(13)} node pids ${s.pids.join(', ')}`);
      }
      // The narrative encoder is fetched and converted once, like Elasticsearch.
      const dir = await ensureEncoder({ cacheDir: config.CW_CACHE_DIR, report: say });
      say(`${'encoder'.padEnd(13)} ${dir}`);
      if (servers.some((s) => s.origin === 'started'))
        say(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'down':
      await stackDown(options, say);
      return 0;
    case 'status': {
      const servers = await stackStatus(options);
      for (const s of servers) {
        if (s.origin === 'down') say(`${s.name.padEnd(13)} down     ${s.url}`);
        else {
          const pid = 'pid' in s && s.pid ? `pid ${s.pid}` : s.origin;
          say(`${s.name.padEnd(13)} ${s.version.padEnd(8)} ${s.url.padEnd(24)} ${s.health}  ${pid}`);
          for (const line of nodeLines(s)) say(line);
        }
      }
      say(classifierStatus(config.CW_CACHE_DIR, config.CW_NARRATIVES_DIR ?? DEFAULT_NARRATIVES_DIR));
      return servers.every((s) => s.origin !== 'down') ? 0 : 1;
    }
    default:
      io.stderr.write(USAGE);
      return 2;
  }
}
