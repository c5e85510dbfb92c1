/**
 * (unit) Remediation written for the guest's OS: which OS the evidence names (the guest's
 * /etc/os-release and ssh.socket, the server's identification line, the cloud's OsName), and
 * the text of every verdict for every OS variant in English and Korean — the unit names,
 * `sshd -t` after /run/sshd on Debian/Ubuntu, ssh.socket from Ubuntu 22.10, firewalld on the
 * RHEL family, PowerShell on Windows — and every variant, labelled, when the OS is unknown.
 */
import * as assert from 'assert';
import { guestOs, OS_VARIANTS, parseOsRelease, UNKNOWN_OS, type GuestOs, type OsVariant } from '../../../src/core/guestOs';
import { VERDICT_CODES, type CloudEvidence, type Lang, type RemediationStep, type VerdictCode } from '../../../src/core/model';
import { remediationFor, stepTemplates } from '../../../src/core/remediation';
import { buildVerdict } from '../../../src/core/verdict';
import { alt, banner, cloud, healthy, tcp } from './evidence';

const LANGS: Lang[] = ['en', 'ko'];
const HANGUL = /[\uac00-\ud7a3]/;
const ARGS = { connectCommand: 'ssh -l root cvm.example.com', altConnectCommand: 'ssh -p 2222 -l root cvm.example.com', port: 22, host: 'cvm.example.com', address: '203.0.113.10', user: 'root', altPort: 2222, altPorts: '2222', knownHostsName: 'cvm.example.com', methods: 'publickey', region: 'ap-seoul', instanceId: 'ins-1', securityGroupId: 'sg-1', callerCidr: '198.51.100.7/32', cidrField: 'CidrBlock', aclId: 'acl-1' };
const one = (v: OsVariant): GuestOs => ({ variants: [v], source: 'guest' });
const text = (steps: RemediationStep[]) => steps.map((s) => `${s.text}\n${s.command ?? ''}`).join('\n');
const commands = (steps: RemediationStep[]) => steps.map((s) => s.command ?? '').filter(Boolean);

const guest = (g: Partial<NonNullable<CloudEvidence['guest']>>) => cloud({ guest: { agentOnline: true, ...g } });

