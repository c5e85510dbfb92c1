// Extension benchmark rows (called by bench/run.ts when present): VSIX and bundle sizes, and
// the reachability scheduler's cost watching 200 saved instances on loopback (max sockets at
// once, CPU ms per minute). Activation time is measured in the e2e (activate() returns it).
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { lightCheck } from '../src/vscode/reachability/lightCheck';
import { ReachabilityScheduler } from '../src/vscode/reachability/scheduler';

const ROOT = path.resolve(__dirname, '../..');
const size = (f: string) => (fs.existsSync(path.join(ROOT, f)) ? `${(fs.statSync(path.join(ROOT, f)).size / 1024).toFixed(1)} KiB` : 'n/a (not built)');

export default async function benchExtension(): Promise<void> {
  console.log(`extension  VSIX size                      ${size('cvm-doctor.vsix')}`);
  console.log(`extension  bundle dist/extension.js       ${size('dist/extension.js')}`);
  console.log(`extension  webview media/report.js        ${size('media/report.js')}`);
  const srv = net.createServer((s) => { s.on('error', () => undefined); s.end('SSH-2.0-Bench\r\n'); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const maxConcurrent = 4;
  const s = new ReachabilityScheduler({ check: lightCheck, intervalMs: 1000, timeoutMs: 2000, maxConcurrent });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  s.setTargets(Array.from({ length: 200 }, (_, i) => ({ id: `b${i}`, host: '127.0.0.1', port, protocol: 'ssh' as const })));
  await new Promise((r) => setTimeout(r, 10_000));
  const cpu = process.cpuUsage(cpu0);
  const secs = (Date.now() - t0) / 1000;
  s.dispose();
  await new Promise<void>((r) => srv.close(() => r()));
  const cpuMsPerMin = ((cpu.user + cpu.system) / 1000) * (60 / secs);
  console.log(`extension  scheduler 200 instances, 1 s interval: ${s.checksStarted} checks in ${secs.toFixed(1)} s, max ${s.maxInFlight} sockets at once (limit ${maxConcurrent}), ${cpuMsPerMin.toFixed(0)} CPU ms/min (server included)`);
}

if (require.main === module) void benchExtension();
