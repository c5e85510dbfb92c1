/**
 * Lab runner (jumpLab.ts `runNode`), run inside the client namespace: imports an ssh_config
 * with the extension's importer, diagnoses one alias with the engine and prints the report as
 * JSON. argv: CONFIG ALIAS KEY KNOWN_HOSTS. Exit 0 OK, 1 a problem, 2 the import refused it.
 */
import { diagnose } from '../../src/core/diagnose';
import { DEFAULT_ALT_PORTS, verdictPassed } from '../../src/core/model';
import { renderJson } from '../../src/core/render/json';
import { createProbes } from '../../src/probes';
import { readSshConfigHosts } from '../../src/probes/sshConfigImport';

async function main(): Promise<number> {
  const [config, alias, key, knownHosts] = process.argv.slice(2);
  const host = readSshConfigHosts(config).find((h) => h.alias === alias);
  if (!host) { process.stderr.write(`no Host ${alias} in ${config}\n`); return 2; }
  if (host.jumpError) { process.stderr.write(`${alias}: ${host.jumpError}\n`); return 2; }
  const report = await diagnose({
    host: host.hostName, port: host.port, protocol: 'ssh', user: host.user, knownHostsPath: knownHosts,
    altPorts: [...DEFAULT_ALT_PORTS.ssh], timeoutMs: 2000, icmp: true, name: alias,
    ...(host.jump ? { jump: host.jump } : {}),
  }, { probes: createProbes(), credentials: { identityFile: host.identityFile ?? key } });
  process.stdout.write(renderJson(report));
  return verdictPassed(report.verdict) ? 0 : 1;
}

main().then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exitCode = 3; });
