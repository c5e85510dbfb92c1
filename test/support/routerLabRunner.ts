/**
 * Lab runner (routerLab.ts `runCloudCli`), run inside the client namespace: starts the local
 * Tencent endpoint on this namespace's loopback with the fixture of the spec file, makes the
 * TAT of the named instances run the real in-guest script in their lab guest's namespace
 * (labCloud.ts runGuestScript, started by RunCommand, RUNNING until it ends), runs the built
 * CLI in this namespace against it, and prints one JSON object: the CLI's exit code, stdout,
 * stderr and duration, the API requests it made and the scripts RunCommand received.
 * argv: SPEC_JSON_FILE. Exit 0 whatever the CLI's code (it is in the JSON), 3 on a failure of
 * the runner itself.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import { runGuestScript, type GuestFacts } from './labCloud';
import { CLI_PATH } from './labEngine';
import { startTencentEndpoint } from './tencentEndpoint';
import type { TencentFixture } from './tencentEndpointFixture';

interface Spec { fixture: TencentFixture; guests: Record<string, GuestFacts>; args: string[]; env: Record<string, string>; timeoutMs: number }

async function main(): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(process.argv[2] ?? '', 'utf8')) as Spec;
  for (const [id, facts] of Object.entries(spec.guests)) {
    const g = spec.fixture.guests[id] ?? (spec.fixture.guests[id] = { agent: 'online' });
    g.agent = 'online';
    g.run = (script) => runGuestScript(facts, script, 90_000);
  }
  const ep = await startTencentEndpoint(spec.fixture);
  try {
    const t0 = Date.now();
    const res = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI_PATH, ...spec.args], {
        timeout: spec.timeoutMs, maxBuffer: 8 << 20,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root',
          TENCENTCLOUD_SECRET_ID: ep.secretId, TENCENTCLOUD_SECRET_KEY: ep.secretKey, TENCENTCLOUD_ENDPOINT: ep.url,
          ...spec.env,
        },
      }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
        resolve({ code, stdout, stderr });
      });
    });
    process.stdout.write(JSON.stringify({
      ...res, durationMs: Date.now() - t0,
      requests: ep.requests.map((r) => ({ action: r.action, ...(r.errorCode ? { errorCode: r.errorCode } : {}) })),
      commands: ep.state.commands.map((c) => ({ instanceId: c.instanceId, script: c.script })),
    }));
  } finally {
    await ep.close();
  }
}

main().then(() => undefined, (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exitCode = 3; });
