import * as assert from 'assert';
import { MESSAGE_KEYS, msg } from '../../../src/core/messages';
import { FINDING_CODES, VERDICT_CODES, verdictPassed, type Lang, type Protocol, type SshResult } from '../../../src/core/model';
import { remediationFor, stepTemplates } from '../../../src/core/remediation';
import { buildVerdict } from '../../../src/core/verdict';
import { VERDICT_TEXT } from '../../../src/core/verdictText';
import { alt, cloud, healthy, ping, ssh, target, tcp } from './evidence';

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

  describe('what the texts say about ping claims no more than was seen (issue 7, defect 5)', () => {
    const unreachablePort = { tcp: tcp('unreachable', 'EHOSTUNREACH'), banner: undefined, ssh: undefined, altPorts: [] };
    const silentPort = { tcp: { ...tcp('timeout'), attempts: 3 }, banner: undefined, ssh: undefined, altPorts: [alt(2222, 'timeout')] };
    for (const lang of LANGS) {
      it(`HOST_UNREACHABLE with ping dropped or not sent never says ping was unreachable (${lang})`, () => {
        const dropped = buildVerdict('HOST_UNREACHABLE', healthy({ icmp: ping('timeout'), ...unreachablePort }), lang).summary;
        const off = buildVerdict('HOST_UNREACHABLE', healthy({ target: target({ icmp: false }), icmp: undefined, ...unreachablePort }), lang).summary;
        const pingPart = (s: string) => s.slice(s.toLowerCase().indexOf('ping:'));
        for (const s of [dropped, off]) assert.doesNotMatch(pingPart(s), /unreachable|도달 불가/i, s);
        assert.match(pingPart(dropped), lang === 'en' ? /no reply/ : /응답 없음/);
        assert.match(pingPart(off), lang === 'en' ? /not sent/ : /보내지 않음/);
        const router = buildVerdict('HOST_UNREACHABLE', healthy({ icmp: { ...ping('unreachable'), from: '198.51.100.1' }, ...unreachablePort }), lang).summary;
        assert.match(pingPart(router), /198\.51\.100\.1/);
      });
      it(`NO_RESPONSE with ping turned off does not claim ping got no answer (${lang})`, () => {
        const s = buildVerdict('NO_RESPONSE', healthy({ target: target({ icmp: false }), icmp: undefined, ...silentPort }), lang).summary;
        assert.match(s, lang === 'en' ? /Ping: not sent/ : /ping: 보내지 않음/);
        assert.doesNotMatch(s, /Neither ping/);
      });
    }
    it('PORT_FILTERED names the host\'s own ICMP error as the sign of life', () => {
      const s = buildVerdict('PORT_FILTERED', healthy({ icmp: { ...ping('prohibited'), from: '203.0.113.10' }, ...silentPort }), 'en').summary;
      assert.match(s, /203\.0\.113\.10 itself answers ping with an ICMP error \(administratively prohibited\)/);
      assert.match(s, /connection attempts: 3/);
    });
    it('PORT_REJECTED says who rejected: the host itself, or a device on the way', () => {
      const own = { ...tcp('unreachable', 'EHOSTUNREACH'), icmp: { from: '203.0.113.10', type: 3, code: 10, kind: 'prohibited' as const } };
      const router = { ...own, icmp: { ...own.icmp, from: '198.51.100.1', code: 13 } };
      const a = buildVerdict('PORT_REJECTED', healthy({ icmp: ping('timeout'), tcp: own, banner: undefined, ssh: undefined, altPorts: [] }), 'en').summary;
      assert.match(a, /host prohibited/);
      assert.match(a, /The host itself is up: 203\.0\.113\.10 itself sends the ICMP error/);
      const b = buildVerdict('PORT_REJECTED', healthy({ icmp: ping('timeout'), tcp: router, banner: undefined, ssh: undefined, altPorts: [] }), 'ko').summary;
      assert.match(b, /경로에 있는 장비\(198\.51\.100\.1\)/);
    });
  });

  // issue 7: `ssh-keygen -R host` alone ignored --known-hosts and left the stale line of a
  // recycled cloud IP; the command now names the file read and both names.
  it('advice is specific: ssh-keygen -R names [host]:port for a non-22 port, the name and the address', () => {
    const e = healthy();
    e.target = { ...e.target, port: 2200 };
    const v = buildVerdict('HOST_KEY_MISMATCH', e, 'en');
    assert.ok(v.remediation.some((s) => s.command === "ssh-keygen -R '[cvm.example.com]:2200'; ssh-keygen -R '[203.0.113.10]:2200'"),
      JSON.stringify(v.remediation));
  });

  it('ssh-keygen -R honours --known-hosts (-f FILE, quoted) and names the IP line too', () => {
    const e = healthy();
    e.target = { ...e.target, knownHostsPath: '/home/me/my hosts' };
    const v = buildVerdict('HOST_KEY_MISMATCH', e, 'en');
    assert.ok(v.remediation.some((s) => s.command === "ssh-keygen -f '/home/me/my hosts' -R cvm.example.com; ssh-keygen -f '/home/me/my hosts' -R 203.0.113.10"),
      JSON.stringify(v.remediation));
    const lit = healthy();
    lit.target = { ...lit.target, host: '203.0.113.10' };
    assert.ok(buildVerdict('HOST_KEY_MISMATCH', lit, 'en').remediation.some((s) => s.command === 'ssh-keygen -R 203.0.113.10'), 'an IP target has one line');
  });

  describe('issue 7 SSH verdict texts', () => {
    const unknownKey = { type: 'ssh-ed25519', fingerprint: 'SHA256:abcDEF', status: 'unknown' as const, knownHostsPath: '/k/known_hosts', knownEntries: [] };
    const text = (v: ReturnType<typeof buildVerdict>) => [v.title, v.summary, ...v.remediation.map((r) => `${r.text} ${r.command ?? ''}`)].join('\n');

    for (const lang of LANGS) {
      it(`HOST_KEY_UNKNOWN (${lang}): key type, fingerprint, out-of-band check, accept-new for the same file`, () => {
        const e = healthy({ credentialsGiven: true, ssh: ssh({ hostKey: unknownKey, login: { outcome: 'not-attempted', tried: [], passwordWithheld: true } }) });
        e.target = { ...e.target, knownHostsPath: '/k/known_hosts', port: 2222 };
        const v = buildVerdict('HOST_KEY_UNKNOWN', e, lang);
        const all = text(v);
        assert.match(v.summary, /ssh-ed25519/);
        assert.match(v.summary, /SHA256:abcDEF/);
        assert.match(v.summary, /\/k\/known_hosts/);
        assert.ok(v.remediation.some((r) => r.command?.includes('ssh-keygen -lf')), 'in-guest fingerprint listing');
        assert.ok(v.remediation.some((r) => r.command?.includes('--guest-checks')), 'the Tencent in-guest check');
        assert.ok(v.remediation.some((r) => r.command === 'ssh -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/k/known_hosts -p 2222 root@cvm.example.com'), all);
        assert.match(all, /--accept-new/);
        if (lang === 'ko') assert.ok(HANGUL.test(v.title) && HANGUL.test(v.summary));
      });
    }

    it('HOST_KEY_UNKNOWN when accept-new could not write the key says so', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ hostKey: { ...unknownKey, addError: 'EACCES' }, login: { outcome: 'not-attempted', tried: [], passwordWithheld: true } }) });
      assert.match(buildVerdict('HOST_KEY_UNKNOWN', e, 'en').summary, /accept-new could not write it there \(EACCES\)/);
    });

    it('HOST_KEY_UNKNOWN for an unreadable known_hosts says it could not be read', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ hostKey: { ...unknownKey, status: 'unreadable', readError: 'ETIMEDOUT' }, login: { outcome: 'not-attempted', tried: [], passwordWithheld: true } }) });
      assert.match(buildVerdict('HOST_KEY_UNKNOWN', e, 'en').summary, /could not be read \(ETIMEDOUT\)/);
    });

    it('KEX_FAILED for a legacy-only server: the exact options the server needs, no others', () => {
      const e = healthy({ ssh: ssh({
        handshake: 'kex-failed', algorithms: undefined,
        serverAlgorithms: { kex: ['diffie-hellman-group1-sha1'], serverHostKey: ['ssh-rsa'], cipher: ['aes128-cbc'], mac: ['hmac-sha1'] },
        negotiation: { ssh2: { missing: ['kex'] }, openssh: { version: 'OpenSSH_9.2p1', missing: ['kex', 'serverHostKey', 'cipher'], enable: { kex: 'diffie-hellman-group1-sha1', serverHostKey: 'ssh-rsa', cipher: 'aes128-cbc' }, enableSuffices: true }, legacyOnly: true },
      }) });
      const v = buildVerdict('KEX_FAILED', e, 'en');
      const all = text(v);
      assert.ok(v.remediation.some((r) => r.command === 'ssh -o KexAlgorithms=+diffie-hellman-group1-sha1 -o HostKeyAlgorithms=+ssh-rsa -o Ciphers=+aes128-cbc -p 22 root@cvm.example.com'), all);
      assert.doesNotMatch(all, /group14-sha1/);
      assert.match(v.summary, /diffie-hellman-group1-sha1/);
      assert.match(v.summary, /OpenSSH_9\.2p1/);
      assert.doesNotMatch(all, /update your OpenSSH client|install or update an OpenSSH client/);
    });

    it('KEX_FAILED for algorithms no client here has (mlkem768 with OpenSSH 9.2): update the client, never weaken', () => {
      const e = healthy({ ssh: ssh({
        handshake: 'kex-failed', algorithms: undefined,
        serverAlgorithms: { kex: ['mlkem768x25519-sha256', 'diffie-hellman-group14-sha1'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'] },
        negotiation: { ssh2: { missing: ['kex'] }, openssh: { version: 'OpenSSH_9.2p1', missing: ['kex'], enable: { kex: 'diffie-hellman-group14-sha1' }, enableSuffices: true }, legacyOnly: false },
      }) });
      for (const lang of LANGS) {
        const v = buildVerdict('KEX_FAILED', e, lang);
        const all = text(v);
        assert.doesNotMatch(all, /\+diffie-hellman|\+ssh-rsa|KexAlgorithms=\+/, `${lang}: legacy advice for a modern server: ${all}`);
        assert.match(all, /mlkem768x25519-sha256/);
        assert.match(all, /9\.9/);
      }
    });

    it('KEX_FAILED without OpenSSH on the machine says no client could be asked', () => {
      const e = healthy({ ssh: ssh({
        handshake: 'kex-failed', algorithms: undefined,
        serverAlgorithms: { kex: ['sntrup761x25519-sha512@openssh.com'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'] },
        negotiation: { ssh2: { missing: ['kex'] }, opensshUnavailable: 'ssh not found', legacyOnly: false },
      }) });
      const v = buildVerdict('KEX_FAILED', e, 'en');
      assert.match(v.summary, /ssh not found/);
      assert.ok(v.remediation.some((r) => /install or update an OpenSSH client/.test(r.text)));
      assert.ok(!v.remediation.some((r) => r.command?.includes('=+')));
    });

    it('BANNER_TIMEOUT after the banner: a key-exchange stall with the MTU step; an auth stall without it', () => {
      const kex = buildVerdict('BANNER_TIMEOUT', healthy({ ssh: ssh({ handshake: 'timeout', stall: 'kex', algorithms: undefined }) }), 'en');
      assert.match(kex.title, /stalls during the key exchange/);
      assert.match(kex.summary, /MTU black hole/);
      assert.ok(kex.remediation.some((r) => r.command === 'tracepath -n 203.0.113.10'));
      const auth = buildVerdict('BANNER_TIMEOUT', healthy({ ssh: ssh({ stall: 'auth', login: { outcome: 'timeout', tried: ['password'] } }) }), 'ko');
      assert.match(auth.title, /인증 중에 멈춥니다/);
      assert.match(auth.summary, /비밀번호는 보냈지만/);
      assert.ok(!auth.remediation.some((r) => r.command?.startsWith('tracepath')));
      const silent = buildVerdict('BANNER_TIMEOUT', healthy({ banner: { outcome: 'timeout', durationMs: 2000 }, ssh: undefined }), 'en');
      assert.match(silent.title, /never speaks/);
      assert.ok(!silent.remediation.some((r) => r.command?.startsWith('tracepath')));
    });

    it('AUTH_METHOD_UNAVAILABLE: "enable PasswordAuthentication" only when the server offers no password-like method', () => {
      const none = buildVerdict('AUTH_METHOD_UNAVAILABLE', healthy({ ssh: ssh({ authMethods: ['publickey'], login: { outcome: 'method-unavailable', tried: [], planned: ['password'] } }) }), 'en');
      assert.ok(none.remediation.some((r) => /PasswordAuthentication yes/.test(r.text)));
      assert.match(none.summary, /You have password/);
      const kbdKeyOnly = buildVerdict('AUTH_METHOD_UNAVAILABLE', healthy({ ssh: ssh({ authMethods: ['keyboard-interactive'], login: { outcome: 'method-unavailable', tried: [], planned: ['publickey'] } }) }), 'en');
      assert.ok(!kbdKeyOnly.remediation.some((r) => /PasswordAuthentication/.test(r.text)), JSON.stringify(kbdKeyOnly.remediation));
    });

    for (const lang of LANGS) {
      it(`KEY_FORMAT_UNSUPPORTED (${lang}) names the file and what is wrong with it`, () => {
        const e = healthy({ identityFile: '/home/me/id key', ssh: ssh({ login: { outcome: 'key-unusable', tried: [], keyError: '/home/me/id key is not a private key', keyErrorKind: 'not-a-key' } }) });
        const v = buildVerdict('KEY_FORMAT_UNSUPPORTED', e, lang);
        assert.match(v.summary, /'\/home\/me\/id key'/);
        assert.match(v.summary, lang === 'en' ? /not a private key/ : /개인 키/);
        assert.ok(v.remediation.some((r) => r.command === "ssh-keygen -y -f '/home/me/id key'"));
        assert.ok(!v.remediation.some((r) => /passphrase-env/.test(r.text)), 'no passphrase advice for a non-key');
        const enc = healthy({ ssh: ssh({ login: { outcome: 'key-unusable', tried: [], keyError: 'encrypted', keyErrorKind: 'encrypted' } }) });
        assert.ok(buildVerdict('KEY_FORMAT_UNSUPPORTED', enc, lang).remediation.some((r) => /passphrase-env/.test(r.text)));
      });
    }

    it('OK via OpenSSH with an untested password says so in the title and summary, and is no pass', () => {
      const e = healthy({ credentialsGiven: true, ssh: ssh({ client: 'openssh', login: { outcome: 'not-attempted', tried: [], notTested: 'the password, because only OpenSSH can negotiate' } }) });
      const v = buildVerdict('OK', e, 'en');
      assert.match(v.title, /the login was not tested/);
      assert.match(v.summary, /whether the login as "root" works is unknown: CVM Doctor could not test the password/);
      assert.strictEqual(v.loginTested, false);
      assert.strictEqual(verdictPassed(v), false);
      assert.strictEqual(verdictPassed(buildVerdict('OK', healthy(), 'en')), true);
    });
    for (const lang of ['en', 'ko'] as const) {
      it(`OK with the login untested (${lang}): how to test it by hand, and why it was not, by cause`, () => {
        const login = (u: NonNullable<SshResult['login']['untested']>) => healthy({ credentialsGiven: true, identityFile: '/k/id', ssh: ssh({ client: 'openssh', login: { outcome: 'not-attempted', tried: [], reasonKind: 'not-tested', notTested: 'x', untested: u } }) });
        const win = buildVerdict('OK', login([{ kind: 'password-openssh', cause: 'windows' }]), lang);
        assert.ok(win.remediation.some((s) => s.command === 'ssh -o PreferredAuthentications=keyboard-interactive,password -p 22 root@cvm.example.com'), JSON.stringify(win));
        assert.ok(win.remediation.some((s) => /WSL/.test(s.text)));
        assert.ok(!win.remediation.some((s) => s.command === 'ssh -p 22 root@cvm.example.com'), 'no plain "connect" beside the test command');
        const old = buildVerdict('OK', login([{ kind: 'encrypted-key-openssh', path: '/k/my key', cause: 'openssh-old', version: 'OpenSSH_8.2p1' }]), lang);
        assert.ok(old.remediation.some((s) => s.command === "ssh -o IdentitiesOnly=yes -i '/k/my key' -p 22 root@cvm.example.com"), JSON.stringify(old));
        assert.ok(old.remediation.some((s) => /OpenSSH_8\.2p1/.test(s.text) && /8\.4/.test(s.text)));
        assert.match(old.summary, /OpenSSH_8\.2p1/);
        const otp = buildVerdict('OK', login([{ kind: 'extra-prompt' }]), lang);
        assert.ok(otp.remediation.some((s) => /2|two-factor/.test(s.text)));
        const failed = buildVerdict('OK', login([{ kind: 'password-openssh', cause: 'askpass-failed', detail: 'ssh_askpass: exec(/t/askpass): Permission denied' }]), lang);
        assert.match(failed.summary, /"ssh_askpass: exec\(\/t\/askpass\): Permission denied"/);
        assert.ok(failed.remediation.some((s) => /TMPDIR/.test(s.text)));
        for (const v of [win, old, otp, failed]) assert.strictEqual(v.loginTested, false);
      });
    }
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
