import * as assert from 'assert';
import { MESSAGE_KEYS, msg } from '../../../src/core/messages';
import { FINDING_CODES, VERDICT_CODES, type Lang, type Protocol } from '../../../src/core/model';
import { remediationFor, stepTemplates } from '../../../src/core/remediation';
import { buildVerdict } from '../../../src/core/verdict';
import { VERDICT_TEXT } from '../../../src/core/verdictText';
import { cloud, healthy } from './evidence';

const LANGS: Lang[] = ['en', 'ko'];
const PROTOCOLS: Protocol[] = ['ssh', 'rdp'];
const HANGUL = /[\uac00-\ud7a3]/;

describe('(unit) verdict text and remediation', () => {
  for (const code of VERDICT_CODES) {
    for (const protocol of PROTOCOLS) {
      it(`${code} (${protocol}) has ordered steps in English and Korean`, () => {
        const templates = stepTemplates(code, protocol);
        assert.ok(templates.length > 0, 'no steps');
        for (const t of templates) {
          assert.ok(t.text.en.trim() && t.text.ko.trim(), 'empty text');
          assert.ok(HANGUL.test(t.text.ko), `Korean step is not Korean: ${t.text.ko}`);
          assert.ok(!HANGUL.test(t.text.en), `English step has Korean: ${t.text.en}`);
          if (t.doc) for (const l of LANGS) assert.match(t.doc[l], /^https:\/\//);
        }
      });
    }
    it(`${code} has a title and summary in both languages`, () => {
      const t = VERDICT_TEXT[code];
      assert.ok(HANGUL.test(t.title.ko) || /^[A-Z0-9 {}:_-]+$/.test(t.title.ko), t.title.ko);
      assert.ok(HANGUL.test(t.summary.ko));
      assert.ok(t.title.en && t.summary.en);
    });
  }

  it('every finding has a message in both languages', () => {
    for (const f of FINDING_CODES) {
      assert.ok(MESSAGE_KEYS.includes(`finding.${f}` as never), f);
      assert.ok(HANGUL.test(msg('ko', `finding.${f}` as never)), f);
    }
  });

  it('every message has Korean text that differs from the English where words are involved', () => {
    for (const k of MESSAGE_KEYS) {
      const en = msg('en', k);
      const ko = msg('ko', k);
      assert.ok(ko.length > 0, k);
      if (/[a-z]{4,}/.test(en.replace(/\{\w+\}/g, '')) && !k.startsWith('check.')) {
        assert.notStrictEqual(en, ko, `${k} is not translated`);
      }
    }
  });

  it('fills every placeholder for a realistic diagnosis', () => {
    for (const code of VERDICT_CODES) {
      const e = healthy({ cloud: cloud({ callerIp: '198.51.100.7', networkAcl: { verdict: 'deny', aclId: 'acl-1' } }, { state: 'STOPPED', restrictState: 'EXPIRED' }) });
      const v = buildVerdict(code, e, 'en');
      for (const s of [v.title, v.summary, ...v.remediation.flatMap((r) => [r.text, r.command ?? ''])]) {
        // `{"Ingress":…}` in the tccli example is JSON, not a placeholder.
        assert.doesNotMatch(s.replace(/'\{"Ingress".*\}'/, ''), /\{[a-zA-Z]+\}/, `${code}: unfilled placeholder in "${s}"`);
      }
    }
  });

  it('advice is specific: ssh-keygen -R names [host]:port for a non-22 port', () => {
    const e = healthy();
    e.target = { ...e.target, port: 2200 };
    const steps = remediationFor('HOST_KEY_MISMATCH', 'ssh', 'en', { knownHostsName: "'[h]:2200'" });
    assert.ok(steps.some((s) => s.command === "ssh-keygen -R '[h]:2200'"));
    const v = buildVerdict('HOST_KEY_MISMATCH', e, 'en');
    assert.ok(v.remediation.some((s) => s.command === "ssh-keygen -R '[cvm.example.com]:2200'"));
  });

  it('RDP advice talks about Remote Desktop, not sshd', () => {
    const steps = remediationFor('PORT_CLOSED', 'rdp', 'en', { port: 3389 });
    assert.ok(steps.some((s) => s.command?.includes('TermService')));
    assert.ok(!steps.some((s) => s.command?.includes('sshd')));
  });

  it('the security-group fix is least-privilege: /32 of the caller, never 0.0.0.0/0', () => {
    const e = healthy({ cloud: { instanceId: 'ins-abc12345', region: 'ap-seoul', callerIp: '198.51.100.7', errors: [], durationMs: 1 } });
    const v = buildVerdict('SECURITY_GROUP_BLOCKS', e, 'en');
    const all = v.remediation.map((s) => `${s.text} ${s.command ?? ''}`).join('\n');
    assert.ok(all.includes('198.51.100.7/32'));
    assert.ok(!all.includes('0.0.0.0/0'));
  });
});