describe('(unit) the guest OS behind the remediation', () => {
  const NAMES: Array<[string, OsVariant[]]> = [
    ['Ubuntu Server 22.04 LTS 64bit', ['debian']],
    ['Ubuntu Server 20.04 LTS 64位', ['debian']],
    ['Ubuntu Server 24.04 LTS 64bit', ['ubuntuSocket', 'debian']],
    ['Ubuntu Server 22.10 64bit', ['ubuntuSocket', 'debian']],
    ['Debian 12.0 64bit', ['debian']],
    ['CentOS 7.9 64bit', ['rhel']],
    ['CentOS Stream 9 64bit', ['rhel']],
    ['Rocky Linux 9.0 64bit', ['rhel']],
    ['AlmaLinux 9.0 64bit', ['rhel']],
    ['TencentOS Server 3.1 (TK4)', ['rhel']],
    ['OpenCloudOS 8.6', ['rhel']],
    ['openSUSE Leap 15.4 64bit', ['suse']],
    ['Windows Server 2022 DataCenter 64bit', ['windows']],
    ['Windows Server 2019 数据中心版 64位中文版', ['windows']],
  ];
  for (const [name, variants] of NAMES) {
    it(`cloud OsName "${name}" → ${variants.join(' + ')}`, () => {
      const os = guestOs(healthy({ cloud: cloud({}, { osName: name }) }));
      assert.deepStrictEqual([os.variants, os.source, os.name], [variants, 'cloud', name]);
    });
  }

  it('an OsName we do not know, or none, shows every variant', () => {
    assert.deepStrictEqual(guestOs(healthy({ cloud: cloud({}, { osName: 'FreeBSD 13.1' }) })), UNKNOWN_OS);
    assert.deepStrictEqual(guestOs(healthy()), UNKNOWN_OS);
    assert.deepStrictEqual(UNKNOWN_OS.variants, [...OS_VARIANTS]);
  });

  it('/etc/os-release: ID, ID_LIKE and VERSION_ID, quoted or not', () => {
    assert.deepStrictEqual(parseOsRelease(['PRETTY_NAME="Ubuntu 24.04.1 LTS"', 'NAME="Ubuntu"', 'VERSION_ID="24.04"', 'ID=ubuntu', 'ID_LIKE=debian']),
      { id: 'ubuntu', idLike: ['debian'], versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' });
    assert.deepStrictEqual(parseOsRelease(["ID='rocky'", 'ID_LIKE="rhel centos fedora"', 'VERSION_ID="9.4"']), { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'], versionId: '9.4' });
    assert.strictEqual(parseOsRelease(['', 'garbage']), undefined);
  });

  const RELEASES: Array<[string, string[], OsVariant[]]> = [
    ['Ubuntu 24.04', ['ID=ubuntu', 'VERSION_ID="24.04"', 'PRETTY_NAME="Ubuntu 24.04 LTS"'], ['ubuntuSocket', 'debian']],
    ['Ubuntu 22.04', ['ID=ubuntu', 'VERSION_ID="22.04"'], ['debian']],
    ['Debian 12', ['ID=debian', 'VERSION_ID="12"'], ['debian']],
    ['Linux Mint (ID_LIKE ubuntu)', ['ID=linuxmint', 'ID_LIKE="ubuntu debian"'], ['debian']],
    ['TencentOS', ['ID="tencentos"', 'ID_LIKE="rhel fedora centos"'], ['rhel']],
    ['CentOS 7', ['ID="centos"', 'ID_LIKE="rhel fedora"', 'VERSION_ID="7"'], ['rhel']],
    ['openSUSE Leap', ['ID="opensuse-leap"', 'ID_LIKE="suse opensuse"'], ['suse']],
  ];
  for (const [name, lines, variants] of RELEASES) {
    it(`guest os-release ${name} → ${variants.join(' + ')}`, () => {
      const os = guestOs(healthy({ cloud: guest({ os: parseOsRelease(lines) }) }));
      assert.deepStrictEqual([os.variants, os.source], [variants, 'guest']);
    });
  }

  it('the guest\'s own answer beats the cloud\'s OsName (an upgraded or reinstalled image)', () => {
    const e = healthy({ cloud: cloud({ guest: { agentOnline: true, os: { id: 'rocky' } } }, { osName: 'Ubuntu Server 22.04 LTS 64bit' }) });
    assert.deepStrictEqual(guestOs(e).variants, ['rhel']);
  });

  it('ssh.socket as the guest reports it decides between the Ubuntu variants', () => {
    const ubuntu = { id: 'ubuntu', versionId: '24.04' };
    assert.deepStrictEqual(guestOs(healthy({ cloud: guest({ os: ubuntu, sshSocket: { active: true, ports: [22] }, serviceActive: true }) })).variants, ['ubuntuSocket']);
    assert.deepStrictEqual(guestOs(healthy({ cloud: guest({ os: ubuntu, sshSocket: { active: false, ports: [] }, serviceActive: true }) })).variants, ['debian']);
    // Both stopped: the version's default first, the other one labelled beside it.
    assert.deepStrictEqual(guestOs(healthy({ cloud: guest({ os: ubuntu, sshSocket: { active: false, ports: [] }, serviceActive: false }) })).variants, ['ubuntuSocket', 'debian']);
    // An offline agent says nothing.
    assert.deepStrictEqual(guestOs(healthy({ cloud: cloud({ guest: { agentOnline: false, os: { id: 'rocky' } } }) })), UNKNOWN_OS);
  });

  it('the identification line names Debian, Ubuntu (and its socket era) and Windows builds', () => {
    const by = (line: string) => guestOs(healthy({ banner: banner('ssh', line) }));
    assert.deepStrictEqual([by('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3').variants, by('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3').source], [['debian'], 'banner']);
    assert.deepStrictEqual(by('SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10').variants, ['debian']);
    assert.deepStrictEqual(by('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5').variants, ['ubuntuSocket', 'debian']);
    assert.deepStrictEqual(by('SSH-2.0-OpenSSH_for_Windows_8.1').variants, ['windows']);
    assert.deepStrictEqual(by('SSH-2.0-OpenSSH_7.4'), UNKNOWN_OS, 'RHEL builds do not say');
    // The server that moved to another port identifies itself there.
    const moved = healthy({ tcp: tcp('refused'), banner: undefined, ssh: undefined, altPorts: [{ ...alt(2222, 'connected', 'ssh'), banner: 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13' }] });
    assert.deepStrictEqual(guestOs(moved).variants, ['ubuntuSocket', 'debian']);
  });
});

describe('(unit) remediation per OS', () => {
  // Every verdict, every variant, both languages: the invariants a wrong command would break.
  // (NOT_RDP is an RDP verdict: its steps are Remote Desktop's.)
  for (const code of VERDICT_CODES.filter((c) => c !== 'NOT_RDP')) {
    for (const v of OS_VARIANTS) {
      for (const lang of LANGS) {
        it(`${code} on ${v} (${lang})`, () => {
          const steps = remediationFor(code, 'ssh', lang, ARGS, one(v));
          assert.ok(steps.length > 0, 'no steps');
          for (const s of steps) {
            if (lang === 'ko') assert.ok(HANGUL.test(s.text), `Korean step is not Korean: ${s.text}`);
            else assert.ok(!HANGUL.test(s.text), `English step has Korean: ${s.text}`);
            assert.doesNotMatch(`${s.text} ${s.command ?? ''}`, /\{(unit|sshdT)\}/, 'an OS placeholder was left');
          }
          const cmds = commands(steps);
          if (v === 'windows') {
            for (const c of cmds) assert.doesNotMatch(c, /\bsudo\b|systemctl|journalctl|\/etc\/ssh|\bss -/, `a Linux command for Windows: ${c}`);
          } else {
            for (const c of cmds) assert.doesNotMatch(c, /Get-|Set-Service|Start-Service|\$env:/, `PowerShell for Linux: ${c}`);
          }
          if (v === 'debian' || v === 'ubuntuSocket') {
            for (const c of cmds) {
              // The unit is ssh: "sshd" exists only as an alias while the unit is enabled.
              assert.doesNotMatch(c, /systemctl (?:\S+ )*sshd\b|journalctl -u sshd\b/, `unit sshd on Debian/Ubuntu: ${c}`);
              // sshd -t fails without /run/sshd whenever ssh is stopped.
              for (const m of c.matchAll(/sudo sshd -t/g)) assert.ok(c.slice(0, m.index).endsWith('sudo mkdir -p /run/sshd && '), `sshd -t without /run/sshd: ${c}`);
            }
          }
          if (v === 'rhel' || v === 'suse') {
            for (const c of cmds) {
              assert.doesNotMatch(c, /systemctl (?:\S+ )*ssh\b(?!\.)|journalctl -u ssh\b(?!\.)|\/run\/sshd|ufw/, `a Debian command on ${v}: ${c}`);
            }
          }
          if (v !== 'ubuntuSocket') for (const c of cmds) assert.doesNotMatch(c, /ssh\.socket/, `ssh.socket outside Ubuntu 22.10+: ${c}`);
          // The OS a command is for is named beside it.
          for (const s of steps) if (s.command && /sudo|Get-|Set-|Start-|Restart-|New-Net|\bgrep\b|Select-String|icacls/.test(s.command) && !/^(tccli|ssh |cvm-doctor|nslookup|traceroute|mstsc)/.test(s.command)) {
            assert.match(s.text, /^\[[^\]]+\] /, `guest command without its OS label: ${s.command}`);
          }
        });
      }
    }
  }

  it('Debian/Ubuntu: unit ssh, /run/sshd before sshd -t; the stopped service is enabled and started', () => {
    const steps = remediationFor('SSHD_NOT_RUNNING', 'ssh', 'en', ARGS, one('debian'));
    assert.deepStrictEqual(commands(steps).slice(0, 2), [
      'sudo systemctl enable --now ssh',
      'sudo mkdir -p /run/sshd && sudo sshd -t; sudo journalctl -u ssh -n 50 --no-pager',
    ]);
    assert.ok(steps.every((s) => !s.command || s.text.startsWith('[Debian/Ubuntu] ')));
    assert.deepStrictEqual(commands(remediationFor('PORT_CLOSED', 'ssh', 'en', ARGS, one('debian'))).pop(), 'sudo mkdir -p /run/sshd && sudo sshd -t && sudo systemctl restart ssh');
  });

  it('Ubuntu 22.10+: ssh.socket holds the port — reload and restart the socket after a Port change', () => {
    const moved = remediationFor('SERVICE_ON_OTHER_PORT', 'ssh', 'en', ARGS, one('ubuntuSocket'));
    const back = moved.find((s) => s.command?.includes('daemon-reload'))!;
    assert.strictEqual(back.command, 'grep -i "^Port" /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; sudo mkdir -p /run/sshd && sudo sshd -t && sudo systemctl daemon-reload && sudo systemctl restart ssh.socket');
    assert.match(back.text, /ssh\.socket holds the port.*ListenStream/);
    assert.deepStrictEqual(commands(remediationFor('SSHD_NOT_RUNNING', 'ssh', 'en', ARGS, one('ubuntuSocket')))[0], 'sudo systemctl enable --now ssh.socket');
    assert.match(text(remediationFor('PORT_CLOSED', 'ssh', 'ko', ARGS, one('ubuntuSocket'))), /systemctl status --no-pager ssh\.socket ssh;/);
  });

  it('CentOS/Rocky/AlmaLinux/TencentOS: unit sshd, firewalld; SELinux for a port other than 22', () => {
    const fw = remediationFor('GUEST_FIREWALL_BLOCKS', 'ssh', 'en', ARGS, one('rhel'));
    assert.deepStrictEqual(commands(fw), ['sudo firewall-cmd --list-all; sudo iptables -S INPUT; sudo nft list ruleset', 'sudo firewall-cmd --permanent --add-port=22/tcp && sudo firewall-cmd --reload']);
    assert.ok(fw.every((s) => s.text.startsWith('[CentOS/Rocky/AlmaLinux/TencentOS] ')));
    const down = remediationFor('SSHD_NOT_RUNNING', 'ssh', 'en', { ...ARGS, port: 2200 }, one('rhel'));
    assert.deepStrictEqual(commands(down), ['sudo systemctl enable --now sshd', 'sudo sshd -t; sudo journalctl -u sshd -n 50 --no-pager', 'sudo semanage port -a -t ssh_port_t -p tcp 2200', 'sudo yum install openssh-server']);
    assert.ok(!commands(remediationFor('SSHD_NOT_RUNNING', 'ssh', 'en', ARGS, one('rhel'))).some((c) => c.includes('semanage')), 'port 22 needs no label');
    assert.ok(!commands(remediationFor('SSHD_NOT_RUNNING', 'ssh', 'en', { ...ARGS, port: 2200 }, one('debian'))).some((c) => c.includes('semanage')), 'no SELinux on Debian');
  });

  it('openSUSE: unit sshd, firewalld, zypper', () => {
    const steps = remediationFor('SSHD_NOT_RUNNING', 'ssh', 'ko', ARGS, one('suse'));
    assert.deepStrictEqual(commands(steps), ['sudo systemctl enable --now sshd', 'sudo sshd -t; sudo journalctl -u sshd -n 50 --no-pager', 'sudo zypper install openssh']);
    assert.ok(steps.every((s) => s.text.startsWith('[openSUSE/SLES] ') && HANGUL.test(s.text)));
    assert.deepStrictEqual(commands(remediationFor('PORT_REJECTED', 'ssh', 'en', ARGS, one('suse')))[1], 'sudo firewall-cmd --permanent --add-port=22/tcp && sudo firewall-cmd --reload');
  });

  it('Windows Server: PowerShell — Get-Service sshd, Start-Service, Get-NetFirewallRule, the OpenSSH log', () => {
    const all = (code: VerdictCode, lang: Lang = 'en') => commands(remediationFor(code, 'ssh', lang, ARGS, one('windows')));
    assert.deepStrictEqual(all('SSHD_NOT_RUNNING'), [
      'Set-Service sshd -StartupType Automatic; Start-Service sshd',
      '& "$env:WINDIR\\System32\\OpenSSH\\sshd.exe" -t; Get-WinEvent -LogName OpenSSH/Operational -MaxEvents 20',
      'Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0',
    ]);
    assert.match(all('NO_RESPONSE').join('\n'), /^Get-Service sshd; Get-NetTCPConnection -State Listen/m);
    assert.match(all('GUEST_FIREWALL_BLOCKS')[0], /Get-NetFirewallPortFilter -Protocol TCP \| Where-Object LocalPort -eq 22 \| Get-NetFirewallRule/);
    assert.match(all('GUEST_FIREWALL_BLOCKS')[1], /^New-NetFirewallRule .* -LocalPort 22 -Action Allow$/);
    assert.match(all('PORT_CLOSED').join('\n'), /Select-String -Path "\$env:ProgramData\\ssh\\sshd_config" -Pattern '\^\(Port\|ListenAddress\)'/);
    const auth = remediationFor('AUTH_FAILED', 'ssh', 'ko', ARGS, one('windows'));
    assert.match(text(auth), /administrators_authorized_keys/);
    // The reject-rule advice is about Linux firewalls: not shown for Windows.
    assert.doesNotMatch(text(remediationFor('PORT_CLOSED', 'ssh', 'en', ARGS, one('windows'))), /fail2ban|iptables/);
  });

  it('Windows Server RDP: the registry PortNumber and Remote Desktop firewall rules', () => {
    const closed = commands(remediationFor('PORT_CLOSED', 'rdp', 'en', { ...ARGS, port: 3389 }, one('windows')));
    assert.ok(closed.some((c) => c.includes('HKLM:\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp" -Name PortNumber')));
    assert.ok(commands(remediationFor('PORT_FILTERED', 'rdp', 'en', { ...ARGS, port: 3389 })).some((c) => c.startsWith('Get-NetFirewallRule -DisplayGroup "Remote Desktop"')));
  });

  it('unknown OS: every variant, each labelled; identical commands are shown once for all their systems', () => {
    for (const lang of LANGS) {
      const steps = remediationFor('SSHD_NOT_RUNNING', 'ssh', lang, ARGS);
      const labels = steps.map((s) => /^\[([^\]]+)\]/.exec(s.text)?.[1]);
      assert.deepStrictEqual(labels.slice(0, 4), ['Debian/Ubuntu (ssh.service)', 'Ubuntu 22.10+ (ssh.socket)', 'CentOS/Rocky/AlmaLinux/TencentOS, openSUSE/SLES', 'Windows Server (PowerShell)']);
      assert.ok(labels.every(Boolean), `an unlabelled step: ${JSON.stringify(steps)}`);
    }
    const cfg = remediationFor('PORT_CLOSED', 'ssh', 'en', ARGS).filter((s) => s.command?.includes('ListenAddress'));
    assert.deepStrictEqual(cfg.map((s) => /^\[([^\]]+)\]/.exec(s.text)?.[1]), ['Debian/Ubuntu (ssh.service), CentOS/Rocky/AlmaLinux/TencentOS, openSUSE/SLES', 'Ubuntu 22.10+ (ssh.socket)', 'Windows Server (PowerShell)']);
  });

  it('a client-side step is never labelled or repeated', () => {
    const steps = remediationFor('SERVICE_ON_OTHER_PORT', 'ssh', 'en', ARGS);
    assert.deepStrictEqual(steps.filter((s) => s.command === ARGS.altConnectCommand).map((s) => s.text), ['Connect on the port where SSH answers:']);
  });

  it('every template\'s OS-specific text exists in both languages', () => {
    for (const code of VERDICT_CODES) for (const p of ['ssh', 'rdp'] as const) for (const t of stepTemplates(code, p)) {
      for (const bi of Object.values(t.osText ?? {})) {
        assert.ok(bi && HANGUL.test(bi.ko) && !HANGUL.test(bi.en), `${code}: ${JSON.stringify(bi)}`);
      }
    }
  });

  it('the report picks the variant from the evidence: an Ubuntu 24.04 guest with ssh.socket active', () => {
    const e = healthy({ tcp: tcp('refused', 'ECONNREFUSED'), banner: undefined, ssh: undefined, cloud: guest({ serviceActive: false, os: { id: 'ubuntu', versionId: '24.04' }, sshSocket: { active: false, ports: [] } }) });
    const v = buildVerdict('SSHD_NOT_RUNNING', e, 'en');
    assert.strictEqual(v.remediation[0].command, 'sudo systemctl enable --now ssh.socket');
    assert.ok(v.remediation.some((s) => s.command === 'sudo systemctl enable --now ssh' && s.text.startsWith('[Debian/Ubuntu (ssh.service)] ')));
    assert.ok(!JSON.stringify(v.remediation).includes('Get-Service'), 'a Linux guest gets no PowerShell');
  });
});

describe('(unit) remediation texts the issue names', () => {
  it('PORT_CLOSED says a reject rule looks the same from outside, and includes the firewall check (en, ko)', () => {
    for (const lang of LANGS) {
      const v = buildVerdict('PORT_CLOSED', healthy({ tcp: tcp('refused', 'ECONNREFUSED'), banner: undefined, ssh: undefined, altPorts: [alt(2222, 'refused')] }), lang);
      const all = `${v.summary}\n${text(v.remediation)}`;
      assert.match(all, /reject/);
      assert.match(all, /nft list ruleset \| grep -in reject/);
      assert.match(all, /ufw status verbose/);
      assert.match(all, /firewall-cmd --list-all/);
      assert.match(all, /fail2ban-client status sshd/);
      assert.match(v.summary, lang === 'en' ? /firewall rule rejects/ : /방화벽 규칙이 연결을 거부/);
    }
  });

  it('BANNER_TIMEOUT never advises UseDNS: the banner comes before any lookup; it names load, a full accept queue, a tarpit, a proxy', () => {
    for (const lang of LANGS) {
      const all = text(remediationFor('BANNER_TIMEOUT', 'ssh', lang, ARGS));
      assert.doesNotMatch(all, /UseDNS/);
      assert.match(all, /uptime; free -m/);
      assert.match(all, /Recv-Q/);
      assert.match(all, /tarpit/);
      assert.match(all, lang === 'en' ? /load balancer, NAT port forwarding or a proxy/ : /로드 밸런서, NAT 포트 포워딩, 프록시/);
    }
  });

  it('the tccli rule puts an IPv6 /128 into Ipv6CidrBlock, an IPv4 /32 into CidrBlock', () => {
    const v6 = buildVerdict('SECURITY_GROUP_BLOCKS', healthy({ cloud: cloud({ callerIp: '2001:db8::5' }) }), 'en');
    const cmd6 = v6.remediation.find((s) => s.command?.startsWith('tccli'))!.command!;
    assert.match(cmd6, /"Ipv6CidrBlock":"2001:db8::5\/128"/);
    assert.doesNotMatch(cmd6, /"CidrBlock"/);
    const v4 = buildVerdict('SECURITY_GROUP_BLOCKS', healthy({ cloud: cloud({ callerIp: '198.51.100.7' }) }), 'en');
    assert.match(v4.remediation.find((s) => s.command?.startsWith('tccli'))!.command!, /"CidrBlock":"198\.51\.100\.7\/32"/);
    // Caller unknown on an IPv6 address: the placeholder is for the IPv6 field.
    const unknown6 = healthy({ tcp: { ...tcp('timeout'), address: '2001:db8::10' }, cloud: cloud({}) });
    assert.match(buildVerdict('SECURITY_GROUP_BLOCKS', unknown6, 'en').remediation.find((s) => s.command?.startsWith('tccli'))!.command!, /"Ipv6CidrBlock":"<your-public-ipv6>\/128"/);
  });
});
