/**
 * (unit) The ticket pack holds no secret: a report with every kind of secret (password,
 * passphrase, Tencent SecretId and SecretKey, a session token, a private key, a PuTTY key, a TC3
 * signature, a VNC console URL and its websocket URL, credentials in a URL) in every place a
 * string can be (target, verdict, remediation, findings, check summaries, evidence values, keys
 * and arrays, the guest's output, the traces' output) gives Markdown and JSON without any of
 * them — and still with the evidence support needs (hops, times with the zone, the guest's view).
 */
import * as assert from 'assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { Report } from '../../../src/core/model';
import { REDACTED, redactor } from '../../../src/core/redact';
import { buildTicketPack, isoWithOffset } from '../../../src/core/ticketPack';
import { parseTracepath, parseTraceroute, type PathTrace } from '../../../src/core/trace';
import { traceCheck } from '../../../src/core/traceText';

const DIR = path.resolve(__dirname, '../../../../test/unit/fixtures/trace');
const fx = (name: string) => fs.readFileSync(path.join(DIR, `${name}.txt`), 'utf8');

const PASSWORD = 'Hunter2-correct-horse';
const PASSPHRASE = 'my key passphrase 42';
const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA';
const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
const TOKEN = 'sessTok-0123456789abcdef';
const VNC = 'https://img.qcloud.com/qcloud/app/active_vnc/index.html?InstanceVncUrl=wss%3A%2F%2Fbjvnc.qcloud.com%3A26789%2Fvnc%3Fs%3DaHpjWnRVMFNhYmxKdGM3';
const WSS = 'wss://bjvnc.qcloud.com:26789/vnc?s=aHpjWnRVMFNhYmxKdGM3';
const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----';
const PPK = 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\nAAAAIFoo\nPrivate-MAC: 0a1b2c3d4e5f';
const TC3 = 'TC3-HMAC-SHA256 Credential=AKIDexample/2026-12-02/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c';
const URL_CREDS = 'http://admin:s3cr3tpw@10.213.250.10:8080/';

const SECRETS = [PASSWORD, PASSPHRASE, SECRET_ID, SECRET_KEY, TOKEN];
/** What must not appear anywhere in the files (the secret parts of each shape). */
const FORBIDDEN = [...SECRETS, 'aHpjWnRVMFNhYmxKdGM3', 'active_vnc', 'bjvnc.qcloud.com', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUA', 'AAAAIFoo',
  '0a1b2c3d4e5f', '2230eefd229f582d8b1b891af7107b91', 'AKIDexample', 's3cr3tpw'];

/** Every secret, in one sentence. */
const ALL = `password=${PASSWORD} passphrase: "${PASSPHRASE}" SecretId ${SECRET_ID} key ${SECRET_KEY} token=${TOKEN} vnc ${VNC} ws ${WSS} ${TC3} ${URL_CREDS} ${PRIVATE_KEY} ${PPK}`;

function trace(direction: 'out' | 'back', parsed: { hops: PathTrace['hops']; reached: boolean }, output: string): PathTrace {
  return {
    direction, tool: direction === 'out' ? 'traceroute' : 'tracepath', protocol: direction === 'out' ? 'tcp' : 'udp', ...(direction === 'out' ? { port: 22 } : {}),
    target: direction === 'out' ? '10.213.250.10' : '10.213.250.2', maxHops: 20, skipped: [], startedAt: '2026-12-02T00:20:05.000Z', durationMs: 3100,
    ...parsed, output,
  };
}

function secretReport(): Report {
  const out = trace('out', parseTraceroute(fx('traceroute_filtered'), '10.213.250.10')!, `${fx('traceroute_filtered')}\n${ALL}`);
  const back = trace('back', parseTracepath(fx('tracepath_back'), '10.213.250.2')!, `${fx('tracepath_back')}\n${ALL}`);
  return {
    schemaVersion: 1,
    target: { host: '10.213.250.10', port: 22, protocol: 'ssh', user: `root ${PASSWORD}`, name: `web ${SECRET_KEY}`, addresses: ['10.213.250.10'], cloud: { instanceId: 'ins-lab00001', region: 'ap-guangzhou' } },
    verdict: {
      code: 'PORT_FILTERED', title: `Port 22 is filtered ${PASSPHRASE}`, summary: `summary ${ALL}`,
      remediation: [{ text: `step ${ALL}`, command: `sshpass -p '${PASSWORD}' ssh root@10.213.250.10 # ${TOKEN}`, doc: VNC }],
    },
    findings: [{ code: 'CLOUD_API_ERROR', message: `finding ${ALL}` }],
    checks: [
      { id: 'tcp', status: 'fail', durationMs: 600, summary: `no answer ${ALL}`, evidence: { outcome: 'timeout', detail: ALL, list: [ALL, { deep: ALL }], [SECRET_KEY]: 'keyed by the secret' } },
      { id: 'cloud.instance', status: 'pass', durationMs: 20, summary: 'RUNNING', evidence: { secretKey: SECRET_KEY, secretId: SECRET_ID, password: PASSWORD, passphrase: PASSPHRASE, token: TOKEN, vncUrl: VNC, InstanceVncUrl: WSS, privateKey: PRIVATE_KEY } },
      { id: 'cloud.guest', status: 'pass', durationMs: 0, summary: `guest ${ALL}`, evidence: { agentOnline: true, listeningPorts: [22], output: `@@CVMDOCTOR:BEGIN listen\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))\n@@CVMDOCTOR:END listen rc=0\n${ALL}` } },
      traceCheck(out, 'en'),
      traceCheck(back, 'en'),
    ],
    durationMs: 4321,
    startedAt: '2026-12-02T00:20:00.000Z',
    lang: 'en',
  };
}

