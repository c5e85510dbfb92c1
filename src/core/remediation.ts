/**
 * Ordered remediation steps for every verdict code, in English and Korean, per protocol.
 * Commands are the same in both languages; `{…}` placeholders are filled from the diagnosis.
 * Wrong advice is a bug: each command here was chosen to be safe to copy as shown.
 *
 * A command that runs on the guest is written per OS variant (guestOs.ts): the guest's OS
 * picks one; when it is unknown every variant is shown, each step labelled with the systems
 * it is for. `{unit}` and `{sshdT}` in such a command are the variant's service unit and its
 * safe `sshd -t` (Debian/Ubuntu need /run/sshd first: it exists only while ssh runs).
 */
import { UNKNOWN_OS, type GuestOs, type OsVariant } from './guestOs';
import type { Lang, Protocol, RemediationStep, VerdictCode } from './model';
import { format, type Bilingual, type TemplateArgs } from './format';

/** Keys of a per-OS command or text: a variant, a family of them, or every Linux variant. */
type OsKey = OsVariant | 'deb' | 'rpm' | 'linux';
/** A command on the guest, per OS. A variant with no entry (itself, its family, `linux`) gets no step. */
type OsCommand = Partial<Record<OsKey, string>>;

interface StepTemplate {
  text: Bilingual;
  command?: string | OsCommand;
  /** The step's text for variants whose step reads differently. */
  osText?: Partial<Record<OsKey, Bilingual>>;
  doc?: Bilingual;
  /** Only when this holds for the diagnosis (e.g. a port other than 22). */
  when?: (a: TemplateArgs) => boolean;
  /** Only for these systems (a step without a command that concerns some of them). */
  only?: OsKey[];
  /** Only when this placeholder has a value in the diagnosis (advice that applies to one
   *  variant of the verdict, e.g. the legacy-algorithm options). */
  ifArg?: string;
}

const FAMILY: Record<OsVariant, OsKey[]> = {
  debian: ['debian', 'deb', 'linux'],
  ubuntuSocket: ['ubuntuSocket', 'deb', 'linux'],
  rhel: ['rhel', 'rpm', 'linux'],
  suse: ['suse', 'rpm', 'linux'],
  windows: ['windows'],
};
const pick = <T>(m: Partial<Record<OsKey, T>> | undefined, v: OsVariant): T | undefined =>
  m ? FAMILY[v].map((k) => m[k]).find((x) => x !== undefined) : undefined;

const SSHD_T_DEB = 'sudo mkdir -p /run/sshd && sudo sshd -t';
const VARIANT_ARGS: Record<OsVariant, TemplateArgs> = {
  debian: { unit: 'ssh', sshdT: SSHD_T_DEB },
  ubuntuSocket: { unit: 'ssh', sshdT: SSHD_T_DEB },
  rhel: { unit: 'sshd', sshdT: 'sudo sshd -t' },
  suse: { unit: 'sshd', sshdT: 'sudo sshd -t' },
  windows: {},
};

const LABEL: Record<OsVariant, Bilingual> = {
  debian: { en: 'Debian/Ubuntu', ko: 'Debian/Ubuntu' },
  ubuntuSocket: { en: 'Ubuntu 22.10+ (ssh.socket)', ko: 'Ubuntu 22.10+ (ssh.socket)' },
  rhel: { en: 'CentOS/Rocky/AlmaLinux/TencentOS', ko: 'CentOS/Rocky/AlmaLinux/TencentOS' },
  suse: { en: 'openSUSE/SLES', ko: 'openSUSE/SLES' },
  windows: { en: 'Windows Server (PowerShell)', ko: 'Windows Server (PowerShell)' },
};
const LINUX: OsVariant[] = ['debian', 'ubuntuSocket', 'rhel', 'suse'];

/** The label of a group of variants that share one step; `split` = the other groups' variants. */
function label(group: OsVariant[], split: OsVariant[], lang: Lang): string {
  if (LINUX.every((v) => group.includes(v))) return group.includes('windows') ? `Linux, ${LABEL.windows[lang]}` : 'Linux';
  const parts: string[] = [];
  for (const v of group) {
    if (v === 'ubuntuSocket' && group.includes('debian')) continue; // "Debian/Ubuntu" covers both
    // Beside a separate ssh.socket step, the plain one is for systems without the socket.
    parts.push(v === 'debian' && split.includes('ubuntuSocket') ? `${LABEL.debian[lang]} (ssh.service)` : LABEL[v][lang]);
  }
  return parts.join(', ');
}

/** One template → its steps: one, or one per group of OS variants that read the same. */
function expand(s: StepTemplate, os: GuestOs, lang: Lang, args: TemplateArgs): RemediationStep[] {
  if (s.when && !s.when(args)) return [];
  if (s.ifArg !== undefined && (args[s.ifArg] === undefined || args[s.ifArg] === '')) return [];
  const doc = { ...(s.doc ? { doc: s.doc[lang] } : {}), ...(VIA_VNC.test(s.text.en) ? { action: 'vnc-console' as const } : {}) };
  if (typeof s.command !== 'object' && !s.osText && !s.only) {
    return [{ text: format(s.text[lang], args), ...(s.command ? { command: format(s.command, args) } : {}), ...doc }];
  }
  const groups: Array<{ variants: OsVariant[]; text: string; command?: string }> = [];
  for (const v of os.variants) {
    if (s.only && !FAMILY[v].some((k) => s.only!.includes(k))) continue;
    const raw = typeof s.command === 'object' ? pick(s.command, v) : s.command;
    if (typeof s.command === 'object' && raw === undefined) continue;
    const text = format((pick(s.osText, v) ?? s.text)[lang], args);
    const command = raw === undefined ? undefined : format(format(raw, VARIANT_ARGS[v]), args);
    const same = groups.find((g) => g.text === text && g.command === command);
    if (same) same.variants.push(v);
    else groups.push({ variants: [v], text, command });
  }
  return groups.map((g) => ({
    text: `[${label(g.variants, groups.filter((o) => o !== g).flatMap((o) => o.variants), lang)}] ${g.text}`,
    ...(g.command ? { command: g.command } : {}),
    ...doc,
  }));
}

const DOC_SECURITY_GROUP: Bilingual = {
  en: 'https://www.tencentcloud.com/document/product/215/35519',
  ko: 'https://www.tencentcloud.com/ko/document/product/215/35519',
};
const DOC_SSH_KEYS: Bilingual = {
  en: 'https://cloud.tencent.com/document/product/213/6092',
  ko: 'https://cloud.tencent.com/document/product/213/6092',
};
const DOC_SSHD_CONFIG: Bilingual = { en: 'https://man.openbsd.org/sshd_config', ko: 'https://man.openbsd.org/sshd_config' };
const DOC_SSH_KEYGEN: Bilingual = { en: 'https://man.openbsd.org/ssh-keygen', ko: 'https://man.openbsd.org/ssh-keygen' };
const DOC_SSH_CLIENT: Bilingual = { en: 'https://man.openbsd.org/ssh', ko: 'https://man.openbsd.org/ssh' };
const DOC_VSCODE_LINUX: Bilingual = { en: 'https://code.visualstudio.com/docs/remote/linux', ko: 'https://code.visualstudio.com/docs/remote/linux' };
const DOC_VSCODE_OLD_LINUX: Bilingual = { en: 'https://code.visualstudio.com/docs/remote/faq#_can-i-run-vs-code-server-on-older-linux-distributions', ko: 'https://code.visualstudio.com/docs/remote/faq#_can-i-run-vs-code-server-on-older-linux-distributions' };
const DOC_VSCODE_PREVIOUS: Bilingual = { en: 'https://code.visualstudio.com/docs/supporting/faq#_previous-release-versions', ko: 'https://code.visualstudio.com/docs/supporting/faq#_previous-release-versions' };
const DOC_VSCODE_SSH: Bilingual = { en: 'https://code.visualstudio.com/docs/remote/ssh', ko: 'https://code.visualstudio.com/docs/remote/ssh' };
const DOC_SSH_CONFIG: Bilingual = { en: 'https://man.openbsd.org/ssh_config', ko: 'https://man.openbsd.org/ssh_config' };

