/**
 * (unit) Settings (endpoint forms, environment, profile files), caller address detection
 * against a loopback server, and the guest script: its syntax under the real /bin/sh, its
 * port check, and the parser of its sectioned output.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { InputError as CloudInputError, loadTencentConfigFromEnv, resolveEndpoint } from '../../../src/cloud';
import { InputError } from '../../../src/core/validate';
import { resolveCallerIp } from '../../../src/cloud/callerIp';
import { serviceEndpoint } from '../../../src/cloud/config';
import { analyseIptables, analyseNft, analyseUfw, buildGuestScript, parseGuestOutput } from '../../../src/cloud/guestScript';
import { guestOutput } from '../../support/tencentEndpoint';

describe('(unit) Tencent settings', () => {
  it('endpoint: domain suffixes and loopback URLs', () => {
    assert.deepStrictEqual(serviceEndpoint(resolveEndpoint(undefined), 'cvm'), { endpoint: 'cvm.tencentcloudapi.com', protocol: 'https://' });
    assert.deepStrictEqual(serviceEndpoint(resolveEndpoint('intl.tencentcloudapi.com'), 'vpc'), { endpoint: 'vpc.intl.tencentcloudapi.com', protocol: 'https://' });
    assert.deepStrictEqual(serviceEndpoint(resolveEndpoint('http://127.0.0.1:8123'), 'tat'), { endpoint: '127.0.0.1:8123', protocol: 'http://' });
    assert.throws(() => resolveEndpoint('http://203.0.113.1:80'), /only to a loopback/);
    assert.throws(() => resolveEndpoint('https://x.example/path'), /scheme:\/\/host/);
    assert.throws(() => resolveEndpoint('not a domain'), /neither a domain/);
  });

  it('bad settings throw core\'s one InputError class: .field, and a message starting with it', () => {
    assert.strictEqual(CloudInputError, InputError, 'src/cloud must not define a second InputError');
    const cases: Array<[() => unknown, string]> = [
      [() => resolveEndpoint('http://203.0.113.1:80', 'TENCENTCLOUD_ENDPOINT'), 'TENCENTCLOUD_ENDPOINT'],
      [() => loadTencentConfigFromEnv({}), 'TENCENTCLOUD_SECRET_ID'],
      [() => loadTencentConfigFromEnv({ TENCENTCLOUD_SECRET_ID: 'a', TENCENTCLOUD_SECRET_KEY: 'b', CVM_DOCTOR_CALLER_IP: 'me' }), 'CVM_DOCTOR_CALLER_IP'],
    ];
    for (const [f, field] of cases) {
      assert.throws(f, (e: unknown) => e instanceof InputError && e.field === field && e.message.startsWith(`${field}: `) && e.name === 'InputError');
    }
  });

  it('environment and profile files; errors name the missing field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-'));
    try {
      assert.throws(() => loadTencentConfigFromEnv({}), /TENCENTCLOUD_SECRET_ID/);
      assert.throws(() => loadTencentConfigFromEnv({ TENCENTCLOUD_SECRET_ID: 'AKIDx' }), /TENCENTCLOUD_SECRET_KEY/);
      assert.throws(() => loadTencentConfigFromEnv({ TENCENTCLOUD_SECRET_ID: 'a', TENCENTCLOUD_SECRET_KEY: 'b', CVM_DOCTOR_CALLER_IP: 'me' }), /CVM_DOCTOR_CALLER_IP/);
      assert.throws(() => loadTencentConfigFromEnv({ TENCENTCLOUD_SECRET_ID: 'a', TENCENTCLOUD_SECRET_KEY: 'b', TENCENTCLOUD_ENDPOINT: 'http://10.0.0.1' }), /TENCENTCLOUD_ENDPOINT/);
      const cfg = loadTencentConfigFromEnv({ TENCENTCLOUD_SECRET_ID: 'a', TENCENTCLOUD_SECRET_KEY: 'b', TENCENTCLOUD_ENDPOINT: 'internal.tencentcloudapi.com', CVM_DOCTOR_CALLER_IP: '203.0.113.5', CVM_DOCTOR_CALLER_IP_URL: 'https://ip.example/' });
      assert.deepStrictEqual(cfg, { secretId: 'a', secretKey: 'b', endpoint: 'internal.tencentcloudapi.com', callerIp: '203.0.113.5', callerIpUrl: 'https://ip.example/' });
      const ini = path.join(dir, 'credentials');
      fs.writeFileSync(ini, '[other]\nsecret_id = no\n[default]\nsecret_id = AKIDini\nsecret_key = keyini\n');
      assert.deepStrictEqual(loadTencentConfigFromEnv({}, ini), { secretId: 'AKIDini', secretKey: 'keyini' });
      const json = path.join(dir, 'default.credential');
      fs.writeFileSync(json, JSON.stringify({ secretId: 'AKIDjson', secretKey: 'keyjson' }));
      assert.deepStrictEqual(loadTencentConfigFromEnv({ TENCENTCLOUD_SECRET_ID: 'AKIDenv' }, json), { secretId: 'AKIDenv', secretKey: 'keyjson' });
      assert.throws(() => loadTencentConfigFromEnv({}, path.join(dir, 'missing')), /profile: cannot read/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('caller address: configured, detected from a loopback URL, or unknown', async () => {
    let answer = '198.51.100.7\n';
    const server = http.createServer((_q, r) => { r.end(answer); });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      assert.deepStrictEqual(await resolveCallerIp({ secretId: '', secretKey: '', callerIp: '203.0.113.5', callerIpUrl: url }), { ip: '203.0.113.5', source: 'configured' });
      assert.deepStrictEqual(await resolveCallerIp({ secretId: '', secretKey: '', callerIpUrl: url }), { ip: '198.51.100.7', source: 'detected' });
      answer = '<html>nope</html>';
      assert.strictEqual((await resolveCallerIp({ secretId: '', secretKey: '', callerIpUrl: url })).ip, undefined);
      assert.deepStrictEqual(await resolveCallerIp({ secretId: '', secretKey: '' }), { source: 'unknown' });
    } finally { server.close(); }
  });
});

describe('(unit) guest script and parser', () => {
  it('refuses a port that is not an integer 1-65535', () => {
    for (const p of [0, 65536, 22.5, NaN, -1]) assert.throws(() => buildGuestScript(p), RangeError);
    assert.match(buildGuestScript(2222), /^PORT=2222$/m);
  });

  it('is valid sh, and run here for real it prints every section', function () {
    this.timeout(15000);
    const script = buildGuestScript(22);
    execFileSync('/bin/sh', ['-n', '-c', script]);
    const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', timeout: 10000 });
    const g = parseGuestOutput(out, 22);
    for (const s of ['service', 'listen', 'configtest', 'config', 'iptables', 'nft', 'firewalld', 'ufw', 'hostkeys']) {
      assert.ok(out.includes(`@@CVMDOCTOR:END ${s} rc=`), `section ${s}`);
    }
    assert.strictEqual(typeof g.serviceActive, 'boolean');
    assert.ok(Array.isArray(g.listeningPorts));
  });

  it('parses the healthy fixture output and a moved port', () => {
    const g = parseGuestOutput(guestOutput({ listen: [2222], configPorts: [2222] }), 22);
    assert.deepStrictEqual([g.serviceActive, g.listeningPorts, g.configPorts, g.firewallBlocks], [true, [2222], [2222], false]);
  });

  it('firewall analysis: iptables, nft and ufw', () => {
    assert.strictEqual(analyseIptables(['-P INPUT ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j DROP'], 22)?.blocks, true);
    assert.strictEqual(analyseIptables(['-P INPUT DROP', '-A INPUT -p tcp -m multiport --dports 80,22 -j ACCEPT'], 22)?.blocks, false);
    assert.strictEqual(analyseIptables(['-P INPUT DROP', '-A INPUT -p tcp -m tcp --dport 1000:2000 -j ACCEPT'], 22)?.blocks, true);
    assert.strictEqual(analyseIptables(['-P INPUT ACCEPT', '-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j DROP'], 22)?.blocks, false);
    const nft = ['table inet filter {', '\tchain input {', '\t\ttype filter hook input priority filter; policy drop;', '\t\tct state established,related accept', '\t\ttcp dport { 80, 443 } accept', '\t}', '}'];
    assert.strictEqual(analyseNft(nft, 22)?.blocks, true);
    assert.strictEqual(analyseNft(nft.map((l) => l.replace('{ 80, 443 }', '{ 22, 443 }')), 22)?.blocks, false);
    // `reject with …` as `nft list ruleset` prints it: the words after `with` are not matches
    // (an ICMP reject type must not make a catch-all rule look ICMP-only).
    const acceptChain = (rule: string) => ['table inet filter {', '\tchain input {', '\t\ttype filter hook input priority filter; policy accept;', `\t\t${rule}`, '\t}', '}'];
    for (const rule of ['tcp dport 22 reject with tcp reset', 'tcp dport 22 reject with icmpx admin-prohibited', 'reject with icmp host-prohibited',
      'tcp dport 22 counter packets 3 bytes 180 reject with tcp reset comment "no ssh"']) {
      assert.deepStrictEqual(analyseNft(acceptChain(rule), 22), { blocks: true, detail: `nft: ${rule}` }, rule);
    }
    assert.strictEqual(analyseNft(acceptChain('tcp dport 80 reject with tcp reset'), 22), undefined);
    assert.strictEqual(analyseNft(acceptChain('udp dport 22 reject with icmp port-unreachable'), 22), undefined);
    assert.strictEqual(analyseUfw(['Status: active', '', 'To                         Action      From', '--                         ------      ----', '22/tcp                     DENY        Anywhere'], 22)?.blocks, true);
    assert.strictEqual(analyseUfw(['Status: active', 'OpenSSH                    ALLOW       Anywhere'], 22)?.blocks, false);
    assert.strictEqual(analyseUfw(['Status: inactive'], 22), undefined);
  });
});
