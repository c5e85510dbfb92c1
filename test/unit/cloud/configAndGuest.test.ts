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
import { analyseIptables, analyseNft, analyseUfw, buildGuestScript, MARK, parseGuestOutput } from '../../../src/cloud/guestScript';
import { classifyCode, findings } from '../../../src/core/classify';
import { cloud, healthy, tcp } from '../core/evidence';
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
    for (const s of ['service', 'osrelease', 'listen', 'configtest', 'config', 'iptables', 'nft', 'firewalld', 'ufw', 'hostkeys']) {
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
      assert.deepStrictEqual(analyseNft(acceptChain(rule), 22), { firewall: 'nft', kind: 'rule', rule, blocks: true, detail: `nft: ${rule}` }, rule);
    }
    assert.strictEqual(analyseNft(acceptChain('tcp dport 80 reject with tcp reset'), 22), undefined);
    assert.strictEqual(analyseNft(acceptChain('udp dport 22 reject with icmp port-unreachable'), 22), undefined);
    assert.strictEqual(analyseUfw(['Status: active', '', 'To                         Action      From', '--                         ------      ----', '22/tcp                     DENY        Anywhere'], 22)?.blocks, true);
    assert.strictEqual(analyseUfw(['Status: active', 'OpenSSH                    ALLOW       Anywhere'], 22)?.blocks, false);
    assert.strictEqual(analyseUfw(['Status: inactive'], 22), undefined);
  });
});

