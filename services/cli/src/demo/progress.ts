// Progress for long work: a redrawn line on a terminal, a line every few seconds otherwise (CI logs).
export function progressLine(out: NodeJS.WritableStream & { isTTY?: boolean }, label: string) {
  let last = 0;
  const started = Date.now();
  return {
    update(done: number, total?: number) {
      const now = Date.now();
      const text = total
        ? `${label}: ${done}/${total} (${Math.floor((100 * done) / total)}%)`
        : `${label}: ${done}`;
      if (out.isTTY) out.write(`\r${text}   `);
      else if (now - last > 3000) out.write(`${text}\n`);
      else return;
      last = now;
    },
    done(summary: string) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      out.write(
        `${out.isTTY ? '\r' : ''}${label}: ${summary} in ${seconds} s${out.isTTY ? '          ' : ''}\n`,
      );
    },
  };
}
