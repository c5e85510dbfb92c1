/**
 * (unit) Korean reads as Korean: every verdict (title, summary, remediation text), finding and
 * check summary the engine writes in Korean — for evidence rich enough to fill every
 * placeholder — and every failure message the extension shows, carry no English sentence of
 * our own. English that belongs there stays: commands, identifiers, product names and what a
 * remote server or API said (quoted, or shown as evidence).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { altPortsCheck, bannerCheck, cloudChecks, dnsCheck, icmpCheck, rdpCheck, sshChecks, tcpCheck } from '../../../src/core/checks';
import { findings } from '../../../src/core/classify';
import { VERDICT_CODES, type CloudEvidence, type Lang } from '../../../src/core/model';
import { buildVerdict } from '../../../src/core/verdict';
import { describeError, type Translate } from '../../../src/vscode/errorText';
import { alt, banner, cloud, dnsFail, dnsOk, healthy, ping, ssh, tcp } from './evidence';

/** Proper names and terms that stay English in Korean text. */
const KEEP = [
  'Tencent Automation Tools', 'Tencent Cloud', 'Remote Desktop Services', 'Remote Desktop', 'Windows Server', 'Windows Firewall',
  'VS Code', 'CVM Doctor', 'Remote-SSH', 'OpenSSH', 'PowerShell', 'VNC', 'Network ACL', 'security group',
];

/** Runs of three or more English words left once commands, quotes and names are set aside. */
export function englishSentences(text: string): string[] {
  let t = text
    .replace(/`[^`]*`/g, ' ')
    .replace(/"[^"]*"/g, ' ')
    .replace(/'[^']*'/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ');
  for (const k of KEEP) t = t.split(k).join(' ');
  return [...t.matchAll(/\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b/g)].map((m) => m[0]);
}

const richCloud: CloudEvidence = cloud({
  callerIp: '198.51.100.7',
  securityGroups: { verdict: 'deny', evaluatedFor: '198.51.100.7', decidingRule: { securityGroupId: 'sg-1', policyIndex: 0, action: 'DROP', protocol: 'TCP', port: '22', source: '0.0.0.0/0' } },
  networkAcl: { verdict: 'deny', aclId: 'acl-1' },
  errors: [{ kind: 'auth', code: 'AuthFailure.SignatureFailure', action: 'DescribeInstances', message: 'The provided credentials could not be validated.' }],
  guest: { agentOnline: true, errorKind: 'no-result', error: 'no result from the in-guest check after 30 polls', serviceActive: false },
});

function koreanTexts(lang: Lang): string[] {
  const out: string[] = [];
  for (const code of VERDICT_CODES) {
    const e = healthy({ cloud: richCloud });
    const v = buildVerdict(code, e, lang);
    out.push(v.title, v.summary, ...v.remediation.map((s) => s.text));
    out.push(...findings(e, code, lang).map((f) => f.message));
  }
  const rdpTarget = healthy().target;
  out.push(
    dnsCheck(dnsOk, 'cvm.example.com', lang).summary, dnsCheck(dnsFail, 'cvm.example.com', lang).summary,
    ...(['reply', 'timeout', 'unreachable', 'prohibited'] as const).map((o) => icmpCheck(ping(o, 5), 2000, lang).summary),
    ...(['connected', 'refused', 'timeout', 'unreachable'] as const).map((o) => tcpCheck(tcp(o, o === 'refused' ? 'ECONNREFUSED' : undefined), lang).summary),
    ...(['ssh', 'other', 'timeout', 'closed'] as const).map((o) => bannerCheck(banner(o, o === 'other' ? '220 smtp' : undefined), 2000, lang).summary),
    ...sshChecks(ssh(), 'root', 2000, false, lang).map((c) => c.summary),
    altPortsCheck([alt(2222, 'connected', 'ssh'), alt(2200, 'timeout')], 'ssh', 300, lang).summary,
    rdpCheck({ outcome: 'rdp', selectedProtocol: 'ssl', durationMs: 3 } as never, 2000, lang).summary,
    ...cloudChecks(richCloud, 22, rdpTarget.protocol, lang).map((c) => c.summary),
  );
  return out;
}

describe('(unit) Korean text has no English sentence of ours', () => {
  it('the detector finds English runs and leaves commands, quotes and names alone', () => {
    assert.deepStrictEqual(englishSentences('포트가 열려 있습니다 but the login failed'), ['but the login failed']);
    assert.deepStrictEqual(englishSentences('`sudo systemctl restart ssh` 를 실행하세요. "Exceeded MaxStartups" Tencent Automation Tools 로'), []);
  });

  it('every Korean verdict, remediation, finding and check summary', () => {
    // The same texts in English are full of English sentences: the scan sees real text.
    const en = koreanTexts('en');
    assert.ok(en.length > 150 && en.filter((t) => englishSentences(t).length > 0).length > en.length / 2, `${en.length} texts`);
    const bad = koreanTexts('ko').flatMap((t) => englishSentences(t).map((s) => `${s}   ⟵   ${t}`));
    assert.deepStrictEqual(bad, []);
  });

  it('every failure message the extension shows, in Korean', () => {
    const ko = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
    const t: Translate = (m, ...args) => (ko[m] ?? m).replace(/\{(\d+)\}/g, (_x, i: string) => String(args[Number(i)]));
    const errors: unknown[] = [
      ...(['auth', 'unauthorized', 'throttled', 'not-found', 'network', 'other'] as const).map((kind) => Object.assign(new Error('DescribeInstances failed with X: english text'), { name: 'CloudApiError', kind, code: 'AuthFailure', action: 'DescribeInstances' })),
      Object.assign(new Error('tencent.endpoint: plain http:// is allowed only to a loopback address; use https://'), { name: 'InputError', field: 'tencent.endpoint' }),
      ...['ENOENT', 'EACCES', 'ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH'].map((code) => Object.assign(new Error(`${code}: something failed somewhere`), { code })),
      new TypeError('Cannot read properties of undefined'),
    ];
    const bad = errors.map((e) => describeError(e, t, 'ko')).flatMap((m) => englishSentences(m).map((s) => `${s}   ⟵   ${m}`));
    assert.deepStrictEqual(bad, []);
  });
});
