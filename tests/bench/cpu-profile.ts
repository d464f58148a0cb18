// Where a process's CPU went, from the .cpuprofile that `node --cpu-prof` writes on exit: self time
// per function (and per package), the figure that says which code to look at first.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const where = (url: string) => {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return 'node';
  const own = /\/(packages|services)\/([^/]+)\//.exec(url);
  return own ? `${own[1]}/${own[2]}` : url ? 'other' : '(native, gc, idle)';
};

/** The top `limit` functions and packages by self time, as text lines. */
export function summariseCpuProfile(file: string, limit = 12): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = (profile.endTime - profile.startTime) / 1000;
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') {
      fns.set(name, (fns.get(name) ?? 0) + us / 1000);
      continue;
    }
    const key = `${name} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us / 1000);
    pkgs.set(where(url), (pkgs.get(where(url)) ?? 0) + us / 1000);
  }
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(
        ([k, ms]) =>
          `    ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`,
      );
  return [
    `  over ${total.toFixed(0)} ms of wall time, self time by package:`,
    ...top(pkgs),
    '  by function:',
    ...top(fns),
  ];
}

/** The largest .cpuprofile in a folder: the main thread's (tsx's loader thread writes a small one too). */
export function mainProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  return files[0];
}
