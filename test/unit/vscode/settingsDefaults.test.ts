// (unit) The manifest's setting defaults are core's: a manifest is static JSON, so the values
// are written twice, and this keeps the copies equal. And an RDP target gets RDP's
// alternative ports in the extension as in the CLI (it used to get SSH's).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseCommand } from '../../../src/cli/args';
import { DEFAULT_ALT_PORTS, DEFAULT_TIMEOUT_MS } from '../../../src/core/model';
import { DEFAULT_VSCODE_DOWNLOAD_URL } from '../../../src/core/readiness';
import { buildTarget } from '../../../src/vscode/diagnosis/instanceDiagnosis';
import type { Settings } from '../../../src/vscode/settings';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default: unknown }> } };
};
const def = (key: string) => manifest.contributes.configuration.properties[`cvmDoctor.${key}`]?.default;

describe('(unit) setting defaults have one source', () => {
  it('the manifest repeats core\'s defaults exactly', () => {
    assert.deepStrictEqual(def('alternativePorts'), DEFAULT_ALT_PORTS.ssh);
    assert.deepStrictEqual(def('rdpAlternativePorts'), DEFAULT_ALT_PORTS.rdp);
    assert.strictEqual(def('probeTimeoutMs'), DEFAULT_TIMEOUT_MS);
    assert.strictEqual(def('vscodeServerDownloadUrl'), DEFAULT_VSCODE_DOWNLOAD_URL);
  });

  it('an RDP target tries RDP\'s alternative ports in the extension and in the CLI', () => {
    const s = { probeTimeoutMs: 2000, alternativePorts: { ssh: [...DEFAULT_ALT_PORTS.ssh], rdp: [...DEFAULT_ALT_PORTS.rdp] }, icmp: true } as Settings;
    assert.deepStrictEqual(buildTarget({ host: '127.0.0.1', port: 3389, protocol: 'rdp' }, s).altPorts, DEFAULT_ALT_PORTS.rdp);
    assert.deepStrictEqual(buildTarget({ host: '127.0.0.1', port: 2222, protocol: 'ssh' }, s).altPorts, DEFAULT_ALT_PORTS.ssh.filter((p) => p !== 2222));
    const cli = parseCommand(['diagnose', '127.0.0.1', '--protocol', 'rdp']);
    assert.ok(cli.kind === 'diagnose');
    assert.deepStrictEqual(cli.target.altPorts, DEFAULT_ALT_PORTS.rdp);
  });
});
