/** Loopback port helpers shared by every suite. */
import * as net from 'net';

/** A port on which nothing listens (bound, then released): a connection gets a reset, and a
 *  server started right after can usually have it. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((res) => s.listen(0, host, () => res()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}
