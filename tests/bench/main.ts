// `pnpm bench [name …]`: runs the benchmarks and prints their figures. Each bench is a module in
// this folder exporting `run()`; those that need servers bring the local stack up themselves.
const BENCHES = ['enrichment', 'pipeline', 'spikes', 'api', 'writer', 'workbench', 'faults'] as const;

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !(BENCHES as readonly string[]).includes(a));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench: ${unknown.join(', ')}; choose from ${BENCHES.join(', ')}\n`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : BENCHES) {
  process.stdout.write(`\n== bench: ${name} ==\n`);
  const bench = (await import(`./${name}.ts`)) as { run: () => Promise<void> };
  await bench.run();
}
process.exit(0);