const VNC: Bilingual = {
  en: 'Through the console\'s VNC login (it does not use the network path that fails),',
  ko: '콘솔의 VNC 로그인(실패하는 네트워크 경로를 거치지 않음)으로 접속해서',
};
const vnc = (en: string, ko: string): Bilingual => ({ en: `${VNC.en} ${en}`, ko: `${VNC.ko} ${ko}` });
/** A step done through the console's VNC login: the extension offers "Open VNC console" beside it. */
const VIA_VNC = /console(?:'s)? VNC login/;

const DOC_LIGHTHOUSE_FIREWALL: Bilingual = {
  en: 'https://www.tencentcloud.com/document/product/1103/41393',
  ko: 'https://www.tencentcloud.com/ko/document/product/1103/41393',
};
const isLighthouse = (a: TemplateArgs) => a.cloudProduct === 'lighthouse';

type Table = Record<VerdictCode, StepTemplate[]>;

// Steps that read the same for SSH and RDP.
const RUNNING_AND_IP: StepTemplate = { text: { en: 'In the console, check that the instance is running and that {address} is its public IP.', ko: '콘솔에서 인스턴스가 실행 중인지, 주소({address})가 공인 IP인지 확인하세요.' } };
const SG_ALLOWS_PORT_AND_ICMP: StepTemplate = { text: { en: 'Check that the security group allows TCP {port} (and ICMP, for ping) from your address.', ko: '보안 그룹이 내 주소에서 TCP {port} (ping을 쓰려면 ICMP도)를 허용하는지 확인하세요.' }, doc: DOC_SECURITY_GROUP };
const SG_ADD_RULE: StepTemplate = { text: { en: 'Security group: add one inbound rule allowing TCP {port} from your address only (put it above any rule that drops it).', ko: '보안 그룹: 내 주소에서만 TCP 포트 {port|을/를} 허용하는 인바운드 규칙 하나를 추가하세요(차단 규칙보다 위에 두세요).' }, doc: DOC_SECURITY_GROUP };
const ACL_ALLOW_PORT: StepTemplate = { text: { en: 'Network ACL of the subnet (if bound): allow inbound TCP {port} and outbound TCP 1024-65535 for the return traffic.', ko: '서브넷의 네트워크 ACL(연결된 경우): 인바운드 TCP {port|와/과} 응답 트래픽용 아웃바운드 TCP 1024-65535를 허용하세요.' } };
// A Lighthouse instance has no security groups and no network ACL: its own firewall instead.
const FW_ALLOWS_PORT_AND_ICMP: StepTemplate = { text: { en: 'Check that the instance firewall allows TCP {port} (and ICMP, for ping) from your address.', ko: '인스턴스 방화벽이 내 주소에서 오는 TCP {port} 연결(ping을 쓰려면 ICMP도)을 허용하는지 확인하세요.' }, doc: DOC_LIGHTHOUSE_FIREWALL };
const FW_ADD_RULE: StepTemplate = { text: { en: 'Instance firewall: add one rule allowing TCP {port} from your address only (put it above any rule that drops it).', ko: '인스턴스 방화벽: 내 주소에서 오는 TCP {port} 연결만 허용하는 규칙 하나를 추가하세요(차단 규칙보다 위에 두세요).' }, doc: DOC_LIGHTHOUSE_FIREWALL };
const FW_ALLOWS_WHICHEVER_PORT: StepTemplate = { text: { en: 'Whichever port you use, the instance firewall must allow it from your address.', ko: '어느 포트를 쓰든 인스턴스 방화벽이 내 주소에서 그 포트를 허용해야 합니다.' }, doc: DOC_LIGHTHOUSE_FIREWALL };
const SG_ALLOWS_WHICHEVER_PORT: StepTemplate = { text: { en: 'Whichever port you use, the security group must allow it from your address.', ko: '어느 포트를 쓰든 보안 그룹이 내 주소에서 그 포트를 허용해야 합니다.' }, doc: DOC_SECURITY_GROUP };

// Commands on the guest, per OS. Windows Server's OpenSSH lives in System32\OpenSSH, its
// configuration in ProgramData\ssh, its log in the OpenSSH/Operational event log.
const WIN_SSHD = '& "$env:WINDIR\\System32\\OpenSSH\\sshd.exe"';
const WIN_CONFIG = '"$env:ProgramData\\ssh\\sshd_config"';
const WIN_LOG = 'Get-WinEvent -LogName OpenSSH/Operational -MaxEvents 20';
const WIN_VALIDATE_RESTART = `${WIN_SSHD} -t; if ($LASTEXITCODE -eq 0) { Restart-Service sshd }`;
const WIN_PORT_RULES = 'Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq {port} | Get-NetFirewallRule | Format-Table DisplayName,Enabled,Direction,Action';
const JOURNAL = 'sudo journalctl -u {unit} -n 50 --no-pager';
/** The filesystems the in-guest check reads (cloud/guestScriptHealth.ts HEALTH_PATHS). */
const HEALTH_DF = 'df -h / /var /home /tmp; df -i / /var /home /tmp';
const GREP_PORTS = 'grep -iE "^(Port|ListenAddress)" /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf';
const GREP_PORT = 'grep -i "^Port" /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf';
/** On Ubuntu 22.10+ ssh.socket holds the port: after a Port change it is reloaded and restarted. */
const SOCKET_RESTART = '{sshdT} && sudo systemctl daemon-reload && sudo systemctl restart ssh.socket';

const SSHD_STATUS: OsCommand = {
  linux: 'sudo systemctl status --no-pager {unit}; sudo ss -tlnp | grep \'"sshd\'',
  ubuntuSocket: 'sudo systemctl status --no-pager ssh.socket ssh; sudo ss -tlnp | grep -E \'"(sshd|systemd)"\'',
  windows: 'Get-Service sshd; Get-NetTCPConnection -State Listen | Where-Object OwningProcess -in (Get-Process sshd).Id',
};
const CONFIG_PORTS: OsCommand = {
  linux: GREP_PORTS,
  ubuntuSocket: `${GREP_PORTS}; systemctl cat ssh.socket | grep -i ListenStream`,
  windows: `Select-String -Path ${WIN_CONFIG} -Pattern '^(Port|ListenAddress)'`,
};
/** Validate, then restart after a change that is not the port. */
const VALIDATE_RESTART: OsCommand = { linux: '{sshdT} && sudo systemctl restart {unit}', windows: WIN_VALIDATE_RESTART };
/** Validate, then (re)start listening: on Ubuntu 22.10+ that is ssh.socket's job. */
const VALIDATE_LISTEN: OsCommand = { ...VALIDATE_RESTART, ubuntuSocket: SOCKET_RESTART };
const SSHD_LOG: OsCommand = { linux: JOURNAL, ubuntuSocket: 'sudo journalctl -u ssh.socket -u ssh -n 50 --no-pager', windows: WIN_LOG };
const FW_RULES: OsCommand = {
  deb: 'sudo ufw status verbose; sudo iptables -S INPUT; sudo nft list ruleset',
  rpm: 'sudo firewall-cmd --list-all; sudo iptables -S INPUT; sudo nft list ruleset',
  windows: WIN_PORT_RULES,
};
/** Reject rules in any chain, and fail2ban, whose default ban rejects (ICMP port-unreachable). */
const REJECT_RULES: OsCommand = {
  deb: 'sudo ufw status verbose; sudo iptables -S | grep -i reject; sudo nft list ruleset | grep -in reject; sudo fail2ban-client status sshd',
  rpm: 'sudo firewall-cmd --list-all; sudo iptables -S | grep -i reject; sudo nft list ruleset | grep -in reject; sudo fail2ban-client status sshd',
};
const FW_ALLOW: OsCommand = {
  deb: 'sudo ufw allow {port}/tcp',
  rpm: 'sudo firewall-cmd --permanent --add-port={port}/tcp && sudo firewall-cmd --reload',
  windows: 'New-NetFirewallRule -DisplayName "OpenSSH {port}" -Direction Inbound -Protocol TCP -LocalPort {port} -Action Allow',
};
const PORT_OWNER: OsCommand = { linux: 'sudo ss -tlnp | grep ":{port} "', windows: 'Get-Process -Id (Get-NetTCPConnection -LocalPort {port} -State Listen).OwningProcess' };
const notPort22 = (a: TemplateArgs) => String(a.port) !== '22';
/** RHEL-family SELinux lets sshd bind only ports labelled ssh_port_t (22 is). */
const SELINUX_PORT: StepTemplate = {
  text: { en: 'SELinux lets sshd listen only on ports labelled for it: label port {port}, or sshd cannot bind it ("Permission denied" in its log):', ko: 'SELinux는 sshd에 지정된 포트에서만 수신 대기를 허용합니다. 포트 {port}에 레이블을 붙이세요(그렇지 않으면 바인드에 실패하고 로그에 "Permission denied"가 남습니다):' },
  command: { rhel: 'sudo semanage port -a -t ssh_port_t -p tcp {port}' },
  when: notPort22,
};

// "Is it my network?" (clientNet.ts): another network, the network's owner, or sshd on 443 too.
const TRY_OTHER_NETWORK: StepTemplate = { text: { en: 'Try from another network, a phone hotspot for example: if it connects there, your usual network blocks outgoing TCP {port}.', ko: '다른 네트워크(예: 휴대폰 핫스팟)에서 시도해 보세요. 그곳에서 접속된다면 평소 쓰는 네트워크가 나가는 TCP 포트 {port|을/를} 막는 것입니다.' } };
const ASK_NETWORK_OWNER: StepTemplate = { text: { en: 'Ask whoever runs your network (company IT, the school, your ISP) whether outgoing TCP {port} is blocked, and to allow it to {address}.', ko: '네트워크 관리자(회사 IT 부서, 학교, 인터넷 서비스 제공업체)에게 나가는 TCP 포트 {port|이/가} 막혀 있는지 묻고, 주소 {address} 쪽으로 허용해 달라고 요청하세요.' } };
/** Inserted at the top of sshd_config (never inside a Match block); the current port is added
 *  too when no Port line is set, since listing any port replaces the default 22 (sudo grep: on
 *  RHEL the file is readable by root only). */
const ADD_PORT_443 = "sudo grep -qiE '^[[:space:]]*Port[[:space:]]' /etc/ssh/sshd_config || sudo sed -i '1i Port {port}' /etc/ssh/sshd_config; sudo sed -i '1i Port 443' /etc/ssh/sshd_config";
const SSHD_ON_443: StepTemplate = {
  text: vnc('let sshd listen on port 443 as well, which networks rarely block outgoing: add "Port 443" at the top of sshd_config (with "Port {port}" when no Port line is set, so port {port} keeps working), then validate and restart:', 'sshd가 포트 443에서도 수신 대기하게 하세요(나가는 443 포트는 거의 막히지 않습니다). sshd_config 맨 위에 "Port 443" 줄을 넣고(Port 줄이 없으면 기존 포트 {port}에서도 계속 접속되도록 "Port {port}" 줄도 넣습니다) 검증한 뒤 재시작하세요:'),
  osText: { ubuntuSocket: vnc('let sshd listen on port 443 as well, which networks rarely block outgoing. ssh.socket holds the ports: add "Port 443" at the top of sshd_config (with "Port {port}" when no Port line is set), then validate and reload: from Ubuntu 23.10 on, daemon-reload carries the ports into ssh.socket (on 22.10 and 23.04 add "ListenStream=443" with "sudo systemctl edit ssh.socket" instead):', 'sshd가 포트 443에서도 수신 대기하게 하세요(나가는 443 포트는 거의 막히지 않습니다). 이 시스템에서는 ssh.socket 유닛이 포트를 잡고 있습니다. sshd_config 맨 위에 "Port 443" 줄을 넣고(Port 줄이 없으면 "Port {port}" 줄도 넣습니다) 검증한 뒤 다시 읽게 하세요. Ubuntu 23.10부터는 daemon-reload 명령이 포트 설정을 ssh.socket 유닛에 반영합니다(22.10, 23.04에서는 대신 "sudo systemctl edit ssh.socket" 명령으로 "ListenStream=443" 줄을 넣으세요):') },
  command: { linux: `${ADD_PORT_443} && {sshdT} && sudo systemctl restart {unit}`, ubuntuSocket: `${ADD_PORT_443} && ${SOCKET_RESTART}` },
  doc: DOC_SSHD_CONFIG,
};
const SELINUX_443: StepTemplate = {
  text: { en: 'SELinux labels port 443 for web servers: relabel it for sshd, or sshd cannot bind it ("Permission denied" in its log):', ko: 'SELinux는 포트 443에 웹 서버용 레이블을 붙여 둡니다. sshd용으로 레이블을 바꾸세요(그렇지 않으면 바인드에 실패하고 로그에 "Permission denied"가 남습니다):' },
  command: { rhel: 'sudo semanage port -m -t ssh_port_t -p tcp 443' },
};
const GUEST_FW_443: StepTemplate = {
  text: { en: 'If the guest firewall is on, allow 443 there too:', ko: '게스트 방화벽을 쓰고 있다면 포트 443도 허용하세요:' },
  command: { deb: 'sudo ufw allow 443/tcp', rpm: 'sudo firewall-cmd --permanent --add-port=443/tcp && sudo firewall-cmd --reload' },
};
const CONNECT_443: StepTemplate = { text: { en: 'Then connect on port 443:', ko: '그런 다음 포트 443으로 접속하세요:' }, command: '{connect443Command}', ifArg: 'connect443Command', doc: DOC_SSH_CLIENT };

/** The port verdict when the SYNs arrive and the replies are lost (clientNet.ts returnPathBlocked). */
const RETURN_PATH: readonly StepTemplate[] = [
  { text: { en: 'In the console, check the outbound rules of the subnet\'s network ACL: a network ACL is stateless, so the reply from port {port} to {source} needs an outbound rule of its own (TCP 1024-65535 to your address).', ko: '콘솔에서 서브넷 네트워크 ACL의 아웃바운드 규칙을 확인하세요. 네트워크 ACL은 상태를 기억하지 않으므로 포트 {port}에서 {source} 주소로 가는 응답에도 별도의 아웃바운드 규칙(내 주소로 가는 TCP 1024-65535)이 필요합니다.' } },
  { text: vnc('check how the instance routes its reply to your address, and whether an output rule drops it:', '인스턴스가 내 주소로 가는 응답을 어떻게 라우팅하는지, 출력 규칙이 응답을 버리는지 확인하세요:'), command: { linux: 'ip route get {source}; ip rule list; sudo iptables -S OUTPUT; sudo nft list ruleset | grep -n -i -e output -e "sport {port}"' } },
  { text: { en: 'Check reverse-path filtering: strict mode (1) drops packets whose way back is not the way they came in (two network interfaces, policy routes):', ko: '역경로 필터링을 확인하세요. 엄격 모드(1)는 들어온 길과 돌아갈 길이 다른 패킷(네트워크 인터페이스 두 개, 정책 라우팅)을 버립니다:' }, command: { linux: "sysctl -a 2>/dev/null | grep '\\.rp_filter'" } },
];

const SSH: Table = {
  OK: [
    { when: (a) => !a.testPasswordCommand && !a.testKeyCommand && !!a.connectCommand, text: { en: 'Connect:', ko: '다음 명령으로 접속하세요:' }, command: '{connectCommand}', doc: DOC_SSH_CLIENT },
    // A login asked for that could not be tested (verdict loginTested false): test it by hand, and why it was not.
    { ifArg: 'testPasswordCommand', text: { en: 'Test the password yourself (OpenSSH asks for it):', ko: '비밀번호는 직접 테스트하세요(OpenSSH가 비밀번호를 묻습니다):' }, command: '{testPasswordCommand}', doc: DOC_SSH_CLIENT },
    { ifArg: 'testKeyCommand', text: { en: 'Test the key yourself (OpenSSH asks for its passphrase):', ko: '키는 직접 테스트하세요(OpenSSH가 암호 문구를 묻습니다):' }, command: '{testKeyCommand}', doc: DOC_SSH_CLIENT },
    { ifArg: 'askpassOld', text: { en: 'Or update OpenSSH on this machine ({askpassOld}) to 8.4 or later and diagnose again: CVM Doctor then tests the login through it.', ko: '또는 이 컴퓨터의 OpenSSH({askpassOld})를 8.4 이상으로 업데이트한 뒤 다시 진단하세요. 그러면 CVM Doctor가 OpenSSH로 로그인을 테스트합니다.' } },
    { ifArg: 'askpassWindows', text: { en: 'Or diagnose from WSL, Linux or macOS: there CVM Doctor hands the secret to OpenSSH and tests the login.', ko: '또는 WSL, Linux, macOS에서 진단하세요. 그곳에서는 CVM Doctor가 OpenSSH에 비밀 정보를 전달해 로그인을 테스트합니다.' } },
    { ifArg: 'askpassFailed', text: { en: 'OpenSSH could not run CVM Doctor\'s helper from the temporary folder (it may be mounted noexec): set TMPDIR to a folder of your own where programs may run, and diagnose again.', ko: 'OpenSSH가 임시 폴더에서 CVM Doctor 도우미를 실행하지 못했습니다(noexec로 마운트되었을 수 있음). 프로그램을 실행할 수 있는 본인 폴더를 TMPDIR로 지정하고 다시 진단하세요.' } },
    { ifArg: 'extraPrompt', text: { en: 'The server asked for something that looks like a one-time code or a confirmation (a two-factor login?): CVM Doctor never answers those, so only your own login shows whether the password is right.', ko: '서버가 일회용 코드나 확인처럼 보이는 입력을 요구했습니다(2단계 로그인일 수 있음). CVM Doctor는 이런 입력에 답하지 않으므로 비밀번호가 맞는지는 직접 로그인해 봐야 알 수 있습니다.' } },
  ],
  DNS_FAILURE: [
    { text: { en: 'Check the name for typos and resolve it yourself:', ko: '이름에 오타가 없는지 확인하고 직접 조회해 보세요:' }, command: 'nslookup {host}' },
    { text: { en: 'If the name lives in a private DNS zone (e.g. a VPC private domain), connect through the VPN or use the instance\'s public IP from the console.', ko: '사설 DNS 영역(예: VPC 프라이빗 도메인)의 이름이라면 VPN으로 접속하거나 콘솔에서 인스턴스의 공인 IP를 확인해 사용하세요.' } },
    { text: { en: 'Diagnose the IP address directly to rule out DNS:', ko: 'DNS 문제를 배제하려면 IP 주소로 직접 진단하세요:' }, command: 'cvm-doctor diagnose <public-ip> --port {port}' },
  ],
  HOST_UNREACHABLE: [
    { text: { en: 'In the console, check that the instance is running and that {address} is still its public IP (without an Elastic IP, the public IP can change after the instance is stopped and started).', ko: '콘솔에서 인스턴스가 실행 중인지, 주소({address})가 여전히 공인 IP인지 확인하세요(EIP가 없으면 중지 후 시작 시 공인 IP가 바뀔 수 있습니다).' } },
    { text: { en: 'See where the route ends:', ko: '경로가 어디에서 끊기는지 확인하세요:' }, command: 'traceroute -n {address}' },
    { text: { en: 'If you are on a VPN or a corporate network, try from another network (e.g. a mobile hotspot).', ko: 'VPN이나 사내망을 사용 중이라면 다른 네트워크(예: 모바일 핫스팟)에서 시도해 보세요.' } },
  ],
  NO_RESPONSE: [
    RUNNING_AND_IP,
    SG_ALLOWS_PORT_AND_ICMP,
    { text: vnc('check sshd and what it listens on:', 'sshd 상태와 수신 대기 포트를 확인하세요:'), command: SSHD_STATUS },
  ],
  PORT_FILTERED: [
    SG_ADD_RULE,
    ACL_ALLOW_PORT,
    { text: vnc('check the guest firewall for rules on the port:', '게스트 방화벽에 해당 포트 규칙이 있는지 확인하세요:'), command: { deb: 'sudo ufw status verbose; sudo iptables -S INPUT; sudo nft list ruleset | grep -n "{port}"', rpm: 'sudo firewall-cmd --list-all; sudo iptables -S INPUT; sudo nft list ruleset | grep -n "{port}"', windows: WIN_PORT_RULES } },
    { text: { en: 'Your own network may block outgoing port {port}: try from another network.', ko: '내 네트워크가 나가는 포트 {port|을/를} 막고 있을 수 있습니다. 다른 네트워크에서 시도해 보세요.' } },
  ],
  PORT_REJECTED: [
    { text: vnc('look for a reject rule on the port (firewalld rejects every port it does not allow):', '해당 포트의 reject 규칙을 찾으세요(firewalld는 허용하지 않은 모든 포트를 거부합니다):'), command: { ...REJECT_RULES, windows: 'Get-NetFirewallRule -Action Block -Enabled True | Get-NetFirewallPortFilter | Where-Object LocalPort -eq {port}' } },
    { text: { en: 'Allow the port in the firewall that rejects it (a plain iptables or nft rule: delete that rule instead):', ko: '포트를 거부하는 방화벽에서 허용하세요(iptables나 nft 규칙을 직접 쓴 경우에는 그 규칙을 지우세요):' }, command: FW_ALLOW },
    { text: { en: 'If no rule in the guest rejects it, a firewall on the path (corporate proxy/firewall) does: try from another network.', ko: '게스트에 거부 규칙이 없다면 경로상의 방화벽(사내 방화벽 등)이 거부하는 것입니다. 다른 네트워크에서 시도해 보세요.' } },
  ],
  PORT_CLOSED: [
    { text: { en: 'From outside, a guest firewall rule that rejects the port (iptables/nft "reject", ufw "reject", a fail2ban ban) looks exactly like a closed port: if sshd turns out to be running, check the firewall as shown below.', ko: '밖에서 보면 포트를 거부하는 게스트 방화벽 규칙(iptables/nft "reject", ufw "reject", fail2ban 차단)은 닫힌 포트와 똑같이 보입니다. sshd가 실행 중이라면 아래와 같이 방화벽을 확인하세요.' }, only: ['linux'] },
    { text: vnc('check whether sshd runs and which address and port it listens on:', 'sshd가 실행 중인지, 어떤 주소와 포트에서 수신 대기하는지 확인하세요:'), command: SSHD_STATUS },
    { text: { en: 'Check Port and ListenAddress in the configuration:', ko: '설정에서 Port와 ListenAddress 값을 확인하세요:' }, command: CONFIG_PORTS, doc: DOC_SSHD_CONFIG },
    { text: { en: 'If sshd listens on port {port}, look for the rule that rejects it, and whether fail2ban banned your address:', ko: 'sshd가 포트 {port}에서 수신 대기 중이라면 이를 거부하는 규칙과 fail2ban이 내 주소를 차단했는지 확인하세요:' }, command: REJECT_RULES },
    { text: { en: 'Validate the configuration, then start sshd:', ko: '설정을 검증한 뒤 sshd를 시작하세요:' }, command: VALIDATE_LISTEN },
  ],
  SERVICE_ON_OTHER_PORT: [
    { ifArg: 'altConnectCommand', text: { en: 'Connect on the port where SSH answers:', ko: 'SSH가 응답하는 포트로 접속하세요:' }, command: '{altConnectCommand}' },
    {
      text: { en: 'Or move sshd back: set "Port {port}" in sshd_config (check sshd_config.d too), then validate and restart:', ko: '또는 sshd 포트를 되돌리세요: sshd_config(sshd_config.d 포함)에 "Port {port}" 줄을 넣은 뒤 검증하고 재시작하세요:' },
      osText: { ubuntuSocket: { en: 'Or move sshd back: ssh.socket holds the port. Set "Port {port}" in sshd_config (check sshd_config.d too), then validate and reload: from Ubuntu 23.10 on, daemon-reload carries the Port into ssh.socket (on 22.10, 23.04 and Debian set ListenStream with "sudo systemctl edit ssh.socket" instead):', ko: '또는 sshd 포트를 되돌리세요. 이 시스템에서는 ssh.socket 유닛이 포트를 잡고 있습니다. sshd_config(sshd_config.d 포함)에 "Port {port}" 줄을 넣은 뒤 검증하고 다시 읽게 하세요. Ubuntu 23.10부터는 daemon-reload 명령이 Port 설정을 ssh.socket 유닛에 반영합니다(22.10, 23.04와 Debian에서는 대신 "sudo systemctl edit ssh.socket" 명령으로 ListenStream 값을 설정하세요):' } },
      command: { linux: `${GREP_PORT}; {sshdT} && sudo systemctl restart {unit}`, ubuntuSocket: `${GREP_PORT}; ${SOCKET_RESTART}`, windows: `Select-String -Path ${WIN_CONFIG} -Pattern '^Port'; ${WIN_VALIDATE_RESTART}` },
      doc: DOC_SSHD_CONFIG,
    },
    SELINUX_PORT,
    SG_ALLOWS_WHICHEVER_PORT,
  ],
  NOT_SSH: [
    { text: { en: 'Check that {port} is the right port. Inside the instance, see which program owns it:', ko: '포트 번호 {port|이/가} 올바른지 확인하세요. 인스턴스 안에서 어떤 프로그램이 포트를 쓰는지 보세요:' }, command: PORT_OWNER },
    { text: { en: 'If a proxy or port forwarding sits in front, point it at sshd, or move the other service to another port.', ko: '앞단에 프록시나 포트 포워딩이 있다면 sshd로 향하게 하거나, 다른 서비스를 다른 포트로 옮기세요.' } },
  ],
  NOT_RDP: [], // filled below: the same steps as under RDP (an SSH target never yields it)
  BANNER_TIMEOUT: [
    { ifArg: 'kexStall', text: { en: 'A key exchange that stalls after the server\'s first packets often means a path that drops large packets (an MTU black hole: VPNs, tunnels, PPPoE). Look for the path MTU, and try a lower MTU on your side:', ko: '서버의 첫 패킷 이후 키 교환이 멈춘다면 큰 패킷을 버리는 경로(MTU 블랙홀: VPN, 터널, PPPoE)인 경우가 많습니다. 경로 MTU를 확인하고 내 쪽에서 더 낮은 MTU를 시도해 보세요:' }, command: 'tracepath -n {address}' },
    // sshd sends its identification before any lookup or authentication: silence here means
    // it is not being served at all (a stuck or overloaded sshd, a full accept queue), or that
    // something else holds the connection (a tarpit, a proxy or load balancer forwarding nowhere).
    { text: vnc('check the load, memory and sshd\'s log:', '부하, 메모리, sshd 로그를 확인하세요:'), command: { linux: `uptime; free -m; ${JOURNAL}`, ubuntuSocket: 'uptime; free -m; sudo journalctl -u ssh.socket -u ssh -n 50 --no-pager', windows: `Get-Counter '\\Processor(_Total)\\% Processor Time'; ${WIN_LOG}` } },
    { text: { en: 'See which program owns port {port}: a tarpit or a proxy accepts and never answers. For sshd, a Recv-Q that stays at its Send-Q means the accept queue is full (a connection flood, or sshd stuck): restart it.', ko: '포트 {port|을/를} 어떤 프로그램이 쓰는지 확인하세요. tarpit이나 프록시는 연결만 받고 응답하지 않습니다. sshd라면 Recv-Q가 Send-Q에 머무는 것은 수락 대기열이 가득 찼다는 뜻입니다(접속 폭주 또는 sshd 멈춤). 재시작하세요.' }, command: PORT_OWNER },
    { text: { en: 'If a load balancer, NAT port forwarding or a proxy sits in front of the instance, check that it forwards to sshd and that its backend is healthy.', ko: '인스턴스 앞에 로드 밸런서, NAT 포트 포워딩, 프록시가 있다면 sshd로 전달하는지, 백엔드가 정상인지 확인하세요.' } },
  ],
  CONNECTION_CLOSED: [
    { text: vnc('check whether your address is banned (fail2ban, hosts.deny):', '내 주소가 차단되었는지(fail2ban, hosts.deny) 확인하세요:'), command: { linux: 'sudo fail2ban-client status sshd; grep -v "^#" /etc/hosts.deny' } },
    { text: { en: 'Read sshd\'s reason in its log (MaxStartups, missing host keys, bad configuration):', ko: 'sshd 로그에서 이유(MaxStartups, 호스트 키 없음, 잘못된 설정)를 확인하세요:' }, command: SSHD_LOG },
    { text: { en: 'If the host keys are missing, regenerate them and restart:', ko: '호스트 키가 없다면 다시 생성하고 재시작하세요:' }, command: { linux: 'sudo ssh-keygen -A && {sshdT} && sudo systemctl restart {unit}' } },
  ],
  KEX_FAILED: [
    { text: { en: 'Compare what the server offers (see the key-exchange check) with what your client supports:', ko: '서버가 제시한 알고리즘(키 교환 검사 참고)과 클라이언트가 지원하는 알고리즘을 비교하세요:' }, command: 'ssh -Q kex; ssh -Q HostKeyAlgorithms; ssh -Q cipher; ssh -Q mac' },
    { ifArg: 'legacyOptions', text: { en: 'The server offers only legacy algorithms: as a stopgap, enable the ones it needs for this connection only (never in your global configuration):', ko: '서버가 오래된 알고리즘만 제시합니다. 임시 방편으로 필요한 알고리즘을 이 연결에만 허용하세요(전역 설정에는 넣지 마세요):' }, command: 'ssh {legacyOptions} -p {port} {user}@{host}', doc: DOC_SSH_CLIENT },
    { ifArg: 'legacyOnly', text: { en: 'Better: update OpenSSH on the server, or list modern algorithms in its KexAlgorithms, HostKeyAlgorithms, Ciphers and MACs settings.', ko: '권장: 서버의 OpenSSH를 업데이트하거나 KexAlgorithms, HostKeyAlgorithms, Ciphers, MACs 설정에 최신 알고리즘을 추가하세요.' }, doc: DOC_SSHD_CONFIG },
    { ifArg: 'clientUpgrade', text: { en: 'The server requires algorithms no client here supports ({clientUpgrade}): install or update an OpenSSH client (sntrup761x25519-sha512 needs OpenSSH 9.0 or later, mlkem768x25519-sha256 needs 9.9 or later), or have the server also offer a widely supported one such as curve25519-sha256. Do not weaken anything: these are not legacy algorithms.', ko: '서버가 이 컴퓨터의 어떤 클라이언트도 지원하지 않는 알고리즘({clientUpgrade})을 요구합니다. OpenSSH 클라이언트를 설치하거나 업데이트하세요(필요한 버전: sntrup761x25519-sha512에 OpenSSH 9.0 이상, mlkem768x25519-sha256에 9.9 이상). 또는 서버가 curve25519-sha256 등 널리 지원되는 알고리즘도 제시하도록 하세요. 오래된 알고리즘 문제가 아니므로 보안 설정을 낮추지 마세요.' }, doc: DOC_SSH_CLIENT },
  ],
  HOST_KEY_MISMATCH: [
    { text: { en: 'Do not log in yet. Compare the fingerprint shown above with the instance\'s own key, read out of band (console VNC login, or the in-guest check):', ko: '아직 로그인하지 마세요. 위에 표시된 지문을 별도 경로(콘솔 VNC 로그인 또는 게스트 내부 검사)로 확인한 인스턴스 키와 비교하세요:' }, command: { linux: 'for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f"; done', windows: 'Get-ChildItem "$env:ProgramData\\ssh\\ssh_host_*_key.pub" | ForEach-Object { ssh-keygen -lf $_.FullName }' }, doc: DOC_SSH_KEYGEN },
    { text: { en: 'Only if they match (the instance was reinstalled or its keys regenerated), forget the old entries — under the name and under the address, since a recycled cloud IP leaves its own line — and reconnect:', ko: '지문이 일치할 때만(인스턴스 재설치 또는 키 재생성) 이전 항목을 이름과 주소 모두에서 지우고(재사용된 클라우드 IP는 주소 항목이 따로 남습니다) 다시 접속하세요:' }, command: '{forgetCommand}' },
    { text: { en: 'If they do not match, someone may be intercepting the connection: do not connect, and check your network.', ko: '일치하지 않는다면 누군가 연결을 가로채고 있을 수 있습니다. 접속하지 말고 네트워크를 점검하세요.' } },
  ],
  AUTH_FAILED: [
    { text: { en: 'Check the user name: Ubuntu images log in as "ubuntu", most other Linux images as "root".', ko: '사용자 이름을 확인하세요: Ubuntu 이미지는 "ubuntu", 대부분의 다른 Linux 이미지는 "root"입니다.' } },
    { text: { en: 'With a key: check that this key pair is bound to the instance, and watch which keys are offered:', ko: '키를 쓰는 경우: 이 키 페어가 인스턴스에 연결되어 있는지 확인하고, 어떤 키가 제시되는지 보세요:' }, command: 'ssh -v -o IdentitiesOnly=yes -i <private-key-file> -p {port} {user}@{host}', doc: DOC_SSH_KEYS },
    {
      text: vnc('check the permissions sshd insists on, and its log:', 'sshd가 요구하는 권한과 로그를 확인하세요:'),
      osText: { windows: vnc('check the key file sshd reads (for an administrator it is C:\\ProgramData\\ssh\\administrators_authorized_keys, which only Administrators and SYSTEM may access), and its log:', 'sshd가 읽는 키 파일(관리자 계정의 키 파일: C:\\ProgramData\\ssh\\administrators_authorized_keys, Administrators와 SYSTEM만 접근할 수 있어야 함)과 로그를 확인하세요:') },
      command: { linux: `ls -ld ~{user}/.ssh ~{user}/.ssh/authorized_keys; ${JOURNAL}`, windows: `icacls "$env:ProgramData\\ssh\\administrators_authorized_keys"; ${WIN_LOG}` },
    },
    { text: { en: 'With a password: reset it in the console (the instance restarts), then try again.', ko: '비밀번호를 쓰는 경우: 콘솔에서 비밀번호를 재설정(인스턴스가 재시작됨)한 뒤 다시 시도하세요.' } },
  ],
  AUTH_METHOD_UNAVAILABLE: [
    { text: { en: 'Log in with a method the server offers ({methods}); for "publickey", bind a key pair to the instance in the console.', ko: '서버가 허용하는 방식({methods})으로 로그인하세요. "publickey" 라면 콘솔에서 인스턴스에 키 페어를 연결하세요.' }, doc: DOC_SSH_KEYS },
    { ifArg: 'enablePassword', text: { en: 'To allow passwords (keys are safer): set "PasswordAuthentication yes" in sshd_config and in any sshd_config.d file that overrides it, then validate and restart:', ko: '비밀번호를 허용하려면(키가 더 안전합니다): sshd_config 파일과 이를 덮어쓰는 sshd_config.d 파일에 "PasswordAuthentication yes" 줄을 넣은 뒤 검증하고 재시작하세요:' }, command: { linux: 'sudo grep -ri "^PasswordAuthentication" /etc/ssh/sshd_config /etc/ssh/sshd_config.d/; {sshdT} && sudo systemctl restart {unit}', windows: `Select-String -Path ${WIN_CONFIG} -Pattern '^PasswordAuthentication'; ${WIN_VALIDATE_RESTART}` }, doc: DOC_SSHD_CONFIG },
  ],
  HOST_KEY_UNKNOWN: [
    { text: { en: 'Verify the key out of band before you trust it: through the console\'s VNC login, list the instance\'s own host keys and compare them with {fingerprint} ({keyType}):', ko: '신뢰하기 전에 별도 경로로 키를 확인하세요: 콘솔의 VNC 로그인으로 인스턴스 자신의 호스트 키 목록을 보고 이 키({fingerprint}, {keyType})와 비교하세요:' }, command: { linux: 'for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f"; done', windows: 'Get-ChildItem "$env:ProgramData\\ssh\\ssh_host_*_key.pub" | ForEach-Object { ssh-keygen -lf $_.FullName }' }, doc: DOC_SSH_KEYGEN },
    { text: { en: 'With a Tencent Cloud account, CVM Doctor compares them for you (a read-only check inside the instance through Tencent Automation Tools):', ko: 'Tencent Cloud 계정이 있다면 CVM Doctor가 대신 비교합니다(Tencent Automation Tools를 통한 인스턴스 내부 읽기 전용 검사):' }, command: 'cvm-doctor diagnose {host} --port {port} --tencent-instance {instanceRef} --region {regionRef} --guest-checks' },
    { text: { en: 'If they match, accept the key and test the login: add --accept-new to the cvm-doctor command, or let OpenSSH record it (accept-new writes an unknown key to known_hosts and never accepts a changed one):', ko: '일치하면 키를 수락하고 로그인을 테스트하세요: cvm-doctor 명령에 --accept-new 옵션을 추가하거나 OpenSSH가 기록하게 하세요(accept-new 옵션은 알 수 없는 키만 known_hosts 파일에 기록하고 바뀐 키는 절대 수락하지 않습니다):' }, command: '{acceptCommand}', doc: DOC_SSH_CLIENT },
    { text: { en: 'If they do not match, something else answers in the instance\'s place: do not log in.', ko: '일치하지 않으면 다른 무언가가 인스턴스 대신 응답하고 있습니다. 로그인하지 마세요.' } },
  ],
  KEY_FORMAT_UNSUPPORTED: [
    // Named by the Local layer (the file itself), before anything was sent.
    { ifArg: 'publicKeyGiven', text: { en: 'You gave the public key: give the private key next to it (the same name without .pub). This prints its public key, which must match:', ko: '공개 키를 지정했습니다. 그 옆의 개인 키(.pub 없는 같은 이름)를 지정하세요. 아래 명령이 개인 키의 공개 키를 출력하며 두 값이 같아야 합니다:' }, command: 'ssh-keygen -y -f {privateGuess}', doc: DOC_SSH_KEYGEN },
    { text: { en: 'Check that the file is the private key (not the .pub file) and that SSH can read it: this prints its public key, or says what is wrong:', ko: '파일이 (.pub 파일이 아닌) 개인 키이고 SSH가 읽을 수 있는지 확인하세요. 정상이면 공개 키가 출력되고, 아니면 문제가 표시됩니다:' }, command: 'ssh-keygen -y -f {identity}', doc: DOC_SSH_KEYGEN },
    { ifArg: 'keyEncrypted', text: { en: 'The key is encrypted: give its passphrase (cvm-doctor --passphrase-env VAR; in VS Code, save it with the instance).', ko: '키가 암호화되어 있습니다. 암호 문구를 지정하세요(cvm-doctor --passphrase-env VAR, VS Code에서는 인스턴스에 저장).' } },
    // ppkCommand names the file when the Local layer found a PPK key (PuTTYgen on Windows: Conversions → Export OpenSSH key).
    { text: { en: 'A key exported from PuTTY (.ppk) converts to OpenSSH format with puttygen:', ko: 'PuTTY에서 내보낸 키(.ppk)는 puttygen으로 OpenSSH 형식으로 변환하세요:' }, command: '{ppkCommand}' },
    { text: { en: 'If the private key is lost, bind a new key pair to the instance in the console (the instance restarts).', ko: '개인 키를 잃어버렸다면 콘솔에서 인스턴스에 새 키 페어를 연결하세요(인스턴스가 재시작됩니다).' }, doc: DOC_SSH_KEYS },
  ],
  LOCAL_CONFIG_ERROR: [
    { ifArg: 'configPermFix', text: { en: 'OpenSSH refuses a config file that others can write. Make it writable by you only (CVM Doctor\'s report can do this for you after showing it):', ko: 'OpenSSH 클라이언트는 다른 사용자가 쓸 수 있는 설정 파일을 거부합니다. 내 계정만 쓸 수 있게 바꾸세요(CVM Doctor 보고서에서 명령을 보여 준 뒤 대신 실행할 수 있습니다):' }, command: '{configPermFix}', doc: DOC_SSH_CONFIG },
    { ifArg: 'configLine', text: { en: 'Fix line {configLine} of {configFile}: {configMessage}', ko: '설정 파일({configFile})의 {configLine}번째 줄을 고치세요: {configMessage}' }, doc: DOC_SSH_CONFIG },
    { text: { en: 'Check it: this prints the settings OpenSSH will use for the host, or the same error:', ko: '확인하세요. 아래 명령은 OpenSSH 클라이언트가 이 호스트에 쓸 설정을 출력하거나 같은 오류를 보여 줍니다:' }, command: '{sshGCommand}', doc: DOC_SSH_CONFIG },
  ],
  LOCAL_KEY_REFUSED: [
    { ifArg: 'keyFixCommand', text: { en: 'Make the key readable by you only (CVM Doctor\'s report can do this for you after showing it, and undo it):', ko: '내 계정만 키를 읽을 수 있게 바꾸세요(CVM Doctor 보고서에서 명령을 보여 준 뒤 대신 실행하고 되돌릴 수도 있습니다):' }, command: '{keyFixCommand}', doc: DOC_SSH_CLIENT },
    { ifArg: 'keyUnreadable', text: { en: 'The file cannot be read by you ({keyUnreadable}): give your own account read access to it, or use a copy you own.', ko: '내 계정으로 파일을 읽을 수 없습니다({keyUnreadable}). 내 계정에 읽기 권한을 주거나 내 소유의 사본을 사용하세요.' } },
    { text: { en: 'Then check that OpenSSH loads it (it prints the public key):', ko: '그다음 OpenSSH 클라이언트가 키를 읽는지 확인하세요(공개 키가 출력됩니다):' }, command: 'ssh-keygen -y -f {keyRefusedPath}', doc: DOC_SSH_KEYGEN },
  ],
  INSTANCE_NOT_RUNNING: [
    // Lighthouse states that need more than "start it" (InstanceState).
    { when: (a) => a.lhState === 'RESCUE_MODE', text: { en: 'The instance is in rescue mode: exit rescue mode in the Lighthouse console, and it boots from its own system disk again.', ko: '인스턴스가 복구 모드입니다. Lighthouse 콘솔에서 복구 모드를 끝내면 원래 시스템 디스크로 다시 부팅합니다.' } },
    { when: (a) => a.lhState === 'SHUTDOWN', text: { en: 'SHUTDOWN means stopped and waiting to be destroyed (it expired): renew it in the console before it is released.', ko: 'SHUTDOWN 상태는 만료되어 폐기를 기다리는 중지 상태입니다. 해제되기 전에 콘솔에서 갱신하세요.' } },
    { when: (a) => a.lhState === 'FREEZING', text: { en: 'FREEZING: the instance is being frozen, usually for an overdue payment: check the billing center.', ko: 'FREEZING 상태는 보통 미납 때문에 인스턴스가 동결되는 중이라는 뜻입니다. 결제 센터를 확인하세요.' } },
    { text: { en: 'Start the instance in the console, or with the Tencent Cloud CLI:', ko: '콘솔에서 인스턴스를 시작하거나 Tencent Cloud CLI를 사용하세요:' }, command: 'tccli {cloudProduct} StartInstances --region {region} --InstanceIds \'["{instanceId}"]\'' },
    { text: { en: 'If it does not reach RUNNING, check the instance\'s status details and the account\'s billing in the console.', ko: 'RUNNING 상태가 되지 않으면 콘솔에서 인스턴스 상태 상세와 계정 결제 상태를 확인하세요.' } },
  ],
  INSTANCE_ISOLATED: [
    { ifArg: 'trafficOverdue', text: { en: 'Pay the overdue traffic in the billing center (or buy more traffic): Tencent Cloud restores the network of {instanceId} once nothing is owed.', ko: '결제 센터에서 미납된 트래픽 요금을 결제하거나 트래픽을 추가로 구매하세요. 미납 금액이 없어지면 Tencent Cloud가 인스턴스 네트워크를 복구합니다({instanceId}).' } },
    { ifArg: 'networkRestrict', text: { en: 'NETWORK_RESTRICT: Lighthouse restricted this instance\'s network, usually after a violation or security notice. Read the notice in the Message Center, remove the cause, then ask for the restriction to be lifted (console or support ticket).', ko: 'NETWORK_RESTRICT 상태: Lighthouse가 인스턴스 네트워크를 제한했습니다. 보통 위반 또는 보안 알림 뒤에 이렇게 됩니다. 메시지 센터에서 알림을 읽고 원인을 없앤 뒤 콘솔이나 지원 티켓으로 제한 해제를 요청하세요.' } },
    { when: (a) => !a.trafficOverdue && !a.networkRestrict, text: { en: 'An expired or overdue instance is isolated until it is renewed: check the billing center and renew it.', ko: '만료되었거나 연체된 인스턴스는 갱신될 때까지 격리됩니다. 결제 센터에서 확인하고 갱신하세요.' } },
    { when: (a) => !a.trafficOverdue && !a.networkRestrict, text: { en: 'If it was isolated for security reasons, read the security notice in the console and contact support.', ko: '보안상의 이유로 격리되었다면 콘솔의 보안 알림을 확인하고 고객 지원에 문의하세요.' } },
  ],
  SECURITY_GROUP_BLOCKS: [
    { text: { en: 'Add one inbound rule: TCP {port} from {callerCidr} only, above any rule that drops it (CVM Doctor\'s "Open port for my IP" does exactly this, after showing you the rule).', ko: '인바운드 규칙 하나를 추가하세요: {callerCidr}에서만 TCP {port} 허용, 차단 규칙보다 위에(CVM Doctor의 "내 IP에 포트 열기"가 규칙을 보여준 뒤 정확히 이것을 합니다).' }, doc: DOC_SECURITY_GROUP },
    { text: { en: 'Or from the CLI (security group {securityGroupId}):', ko: '또는 CLI로(보안 그룹 {securityGroupId}):' }, command: 'tccli vpc CreateSecurityGroupPolicies --region {region} --SecurityGroupId {securityGroupId} --SecurityGroupPolicySet \'{"Ingress":[{"PolicyIndex":0,"Protocol":"TCP","Port":"{port}","{cidrField}":"{callerCidr}","Action":"ACCEPT","PolicyDescription":"CVM Doctor"}]}\'' },
  ],
  NETWORK_ACL_BLOCKS: [
    { text: { en: 'Edit network ACL {aclId} of the instance\'s subnet: allow inbound TCP {port} from {callerCidr} and outbound TCP 1024-65535 for the return traffic, above the deny rules.', ko: '인스턴스 서브넷의 네트워크 ACL({aclId})을 수정하세요: {callerCidr}에서 오는 인바운드 TCP {port|와/과} 응답용 아웃바운드 TCP 1024-65535를 거부 규칙보다 위에 허용하세요.' }, doc: DOC_SECURITY_GROUP },
  ],
  INSTANCE_FIREWALL_BLOCKS: [
    { text: { en: 'Add one firewall rule: TCP {port} from {callerCidr} only, above any rule that drops it (CVM Doctor\'s "Open port for my IP" does exactly this, after showing you the rule).', ko: '방화벽 규칙 하나를 추가하세요(TCP {port}, 출발지 {callerCidr}, ACCEPT). 이 연결을 차단하는 규칙보다 위에 있어야 합니다. CVM Doctor의 "내 IP에 포트 열기"는 규칙을 보여 준 뒤 정확히 이 작업을 합니다.' }, doc: DOC_LIGHTHOUSE_FIREWALL },
    { text: { en: 'Or from the CLI (the API chooses where the rule goes: check afterwards that it is above every rule that drops it):', ko: '또는 CLI로 추가하세요. 규칙 위치는 API가 정하므로, 추가한 뒤 차단 규칙보다 위에 있는지 확인하세요:' }, command: 'tccli lighthouse CreateFirewallRules --region {region} --InstanceId {instanceId} --FirewallRules \'[{"Protocol":"TCP","Port":"{port}","{cidrField}":"{callerCidr}","Action":"ACCEPT","FirewallRuleDescription":"CVM Doctor"}]\'' },
  ],
  SSHD_NOT_RUNNING: [
    { text: vnc('start sshd and enable it at boot:', 'sshd를 시작하고 부팅 시 자동 시작하게 하세요:'), command: { linux: 'sudo systemctl enable --now {unit}', ubuntuSocket: 'sudo systemctl enable --now ssh.socket', windows: 'Set-Service sshd -StartupType Automatic; Start-Service sshd' } },
    { text: { en: 'If it does not start, validate the configuration and read the log:', ko: '시작되지 않으면 설정을 검증하고 로그를 확인하세요:' }, command: { linux: `{sshdT}; ${JOURNAL}`, ubuntuSocket: '{sshdT}; sudo journalctl -u ssh.socket -u ssh -n 50 --no-pager', windows: `${WIN_SSHD} -t; ${WIN_LOG}` } },
    SELINUX_PORT,
    { text: { en: 'If the SSH server is not installed at all, install it:', ko: 'SSH 서버가 아예 설치되어 있지 않다면 설치하세요:' }, command: { deb: 'sudo apt-get install openssh-server', rhel: 'sudo yum install openssh-server', suse: 'sudo zypper install openssh', windows: 'Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0' } },
  ],
  JUMP_FORWARDING_DENIED: [
    { text: { en: 'On bastion {via}, see what its sshd allows (as root, on the bastion):', ko: '배스천({via})에서 sshd가 무엇을 허용하는지 확인하세요(배스천에서 root 권한으로):' }, command: { linux: 'sudo sshd -T | grep -Ei \'^(allowtcpforwarding|disableforwarding|permitopen)\'', windows: `${WIN_SSHD} -T | Select-String -Pattern '^(allowtcpforwarding|disableforwarding|permitopen)'` }, doc: DOC_SSHD_CONFIG },
    { text: { en: 'Allow it: set "AllowTcpForwarding yes" (or "local"), and remove a "DisableForwarding yes" or a "PermitOpen" that leaves out {host}:{port}, in sshd_config or in the Match block for your user; then validate and restart sshd on the bastion:', ko: '허용하려면 sshd_config 또는 사용자에게 적용되는 Match 블록에서 "AllowTcpForwarding yes"(또는 "local")를 설정하고, {host}:{port} 주소를 빠뜨린 "PermitOpen" 설정이나 "DisableForwarding yes" 설정을 지운 뒤 배스천에서 설정을 검증하고 sshd를 재시작하세요:' }, command: VALIDATE_RESTART, doc: DOC_SSHD_CONFIG },
    { text: { en: 'If the bastion is a managed jump server (a bastion host service, a company jump box), ask its administrator to allow forwarding to {host}:{port} for your user.', ko: '배스천이 관리형 점프 서버(배스천 호스트 서비스, 사내 점프 서버)라면 관리자에게 내 사용자의 {host}:{port} 주소 전달을 허용해 달라고 요청하세요.' } },
  ],
  CLIENT_NETWORK_BLOCKS: [TRY_OTHER_NETWORK, ASK_NETWORK_OWNER, SSHD_ON_443, SELINUX_443, GUEST_FW_443, SG_ALLOWS_WHICHEVER_PORT, CONNECT_443],
  GUEST_FIREWALL_BLOCKS: [
    { text: vnc('list the firewall rules:', '방화벽 규칙을 확인하세요:'), command: FW_RULES },
    { text: { en: 'Allow the port in the firewall that blocks it, named above (a plain iptables or nft rule: delete that rule instead):', ko: '위에 표시된, 포트를 차단하는 방화벽에서 허용하세요(iptables나 nft 규칙을 직접 쓴 경우에는 그 규칙을 지우세요):' }, command: FW_ALLOW },
  ],
  REMOTE_SERVER_UNSUPPORTED: [
    { ifArg: 'tarMissing', text: { en: 'Install tar (the server arrives as a tarball):', ko: 'tar를 설치하세요(서버는 tar 압축 파일로 전달됩니다):' }, command: { deb: 'sudo apt-get install -y tar', rhel: 'sudo yum install -y tar', suse: 'sudo zypper install -y tar' } },
    { when: (a) => a.tarOnly !== 'yes', text: { en: 'The lasting fix: move to an image VS Code supports (glibc 2.28+, libstdc++ with GLIBCXX_3.4.25, kernel 4.18+), e.g. TencentOS Server 3 or later, Ubuntu 20.04 or later, Debian 10 or later, Rocky or AlmaLinux 8 or later. Reinstalling replaces the system disk: back up your data first.', ko: '근본적인 해결 방법: VS Code가 지원하는 이미지(glibc 2.28 이상, GLIBCXX_3.4.25를 제공하는 libstdc++, 커널 4.18 이상)로 옮기세요. 예: TencentOS Server 3 이상, Ubuntu 20.04 이상, Debian 10 이상, Rocky 또는 AlmaLinux 8 이상. 재설치하면 시스템 디스크가 교체되므로 먼저 데이터를 백업하세요.' }, doc: DOC_VSCODE_LINUX },
    { ifArg: 'pinHelps', text: { en: 'To keep this image for now: use VS Code 1.98, the last release whose server still starts on older systems (with a warning), and turn off updates with the setting "update.mode": "none".', ko: '당분간 이 이미지를 유지하려면: 오래된 시스템에서도 서버가 (경고와 함께) 시작되는 마지막 릴리스인 VS Code 1.98을 사용하고, "update.mode": "none" 설정으로 업데이트를 끄세요.' }, doc: DOC_VSCODE_PREVIOUS },
    { ifArg: 'sysrootHelps', text: { en: 'VS Code\'s documented workaround for an old glibc or libstdc++ (not supported by Microsoft): build a sysroot with glibc 2.28+ and libstdc++ (crosstool-ng), install patchelf 0.18+ on the instance, and set these three variables in the environment the server starts with:', ko: '오래된 glibc나 libstdc++에 대해 VS Code 문서가 안내하는 우회 방법(Microsoft 지원 대상 아님): glibc 2.28 이상과 libstdc++가 들어 있는 sysroot를 crosstool-ng로 만들고, 인스턴스에 patchelf 0.18 이상을 설치한 뒤, 서버가 시작되는 환경에 다음 세 변수를 설정하세요:' }, command: { linux: 'export VSCODE_SERVER_CUSTOM_GLIBC_LINKER=<sysroot>/lib/{ldLinux} VSCODE_SERVER_CUSTOM_GLIBC_PATH=<sysroot>/lib:<sysroot>/usr/lib VSCODE_SERVER_PATCHELF_PATH=<patchelf>' }, doc: DOC_VSCODE_OLD_LINUX },
  ],
  DISK_FULL: [
    // Seen by the in-guest check while the login fails (healthArgs guestDiskFull): the console
    // is the way in; then find what fills the filesystem and free it.
    { ifArg: 'guestDiskFull', text: vnc('see which filesystems are full (space and inodes): {diskProblems}:', '어느 파일 시스템이 가득 찼는지 확인하세요(공간과 inode). CVM Doctor가 본 내용: {diskProblems}:'), command: { linux: HEALTH_DF } },
    { ifArg: 'sessionFailed', text: { en: 'The key is accepted but the session cannot start: PAM\'s session stack failed (pam_mkhomedir cannot create a home on a full /home, a quota, a full /var). sshd\'s log names the module:', ko: '키는 받아들여지지만 세션을 시작하지 못합니다. PAM 세션 단계가 실패했습니다(가득 찬 /home에 pam_mkhomedir가 홈 디렉터리를 만들지 못함, 쿼터, 가득 찬 /var). sshd 로그에 해당 모듈이 나옵니다:' }, command: { linux: 'sudo grep -ih "pam" /var/log/auth.log /var/log/secure 2>/dev/null | tail -n 20; sudo journalctl -u {unit} -n 30 --no-pager 2>/dev/null | grep -i pam | tail -n 20' } },
    { ifArg: 'fullPath', text: { en: 'Find what fills {fullPath} (the largest folders last; -x stays on that filesystem):', ko: '{fullPath} 경로를 무엇이 채우고 있는지 찾으세요(가장 큰 폴더가 마지막에 나옵니다. -x는 같은 파일 시스템 안에서만 셉니다):' }, command: { linux: 'sudo du -xh --max-depth=1 {fullPath} 2>/dev/null | sort -h | tail -n 15' } },
    { ifArg: 'guestDiskFull', text: { en: 'Old logs are the usual cause: see how much the journal and /var/log hold, then shrink the journal to 200 MB (systemd keeps the newest):', ko: '흔한 원인은 오래된 로그입니다. 저널과 /var/log가 차지하는 공간을 확인한 뒤 저널을 200 MB로 줄이세요(systemd는 최신 로그를 남깁니다):' }, command: { linux: 'sudo journalctl --disk-usage; sudo du -xsh /var/log; sudo journalctl --vacuum-size=200M' } },
    { ifArg: 'guestDiskFull', text: { en: 'Clear the package manager\'s download cache:', ko: '패키지 관리자의 다운로드 캐시를 지우세요:' }, command: { deb: 'sudo apt-get clean', rhel: 'sudo yum clean all', suse: 'sudo zypper clean --all' } },
    { ifArg: 'inodesFull', text: { en: 'Out of inodes means many small files (session files, caches, mail queues): count files per folder to find them:', ko: 'inode가 부족하다는 것은 작은 파일이 아주 많다는 뜻입니다(세션 파일, 캐시, 메일 대기열). 폴더별 파일 수를 세어 찾으세요:' }, command: { linux: 'sudo du -x --inodes --max-depth=1 {fullPath} 2>/dev/null | sort -n | tail -n 15' } },
    { ifArg: 'rootReadOnly', text: { en: 'A filesystem the kernel remounted read-only after errors shows in the kernel log; it needs a filesystem check (fsck) from the console or rescue mode, after a snapshot of the disk:', ko: '오류 때문에 커널이 읽기 전용으로 다시 마운트한 파일 시스템은 커널 로그에 나타납니다. 디스크 스냅샷을 만든 뒤 콘솔이나 복구 모드에서 파일 시스템 검사(fsck)가 필요합니다:' }, command: { linux: 'sudo dmesg | grep -iE "remount|read-only|I/O error|EXT4-fs error|XFS" | tail -n 20; grep -E " / " /proc/mounts' } },
    { when: (a) => a.guestDiskFull !== 'yes', text: { en: 'See what fills your home and /tmp (space and inodes):', ko: '홈 디렉터리와 /tmp를 무엇이 채우고 있는지 확인하세요(공간과 inode):' }, command: { linux: 'df -h ~ /tmp; df -i ~ /tmp; du -xsh ~/.vscode-server ~/.cache /tmp 2>/dev/null' } },
    { when: (a) => a.guestDiskFull !== 'yes', text: { en: 'Free at least about 200 MB there: old logs, caches, and VS Code servers of versions you no longer use (each is a folder under ~/.vscode-server).', ko: '그곳에 약 200 MB 이상을 확보하세요: 오래된 로그, 캐시, 더 이상 쓰지 않는 버전의 VS Code 서버(각각 ~/.vscode-server 아래의 폴더)를 정리하세요.' } },
    { when: (a) => a.guestDiskFull !== 'yes', text: { en: 'Or install the server on a filesystem with room: Remote-SSH\'s setting remote.SSH.serverInstallPath maps this host to another folder.', ko: '또는 여유가 있는 파일 시스템에 서버를 설치하세요: Remote-SSH의 remote.SSH.serverInstallPath 설정으로 이 호스트의 설치 폴더를 바꿀 수 있습니다.' }, doc: DOC_VSCODE_SSH },
    { ifArg: 'homeReadOnly', text: { en: 'The home directory is not writable: a filesystem remounted read-only after errors shows in the kernel log:', ko: '홈 디렉터리에 쓸 수 없습니다. 오류 후 읽기 전용으로 다시 마운트된 파일 시스템은 커널 로그에 나타납니다:' }, command: { linux: 'dmesg | tail -n 30; grep -E " (/|/home) " /proc/mounts' } },
  ],
  INSTANCE_OVERLOADED: [
    { ifArg: 'topProcess', text: vnc('look at the process that uses the most (CVM Doctor saw {topProcess}): what it is, and which service runs it:', '가장 많이 쓰는 프로세스를 확인하세요(CVM Doctor가 본 프로세스: {topProcess}). 무엇인지, 어떤 서비스가 실행하는지 보세요:'), command: { linux: 'ps -o pid,user,etime,pcpu,pmem,args -p {topPid}; systemctl status {topPid} --no-pager' } },
    { text: vnc('list what uses the CPU and the memory now:', '지금 CPU와 메모리를 쓰는 프로세스를 확인하세요:'), command: { linux: 'uptime; free -m; ps -eo pid,user,pcpu,pmem,rss,comm --sort=-pcpu | head -n 15; ps -eo pid,user,pcpu,pmem,rss,comm --sort=-rss | head -n 10', windows: 'Get-Process | Sort-Object CPU -Descending | Select-Object -First 15 Id,ProcessName,CPU,WorkingSet64' } },
    { ifArg: 'memorySignal', text: { en: 'Memory ran out: see what the OOM killer ended, then stop or limit the process that grows, or add memory (a bigger instance, or swap):', ko: '메모리가 부족했습니다. OOM killer가 무엇을 종료했는지 확인한 뒤 계속 커지는 프로세스를 멈추거나 제한하고, 메모리를 늘리세요(더 큰 인스턴스 또는 스왑):' }, command: { linux: 'sudo dmesg | grep -E "Out of memory|oom-kill|Killed process" | tail -n 20' } },
    { ifArg: 'topProcess', text: { en: 'If it is a runaway, stop it (or restart the service it belongs to) and the login comes back:', ko: '폭주하는 프로세스라면 멈추세요(또는 속한 서비스를 재시작하세요). 그러면 로그인이 다시 됩니다:' }, command: { linux: 'sudo kill {topPid}' } },
    { ifArg: 'stealSignal', text: { en: 'High steal means the host gives this instance less CPU than it wants: a burstable instance out of CPU credits, or a busy host. Move to an instance type with dedicated CPU (change the instance configuration in the console).', ko: 'steal 값이 높다는 것은 호스트가 이 인스턴스에 필요한 CPU 시간을 다 주지 않는다는 뜻입니다. CPU 크레딧을 다 쓴 버스터블 인스턴스이거나 호스트가 바쁜 경우입니다. 전용 CPU가 있는 인스턴스 유형으로 바꾸세요(콘솔에서 인스턴스 구성 변경).' } },
    { ifArg: 'bandwidthSignal', text: vnc('the public bandwidth is at its cap of {bandwidthCap} Mbps (peak {bandwidthPeak} Mbps): find the connections that send the most, then limit that service or raise the bandwidth cap in the console:', '공인 대역폭이 한도 {bandwidthCap} Mbps에 이르렀습니다(최대 {bandwidthPeak} Mbps). 가장 많이 보내는 연결을 찾은 뒤 그 서비스를 제한하거나 콘솔에서 대역폭 한도를 올리세요:'), command: { linux: 'sudo ss -tnpi state established | head -n 40' } },
    { text: { en: 'If the instance is simply too small for its work, upgrade it (more CPU or memory) in the console; a stopped instance keeps its disks.', ko: '인스턴스가 작업량에 비해 너무 작다면 콘솔에서 사양을 올리세요(CPU 또는 메모리 추가). 인스턴스를 중지해도 디스크는 유지됩니다.' } },
  ],
  PORT_FORWARDING_DISABLED: [
    { text: { en: 'Find what turns forwarding off: AllowTcpForwarding no, DisableForwarding yes, or a Match block that sets them (what CVM Doctor read: {forwardingLines}):', ko: '포워딩을 끄는 설정을 찾으세요: AllowTcpForwarding no, DisableForwarding yes, 또는 이를 설정하는 Match 블록(CVM Doctor가 읽은 내용: {forwardingLines}):' }, command: { linux: 'sudo grep -rn -i -E "^[[:space:]]*(AllowTcpForwarding|DisableForwarding|Match)" /etc/ssh/sshd_config /etc/ssh/sshd_config.d/', windows: `Select-String -Path ${WIN_CONFIG} -Pattern '^\\s*(AllowTcpForwarding|DisableForwarding|Match)'` }, doc: DOC_SSHD_CONFIG },
    { text: { en: 'Change that line to "AllowTcpForwarding yes" (or "local", which is all Remote-SSH needs), remove "DisableForwarding yes", then validate and restart sshd:', ko: '해당 줄을 "AllowTcpForwarding yes"로 바꾸고(Remote-SSH에는 "local"로도 충분합니다) "DisableForwarding yes"를 지운 뒤, 검증하고 sshd를 재시작하세요:' }, command: { linux: '{sshdT} && sudo systemctl restart {unit}', windows: WIN_VALIDATE_RESTART }, doc: DOC_SSHD_CONFIG },
    { text: { en: 'If a security policy forbids forwarding on this host, Remote-SSH cannot work here; a plain SSH terminal still does.', ko: '보안 정책상 이 호스트에서 포워딩이 금지되어 있다면 Remote-SSH는 쓸 수 없습니다. 일반 SSH 터미널은 계속 쓸 수 있습니다.' } },
  ],
};

/** RDP differs where the service, its configuration and its tools differ. */
const RDP_OVERRIDES: Partial<Table> = {
  CLIENT_NETWORK_BLOCKS: [TRY_OTHER_NETWORK, ASK_NETWORK_OWNER],
  OK: [{ text: { en: 'Connect with Remote Desktop:', ko: '원격 데스크톱으로 접속하세요:' }, command: 'mstsc /v:{host}:{port}' }],
  NO_RESPONSE: [
    RUNNING_AND_IP,
    SG_ALLOWS_PORT_AND_ICMP,
    { text: vnc('in PowerShell, check the Remote Desktop service:', 'PowerShell에서 원격 데스크톱 서비스를 확인하세요:'), command: 'Get-Service TermService; netstat -ano | findstr :{port}' },
  ],
  PORT_FILTERED: [
    SG_ADD_RULE,
    ACL_ALLOW_PORT,
    { text: vnc('in PowerShell, check Windows Firewall for Remote Desktop:', 'PowerShell에서 Windows 방화벽의 원격 데스크톱 규칙을 확인하세요:'), command: 'Get-NetFirewallRule -DisplayGroup "Remote Desktop" | Format-Table DisplayName,Enabled,Action' },
  ],
  PORT_REJECTED: [
    { text: vnc('in PowerShell, look for blocking rules on the port:', 'PowerShell에서 해당 포트를 막는 규칙을 찾으세요:'), command: 'Get-NetFirewallRule -Action Block -Enabled True | Get-NetFirewallPortFilter | Where-Object LocalPort -eq {port}' },
    { text: { en: 'If no rule in the guest rejects it, a firewall on the path does: try from another network.', ko: '게스트에 거부 규칙이 없다면 경로상의 방화벽이 거부하는 것입니다. 다른 네트워크에서 시도해 보세요.' } },
  ],
  PORT_CLOSED: [
    { text: vnc('in PowerShell, check that Remote Desktop is enabled and its service runs:', 'PowerShell에서 원격 데스크톱이 켜져 있고 서비스가 실행 중인지 확인하세요:'), command: 'Get-ItemProperty "HKLM:\\System\\CurrentControlSet\\Control\\Terminal Server" -Name fDenyTSConnections; Get-Service TermService' },
    { text: { en: 'See which port Remote Desktop listens on:', ko: '원격 데스크톱이 어떤 포트에서 수신 대기하는지 확인하세요:' }, command: 'Get-ItemProperty "HKLM:\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp" -Name PortNumber' },
    { text: { en: 'Enable Remote Desktop and start the service:', ko: '원격 데스크톱을 켜고 서비스를 시작하세요:' }, command: 'Set-ItemProperty "HKLM:\\System\\CurrentControlSet\\Control\\Terminal Server" -Name fDenyTSConnections -Value 0; Start-Service TermService' },
  ],
  SERVICE_ON_OTHER_PORT: [
    { text: { en: 'Connect on the port where RDP answers:', ko: 'RDP가 응답하는 포트로 접속하세요:' }, command: 'mstsc /v:{host}:{altPort}' },
    { text: { en: 'Or move Remote Desktop back to {port} (then restart the service):', ko: '또는 원격 데스크톱 포트를 {port|으로/로} 되돌리세요(그 후 서비스 재시작):' }, command: 'Set-ItemProperty "HKLM:\\System\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp" -Name PortNumber -Value {port}' },
    SG_ALLOWS_WHICHEVER_PORT,
  ],
  NOT_RDP: [
    { text: { en: 'Check that {port} is the right port. Inside the instance, see which process owns it:', ko: '포트 번호 {port|이/가} 올바른지 확인하세요. 인스턴스 안에서 어떤 프로세스가 포트를 쓰는지 보세요:' }, command: 'Get-NetTCPConnection -LocalPort {port} -State Listen | Select-Object OwningProcess' },
    { text: { en: 'If a proxy or port forwarding sits in front, point it at Remote Desktop.', ko: '앞단에 프록시나 포트 포워딩이 있다면 원격 데스크톱으로 향하게 하세요.' } },
  ],
  BANNER_TIMEOUT: [
    { text: vnc('check the load and the Remote Desktop service:', '부하와 원격 데스크톱 서비스를 확인하세요:'), command: 'Get-Service TermService; Get-Counter "\\Processor(_Total)\\% Processor Time"' },
    { text: { en: 'Restart the Remote Desktop service:', ko: '원격 데스크톱 서비스를 재시작하세요:' }, command: 'Restart-Service TermService -Force' },
  ],
  CONNECTION_CLOSED: [
    { text: vnc('read the Remote Desktop logs:', '원격 데스크톱 로그를 확인하세요:'), command: 'Get-WinEvent -LogName "Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational" -MaxEvents 20' },
    { text: { en: 'Restart the Remote Desktop service:', ko: '원격 데스크톱 서비스를 재시작하세요:' }, command: 'Restart-Service TermService -Force' },
  ],
  SSHD_NOT_RUNNING: [
    { text: vnc('in PowerShell, start Remote Desktop Services:', 'PowerShell에서 원격 데스크톱 서비스를 시작하세요:'), command: 'Set-Service TermService -StartupType Automatic; Start-Service TermService' },
  ],
  GUEST_FIREWALL_BLOCKS: [
    { text: vnc('in PowerShell, allow Remote Desktop through Windows Firewall:', 'PowerShell에서 Windows 방화벽에 원격 데스크톱을 허용하세요:'), command: 'Enable-NetFirewallRule -DisplayGroup "Remote Desktop"' },
    { text: { en: 'For a non-default port, add a rule for it:', ko: '기본 포트가 아니라면 해당 포트 규칙을 추가하세요:' }, command: 'New-NetFirewallRule -DisplayName "RDP {port}" -Direction Inbound -Protocol TCP -LocalPort {port} -Action Allow' },
  ],
};

SSH.NOT_RDP = RDP_OVERRIDES.NOT_RDP ?? [];

/** For a Lighthouse instance the security-group steps name its firewall; it has no network ACL. */
const LIGHTHOUSE_SWAP = new Map<StepTemplate, StepTemplate | undefined>([
  [SG_ALLOWS_PORT_AND_ICMP, FW_ALLOWS_PORT_AND_ICMP],
  [SG_ADD_RULE, FW_ADD_RULE],
  [SG_ALLOWS_WHICHEVER_PORT, FW_ALLOWS_WHICHEVER_PORT],
  [ACL_ALLOW_PORT, undefined],
]);

/** The steps for `code` under `protocol`, localised and filled in, for the guest's OS. */
export function remediationFor(code: VerdictCode, protocol: Protocol, lang: Lang, args: TemplateArgs, os: GuestOs = UNKNOWN_OS): RemediationStep[] {
  const steps = (protocol === 'rdp' ? RDP_OVERRIDES[code] : undefined) ?? SSH[code];
  const own = isLighthouse(args) ? steps.flatMap((s) => (LIGHTHOUSE_SWAP.has(s) ? LIGHTHOUSE_SWAP.get(s) ?? [] : [s])) : steps;
  return own.flatMap((s) => expand(s, os, lang, args));
}

/** The steps of a port verdict whose SYNs arrive while the replies are lost (verdict.ts). */
export function returnPathRemediation(lang: Lang, args: TemplateArgs, os: GuestOs = UNKNOWN_OS): RemediationStep[] {
  return RETURN_PATH.flatMap((s) => expand(s, os, lang, args));
}

/** For tests: every code has steps for both protocols (NOT_RDP only matters for RDP). */
export function stepTemplates(code: VerdictCode, protocol: Protocol): ReadonlyArray<StepTemplate> {
  return (protocol === 'rdp' ? RDP_OVERRIDES[code] : undefined) ?? SSH[code];
}