describe('(unit) guest parser: socket activation, a stopped Debian ssh, the OS, source-limited firewalls', () => {
  const sec = (name: string, lines: string[], rc = 0) => [`${MARK}:BEGIN ${name}`, ...lines, `${MARK}:END ${name} rc=${rc}`].join('\n');

  it('Ubuntu 22.10+ idle: ssh.service inactive, ssh.socket active and listening (held by systemd) → running, listening on 22', () => {
    const g = parseGuestOutput(guestOutput({ active: false, listen: [22], listenBy: 'systemd', socket: { active: true, ports: [22] } }), 22);
    assert.deepStrictEqual([g.serviceActive, g.listeningPorts, g.sshSocket], [true, [22], { active: true, ports: [22] }]);
    // Not SSHD_NOT_RUNNING when the port resets: the socket is there.
    assert.notStrictEqual(classifyCode(healthy({ tcp: tcp('refused', 'ECONNREFUSED'), banner: undefined, ssh: undefined, cloud: cloud({ guest: { agentOnline: true, ...g } }) })), 'SSHD_NOT_RUNNING');
  });

  it('a port systemd holds for another unit is not sshd\'s; ssh.socket inactive lists nothing', () => {
    const other = parseGuestOutput(guestOutput({ active: false, listen: [2222], listenBy: 'systemd', socket: { active: false } }), 22);
    assert.deepStrictEqual([other.serviceActive, other.listeningPorts, other.sshSocket], [false, [], { active: false, ports: [] }]);
    const both = parseGuestOutput(guestOutput({ active: true, listen: [22], listenBy: 'both', socket: { active: true, ports: [22] } }), 22);
    assert.deepStrictEqual(both.listeningPorts, [22]);
    // Active socket, but the port systemd holds is another one: only the socket's ports count.
    const mixed = parseGuestOutput(guestOutput({ active: false, listen: [8080], listenBy: 'systemd', socket: { active: true, ports: [22] } }), 22);
    assert.deepStrictEqual(mixed.listeningPorts, []);
  });

  it('sshd -t failing only on the missing /run/sshd (a stopped Debian ssh) is "stopped", not an invalid configuration', () => {
    const out = [sec('service', ['systemd ssh inactive', 'systemd sshd inactive', 'process sshd absent']), sec('configtest', ['Missing privilege separation directory: /run/sshd'], 255)].join('\n');
    const g = parseGuestOutput(out, 22);
    assert.deepStrictEqual([g.serviceActive, g.configTest?.ok, g.configTest?.stopped], [false, true, true]);
    const e = healthy({ tcp: tcp('refused', 'ECONNREFUSED'), banner: undefined, ssh: undefined, cloud: cloud({ guest: { agentOnline: true, ...g } }) });
    assert.strictEqual(classifyCode(e), 'SSHD_NOT_RUNNING');
    assert.ok(!findings(e, 'SSHD_NOT_RUNNING', 'en').some((f) => f.code === 'SSHD_CONFIG_INVALID'));
    // A real configuration error (sshd stops at it, before the directory check) stays one.
    const bad = parseGuestOutput(sec('configtest', ['/etc/ssh/sshd_config: line 3: Bad configuration option: Prot', '/etc/ssh/sshd_config: terminating, 1 bad configuration options'], 255), 22);
    assert.deepStrictEqual([bad.configTest?.ok, bad.configTest?.stopped], [false, undefined]);
    const warnThenDir = parseGuestOutput(sec('configtest', ['Unable to load host key: /etc/ssh/ssh_host_dsa_key', 'Missing privilege separation directory: /run/sshd'], 255), 22);
    assert.strictEqual(warnThenDir.configTest?.ok, true, 'a warning before the last check is not fatal');
  });

  it('reads /etc/os-release', () => {
    const g = parseGuestOutput(guestOutput({ osRelease: ['PRETTY_NAME="Ubuntu 24.04.1 LTS"', 'VERSION_ID="24.04"', 'ID=ubuntu', 'ID_LIKE=debian'] }), 22);
    assert.deepStrictEqual(g.os, { id: 'ubuntu', idLike: ['debian'], versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' });
  });

  it('a section whose END line was cut off still counts', () => {
    const out = `${MARK}:BEGIN nft\ntable inet f {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n${MARK}:BEGIN firewalld\n${MARK}:END firewalld rc=0\n`;
    assert.strictEqual(parseGuestOutput(out, 22).firewallBlocks, true);
  });

  it('ufw, iptables and nft rules limited to a CIDR do not block everyone: the caller\'s address decides', () => {
    const ufw = ['Status: active', '', 'To                         Action      From', '--                         ------      ----', '22/tcp                     ALLOW       203.0.113.0/24', '22/tcp (v6)                ALLOW       2001:db8::/32'];
    assert.deepStrictEqual(analyseUfw(ufw, 22), { firewall: 'ufw', kind: 'ufw-default', blocks: false, onlyFrom: ['203.0.113.0/24', '2001:db8::/32'], detail: 'ufw: tcp/22 is accepted only from 203.0.113.0/24, 2001:db8::/32 (ufw is active and no rule allows 22/tcp from everyone (default deny incoming) for the rest)' });
    const ipt = ['-P INPUT DROP', '-A INPUT -s 198.51.100.0/24 -p tcp -m tcp --dport 22 -j ACCEPT'];
    assert.deepStrictEqual(analyseIptables(ipt, 22)?.onlyFrom, ['198.51.100.0/24']);
    assert.strictEqual(analyseIptables(ipt, 22)?.blocks, false);
    assert.strictEqual(analyseIptables(['-P INPUT DROP', '-A INPUT -s 198.51.100.0/24 -p tcp --dport 80 -j ACCEPT'], 22)?.blocks, true, 'another port: still blocks everyone');
    const nft = ['table inet filter {', '\tchain input {', '\t\ttype filter hook input priority filter; policy drop;', '\t\tip saddr { 198.51.100.0/24, 203.0.113.7 } tcp dport 22 accept', '\t}', '}'];
    assert.deepStrictEqual(analyseNft(nft, 22)?.onlyFrom, ['198.51.100.0/24', '203.0.113.7']);
    assert.strictEqual(analyseNft(nft.map((l) => l.replace('saddr {', 'saddr != {')), 22)?.blocks, true, 'a negated source accepts no listed one');

    const out = guestOutput({ ufw });
    const unknown = parseGuestOutput(out, 22);
    assert.deepStrictEqual([unknown.firewallBlocks, unknown.firewallAllowsOnly], [false, ['203.0.113.0/24', '2001:db8::/32']]);
    const inside = parseGuestOutput(out, 22, '203.0.113.9');
    assert.deepStrictEqual([inside.firewallBlocks, inside.firewallAllowsOnly], [false, undefined]);
    const outside = parseGuestOutput(out, 22, '198.51.100.7');
    assert.strictEqual(outside.firewallBlocks, true);
    assert.match(outside.firewallDetail ?? '', /accepted only from 203\.0\.113\.0\/24.*198\.51\.100\.7 is not among them/);
    assert.deepStrictEqual(outside.firewallDecisions?.find((d) => d.firewall === 'ufw'),
      { firewall: 'ufw', kind: 'ufw-default', blocks: false, onlyFrom: ['203.0.113.0/24', '2001:db8::/32'], callerOutside: '198.51.100.7' });
    assert.ok(unknown.firewallDecisions?.some((d) => d.firewall === 'ufw' && d.onlyFrom && !d.callerOutside), 'the caller is not known: not said to be outside');
  });
});
