import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real server, which a test can cut and restore: from the
 * client's side this is the server going away and coming back, without stopping the shared one.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let frozen = false;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        if (frozen) {
          // Accept and hold: requests hang, as with a server that stopped answering.
          sockets.add(client);
          client.on('error', () => {});
          return;
        }
        const upstream = connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        const address = server?.address();
        if (address && typeof address === 'object') port = address.port;
        resolve();
      });
    });
  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    /** Refuse new connections and drop open ones. */
    async cut() {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: listen,
    /** Keep accepting connections but never answer; open connections are dropped. */
    freeze() {
      frozen = true;
      for (const s of sockets) s.destroy();
    },
    thaw() {
      frozen = false;
    },
    close() {
      for (const s of sockets) s.destroy();
      server?.close();
    },
  };
}
