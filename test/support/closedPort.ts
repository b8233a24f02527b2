import * as net from 'node:net';

/**
 * A loopback port nothing listens on (bound, then released): a real refused connection. Port 9, the
 * usual stand-in, is on fetch's blocked list and never reaches the network at all.
 */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