describe('(unit) ticket pack: redaction', () => {
  it('the test report really holds every secret in every place (the test can fail)', () => {
    const raw = JSON.stringify(secretReport());
    for (const s of FORBIDDEN) assert.ok(raw.includes(s) || raw.includes(JSON.stringify(s).slice(1, -1)), s);
  });

  for (const lang of ['en', 'ko'] as const) {
    it(`Markdown and JSON hold none of them (${lang})`, () => {
      const pack = buildTicketPack({ report: { ...secretReport(), lang }, secrets: SECRETS, generatedAt: '2026-12-02T00:21:00.000Z', offsetMinutes: 540 });
      for (const [name, text] of [['markdown', pack.markdown], ['json', pack.json]] as const) {
        for (const s of FORBIDDEN) assert.ok(!text.includes(s), `${name} contains ${s}`);
        assert.doesNotMatch(text, /wss?:\/\//i, name);
        assert.doesNotMatch(text, /PRIVATE KEY-----\n[A-Za-z0-9]/, name);
      }
      const data = JSON.parse(pack.json);
      assert.equal(data.kind, 'cvm-doctor-ticket-pack');
      // Still the evidence support asks for: times with the zone, the path both ways, the guest's view.
      assert.equal(data.startedAt, '2026-12-02T09:20:00+09:00');
      assert.equal(data.generatedAt, '2026-12-02T09:21:00+09:00');
      assert.deepEqual(data.pathEvidence.out.hops.slice(0, 3).map((h: { address?: string }) => h.address ?? '*'), ['10.213.250.1', '10.213.250.6', '*']);
      assert.equal(data.pathEvidence.back.reached, true);
      assert.equal(data.callerIp, '10.213.250.2');
      assert.match(data.guestOutput, /0\.0\.0\.0:22/);
      assert.equal(data.report.checks[1].evidence.secretKey, REDACTED);
      assert.match(pack.markdown, /2026-12-02T09:20:00\+09:00/);
      assert.match(pack.markdown, /1 {2}10\.213\.250\.1/);
      assert.match(pack.markdown, lang === 'en' ? /stops after hop 2 \(10\.213\.250\.6\)/ : /경로가 홉 2 다음에서 끊깁니다/);
      assert.match(pack.markdown, /@@CVMDOCTOR:BEGIN listen/);
    });
  }

  it('says when the path evidence was not collected', () => {
    const r = secretReport();
    r.checks = r.checks.filter((c) => !c.id.startsWith('path.'));
    const pack = buildTicketPack({ report: r, secrets: SECRETS, generatedAt: '2026-12-02T00:21:00.000Z', offsetMinutes: 0 });
    assert.match(pack.markdown, /Not collected\. Run "Collect path evidence"/);
    assert.deepEqual(JSON.parse(pack.json).pathEvidence, {});
  });

  it('redacts shapes without knowing the values, keeps ordinary text', () => {
    const r = redactor();
    assert.equal(r.text('port 22 on 10.213.250.10, SHA256:abc, known_hosts line 3'), 'port 22 on 10.213.250.10, SHA256:abc, known_hosts line 3');
    assert.equal(r.text(`TENCENTCLOUD_SECRET_KEY=${SECRET_KEY}`), `TENCENTCLOUD_SECRET_KEY=${REDACTED}`);
    assert.equal(r.text(`id ${SECRET_ID}.`), 'id [SecretId redacted].');
    assert.equal(r.text(`open ${VNC} now`), 'open [VNC URL redacted] now');
    assert.deepEqual(r.value({ a: [{ password: 'x1y2z3' }], n: 3, ok: true }), { a: [{ password: REDACTED }], n: 3, ok: true });
  });

  it('ISO times carry the offset', () => {
    assert.equal(isoWithOffset('2026-12-02T00:20:00.000Z', 540), '2026-12-02T09:20:00+09:00');
    assert.equal(isoWithOffset('2026-12-02T00:20:00.000Z', -300), '2026-12-01T19:20:00-05:00');
    assert.equal(isoWithOffset('2026-12-02T00:20:00.000Z', 0), '2026-12-02T00:20:00+00:00');
  });
});
