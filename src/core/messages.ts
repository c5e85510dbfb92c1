/**
 * Check summaries and finding messages, in English and Korean. The verdicts live in
 * verdictText.ts and the steps in remediation.ts; this file holds everything else the core
 * says. `Record<MessageKey, Bilingual>` makes a missing language a compile error.
 */
import type { Lang } from './model';
import { format, type Bilingual, type TemplateArgs } from './text';

const M = {
  'dns.literal': { en: '{host} is an IP address: no lookup needed', ko: '{host} 은(는) IP 주소이므로 조회가 필요 없습니다' },
  'dns.ok': { en: '{host} resolves to {addresses}', ko: '{host} → {addresses}' },
  'dns.fail': { en: '{host} does not resolve ({code})', ko: '{host} 을(를) 확인할 수 없습니다({code})' },

  'icmp.reply': { en: 'Echo reply from {address} in {rtt} ({method})', ko: '{address} 에서 {rtt} 만에 에코 응답({method})' },
  'icmp.timeout': { en: 'No echo reply within {deadline} ({method})', ko: '{deadline} 안에 에코 응답 없음({method})' },
  'icmp.unreachable': { en: 'ICMP destination unreachable ({detail})', ko: 'ICMP 목적지 도달 불가({detail})' },
  'icmp.prohibited': { en: 'ICMP administratively prohibited ({detail})', ko: 'ICMP 관리상 금지됨({detail})' },
  'icmp.unavailable': { en: 'Ping could not run here: {detail}', ko: '이 환경에서 ping을 실행할 수 없습니다: {detail}' },
  'icmp.error': { en: 'Ping failed: {detail}', ko: 'ping 실패: {detail}' },
  'icmp.off': { en: 'Ping is turned off in the settings', ko: '설정에서 ping이 꺼져 있습니다' },

  'tcp.connected': { en: 'TCP port {port} on {address} is open ({time})', ko: '{address} 의 TCP 포트 {port} 열림({time})' },
  'tcp.refused': { en: 'TCP port {port} refused the connection (reset) in {time}', ko: 'TCP 포트 {port} 이(가) {time} 만에 연결을 거부(리셋)했습니다' },
  'tcp.timeout': { en: 'No answer to the SYN on port {port} within {deadline}{adapted}', ko: '{deadline} 안에 포트 {port} SYN에 응답 없음{adapted}' },
  'tcp.adapted': { en: ' (deadline adapted to the measured round trip: {reason})', ko: ' (측정된 왕복 시간에 맞춘 제한 시간: {reason})' },
  'tcp.unreachable': { en: 'Port {port}: {code} (ICMP unreachable or prohibited)', ko: '포트 {port}: {code} (ICMP 도달 불가 또는 금지)' },
  'tcp.error': { en: 'Port {port}: {code}', ko: '포트 {port}: {code}' },

  'banner.ssh': { en: 'Server identification: {line}', ko: '서버 식별 문자열: {line}' },
  'banner.other': { en: 'Not an SSH server; it sent: {line}', ko: 'SSH 서버가 아닙니다. 보낸 데이터: {line}' },
  'banner.timeout': { en: 'No identification line within {deadline}', ko: '{deadline} 안에 식별 문자열이 오지 않았습니다' },
  'banner.closed': { en: 'The server closed the connection before identifying itself', ko: '서버가 식별 문자열을 보내기 전에 연결을 끊었습니다' },
  'banner.error': { en: 'Reading the identification failed: {code}', ko: '식별 문자열 읽기 실패: {code}' },

  'kex.ok': { en: 'Key exchange {kex}; host key {hostKeyAlg}; cipher {cipher}', ko: '키 교환 {kex}, 호스트 키 {hostKeyAlg}, 암호 {cipher}' },
  'kex.failed': { en: 'Key exchange failed: {detail}', ko: '키 교환 실패: {detail}' },
  'kex.closed': { en: 'The server closed the connection during the key exchange', ko: '키 교환 중 서버가 연결을 끊었습니다' },
  'kex.timeout': { en: 'The key exchange did not complete within {deadline}', ko: '{deadline} 안에 키 교환이 완료되지 않았습니다' },
  'kex.rejectedKey': { en: 'Stopped: the host key did not match known_hosts', ko: '중단: 호스트 키가 known_hosts와 일치하지 않습니다' },

  'hostkey.match': { en: '{type} {fingerprint} matches {path}', ko: '{type} {fingerprint} 이(가) {path} 와 일치합니다' },
  'hostkey.unknown': { en: '{type} {fingerprint} is not in {path}: verify it before trusting it', ko: '{type} {fingerprint} 이(가) {path} 에 없습니다. 신뢰하기 전에 확인하세요' },
  'hostkey.mismatch': { en: '{type} {fingerprint} differs from the key recorded in {path} ({known})', ko: '{type} {fingerprint} 이(가) {path} 에 기록된 키({known})와 다릅니다' },
  'hostkey.revoked': { en: '{type} {fingerprint} is marked @revoked in {path}', ko: '{type} {fingerprint} 은(는) {path} 에서 @revoked 로 표시되어 있습니다' },
  'hostkey.unreadable': { en: '{type} {fingerprint}; {path} could not be read', ko: '{type} {fingerprint}, {path} 을(를) 읽을 수 없습니다' },

  'auth.methods': { en: 'The server offers: {methods}', ko: '서버가 허용하는 인증 방식: {methods}' },
  'auth.none': { en: 'The server lets "{user}" in without authentication', ko: '서버가 "{user}" 을(를) 인증 없이 허용합니다' },
  'auth.unknown': { en: 'The offered methods could not be read', ko: '허용되는 인증 방식을 읽지 못했습니다' },

  'login.ok': { en: 'Logged in as "{user}" with {method}', ko: '"{user}" (으)로 {method} 로그인 성공' },
  'login.rejected': { en: 'Login as "{user}" rejected (tried: {tried})', ko: '"{user}" 로그인 거부(시도: {tried})' },
  'login.unavailable': { en: 'Your method ({tried}) is not offered by the server', ko: '사용하려는 방식({tried})을 서버가 허용하지 않습니다' },
  'login.noCredentials': { en: 'No credentials given: the login itself was not tested', ko: '자격 증명이 없어 로그인 자체는 테스트하지 않았습니다' },
  'login.unknownHost': { en: 'Password not sent: the host key is not verified yet', ko: '호스트 키가 아직 확인되지 않아 비밀번호를 보내지 않았습니다' },
  'login.error': { en: 'Login could not be attempted: {detail}', ko: '로그인을 시도할 수 없습니다: {detail}' },

  'rdp.ok': { en: 'RDP answers; security protocol: {protocol}', ko: 'RDP 응답, 보안 프로토콜: {protocol}' },
  'rdp.failure': { en: 'RDP answers with a negotiation failure: {failure}', ko: 'RDP가 협상 실패로 응답: {failure}' },
  'rdp.notRdp': { en: 'Not an RDP server; first bytes: {bytes}', ko: 'RDP 서버가 아닙니다. 첫 바이트: {bytes}' },
  'rdp.timeout': { en: 'No answer to the RDP connection request within {deadline}', ko: '{deadline} 안에 RDP 연결 요청에 응답이 없습니다' },
  'rdp.closed': { en: 'The server closed the connection after the RDP connection request', ko: 'RDP 연결 요청 후 서버가 연결을 끊었습니다' },
  'rdp.error': { en: 'RDP probe failed: {detail}', ko: 'RDP 검사 실패: {detail}' },

  'alt.found': { en: '{proto} answers on port {port}', ko: '포트 {port} 에서 {proto} 이(가) 응답합니다' },
  'alt.none': { en: 'No {proto} server on ports {ports}', ko: '포트 {ports} 에 {proto} 서버가 없습니다' },

  'cloud.instance': { en: '{instanceId} ({name}): {state}, {restrictState}; public IP {publicIps}', ko: '{instanceId} ({name}): {state}, {restrictState}, 공인 IP {publicIps}' },
  'cloud.instanceUnknown': { en: 'Instance {instanceId} could not be read', ko: '인스턴스 {instanceId} 정보를 읽지 못했습니다' },
  'cloud.sgAllow': { en: 'Security groups allow {source}: {rule}', ko: '보안 그룹이 {source} 을(를) 허용합니다: {rule}' },
  'cloud.sgDeny': { en: 'Security groups drop {source}: {rule}', ko: '보안 그룹이 {source} 을(를) 차단합니다: {rule}' },
  'cloud.sgImplicit': { en: 'No security-group rule accepts {source} on port {port} (implicit deny)', ko: '포트 {port} 에 대해 {source} 을(를) 허용하는 보안 그룹 규칙이 없습니다(암묵적 거부)' },
  'cloud.aclAllow': { en: 'Network ACL {aclId} allows the traffic', ko: '네트워크 ACL {aclId} 이(가) 트래픽을 허용합니다' },
  'cloud.aclDeny': { en: 'Network ACL {aclId} denies it: {rule}', ko: '네트워크 ACL {aclId} 이(가) 거부합니다: {rule}' },
  'cloud.aclNone': { en: 'No network ACL is bound to the subnet', ko: '서브넷에 연결된 네트워크 ACL이 없습니다' },
  'cloud.guestOk': { en: 'In-guest: {service} active; listening on {ports}; firewall {firewall}', ko: '게스트 내부: {service} 활성, 수신 포트 {ports}, 방화벽 {firewall}' },
  'cloud.guestInactive': { en: 'In-guest: {service} is inactive', ko: '게스트 내부: {service} 비활성' },
  'cloud.guestOffline': { en: 'In-guest checks could not run: the automation agent is offline', ko: '자동화 에이전트가 오프라인이라 게스트 내부 검사를 실행하지 못했습니다' },
  'cloud.guestError': { en: 'In-guest checks failed: {detail}', ko: '게스트 내부 검사 실패: {detail}' },
  'cloud.firewallBlocks': { en: 'blocks the port', ko: '포트를 차단함' },
  'cloud.firewallOpen': { en: 'does not block the port', ko: '포트를 차단하지 않음' },
  'cloud.firewallLimited': { en: 'accepts the port only from {sources}', ko: '{sources} 에서만 포트를 허용함' },
  'cloud.configStopped': { en: 'sshd -t: the configuration is valid; ssh is stopped ({detail})', ko: 'sshd -t: 설정은 올바르며 ssh가 중지되어 있습니다({detail})' },

  'finding.ICMP_BLOCKED': { en: 'Ping gets no answer although the host answers on TCP: ICMP is filtered (common and harmless; TCP was used as the signal).', ko: '호스트가 TCP에는 응답하지만 ping에는 응답하지 않습니다. ICMP가 차단되어 있습니다(흔하며 문제 없음, TCP를 기준으로 판단했습니다).' },
  'finding.ICMP_UNAVAILABLE': { en: 'Ping could not be sent from this machine ({detail}); the diagnosis relies on TCP.', ko: '이 컴퓨터에서 ping을 보낼 수 없어({detail}) TCP만으로 진단했습니다.' },
  'finding.HOST_KEY_UNKNOWN': { en: 'The host key {fingerprint} is not in known_hosts yet: compare it with the instance\'s key (console VNC login) before you accept it.', ko: '호스트 키 {fingerprint} 이(가) 아직 known_hosts에 없습니다. 수락하기 전에 인스턴스의 키(콘솔 VNC 로그인)와 비교하세요.' },
  'finding.HOST_KEY_CONFIRMED_CHANGED': { en: 'Confirmed inside the instance: {fingerprint} is the instance\'s own key, so its key really changed (reinstall or regenerated keys). It is safe to replace the old entry.', ko: '인스턴스 내부에서 확인됨: {fingerprint} 은(는) 인스턴스 자신의 키이므로 키가 실제로 바뀌었습니다(재설치 또는 키 재생성). 이전 항목을 교체해도 안전합니다.' },
  'finding.HOST_KEY_NOT_INSTANCE': { en: 'Checked inside the instance: {fingerprint} is NOT one of the instance\'s keys. Something between you and the instance answers in its place: do not connect.', ko: '인스턴스 내부에서 확인됨: {fingerprint} 은(는) 인스턴스의 키가 아닙니다. 중간의 다른 무언가가 대신 응답하고 있습니다. 접속하지 마세요.' },
  'finding.LOGIN_NOT_ATTEMPTED': { en: 'No credentials were given, so the login itself was not tested.', ko: '자격 증명이 없어 로그인 자체는 테스트하지 않았습니다.' },
  'finding.PASSWORD_NOT_SENT_UNKNOWN_HOST': { en: 'The password was not sent because the host key is not verified yet (add the verified key to known_hosts first).', ko: '호스트 키가 아직 확인되지 않아 비밀번호를 보내지 않았습니다(먼저 확인된 키를 known_hosts에 추가하세요).' },
  'finding.LEGACY_ALGORITHMS': { en: 'The connection uses a legacy algorithm ({algorithms}); newer clients may refuse it.', ko: '연결에 오래된 알고리즘({algorithms})이 사용됩니다. 최신 클라이언트는 거부할 수 있습니다.' },
  'finding.SLOW_BANNER': { en: 'The server took {time} to identify itself (usually under 100 ms): it, or a proxy in front of it, may be overloaded.', ko: '서버가 식별 문자열을 보내는 데 {time} 이(가) 걸렸습니다(보통 100 ms 미만). 서버나 앞단의 프록시가 과부하 상태일 수 있습니다.' },
  'finding.MULTIPLE_ADDRESSES': { en: '{host} has {count} addresses; {address} was diagnosed.', ko: '{host} 에 주소가 {count}개 있으며 {address} 을(를) 진단했습니다.' },
  'finding.NO_PUBLIC_IP': { en: 'The instance has no public IP: it can only be reached from its VPC (or through a NAT/EIP).', ko: '인스턴스에 공인 IP가 없습니다. VPC 내부(또는 NAT/EIP)에서만 접근할 수 있습니다.' },
  'finding.ADDRESS_NOT_INSTANCE': { en: '{address} is not an address of instance {instanceId} ({ips}): the cloud view may describe another machine than the one that answered.', ko: '{address} 은(는) 인스턴스 {instanceId} 의 주소({ips})가 아닙니다. 클라우드 정보가 실제로 응답한 장비와 다른 장비를 가리킬 수 있습니다.' },
  'finding.CLOUD_API_ERROR': { en: 'Tencent Cloud API {action} failed: {message}', ko: 'Tencent Cloud API {action} 호출 실패: {message}' },
  'finding.CALLER_IP_UNKNOWN': { en: 'Your public address is unknown, so the security groups were evaluated for any source (set it, or a detection URL, in the settings).', ko: '내 공인 주소를 알 수 없어 보안 그룹을 "모든 출발지" 기준으로 평가했습니다(설정에서 주소나 확인 URL을 지정하세요).' },
  'finding.TAT_AGENT_OFFLINE': { en: 'The Tencent Automation Tools agent on the instance is offline: in-guest checks could not run.', ko: '인스턴스의 Tencent Automation Tools 에이전트가 오프라인이라 게스트 내부 검사를 실행하지 못했습니다.' },
  'finding.SSHD_CONFIG_INVALID': { en: 'sshd -t reports a configuration error inside the instance: {detail}', ko: '인스턴스 내부의 sshd -t 가 설정 오류를 보고했습니다: {detail}' },
  'finding.RDP_NLA_REQUIRED': { en: 'The server requires Network Level Authentication (CredSSP); your client must support it.', ko: '서버가 네트워크 수준 인증(CredSSP)을 요구합니다. 클라이언트가 이를 지원해야 합니다.' },
  'finding.CANCELLED': { en: 'The diagnosis was cancelled before it finished.', ko: '진단이 완료되기 전에 취소되었습니다.' },

  'word.login.ok': { en: ' and the login as "{user}" works', ko: ', "{user}" 로그인도 성공합니다' },
  'word.login.untested': { en: ' (login not tested: no credentials)', ko: '(자격 증명이 없어 로그인은 테스트하지 않음)' },
  'word.anySource': { en: 'any source', ko: '모든 출발지' },
  'word.hostAnswersPing': { en: 'ping replies', ko: 'ping 응답 있음' },
  'word.hostAnswersPort': { en: 'port {port} answers', ko: '포트 {port} 응답 있음' },
  'word.beforeBanner': { en: 'before identifying itself', ko: '식별 문자열을 보내기 전에' },
  'word.duringKex': { en: 'during the key exchange', ko: '키 교환 중에' },
  'word.none': { en: 'none', ko: '없음' },
  'word.unknown': { en: 'unknown', ko: '알 수 없음' },
  'word.sgNoRule': { en: 'no security-group rule accepts TCP {port} (implicit deny)', ko: 'TCP {port} 을(를) 허용하는 보안 그룹 규칙이 없습니다(암묵적 거부)' },
  'word.sgRule': { en: 'rule {policyIndex} of security group {securityGroupId} ({action} {protocol}:{rulePort} from {ruleSource}) decides', ko: '보안 그룹 {securityGroupId} 의 {policyIndex}번 규칙({ruleSource} 에서 {protocol}:{rulePort} {action})이 결정합니다' },
  'word.hostKeyConfirmed': { en: ' Confirmed inside the instance: this is its own new key.', ko: ' 인스턴스 내부에서 확인됨: 인스턴스의 새 키가 맞습니다.' },
  'word.hostKeyNotInstance': { en: ' Checked inside the instance: this is NOT its key — do not connect.', ko: ' 인스턴스 내부에서 확인됨: 인스턴스의 키가 아닙니다. 접속하지 마세요.' },
  'word.guestFirewall': { en: 'the firewall blocks TCP {port}{detail}', ko: '방화벽이 TCP {port} 을(를) 차단합니다{detail}' },
  'word.keyError': { en: ' ({detail})', ko: ' ({detail})' },

  'report.title': { en: 'CVM Doctor report', ko: 'CVM Doctor 진단 보고서' },
  'report.target': { en: 'Target', ko: '대상' },
  'report.checks': { en: 'Checks', ko: '검사 항목' },
  'report.findings': { en: 'Findings', ko: '참고 사항' },
  'report.remediation': { en: 'What to do', ko: '해결 방법' },
  'report.duration': { en: 'Diagnosed in {time}', ko: '진단 시간 {time}' },
  'report.docs': { en: 'Docs', ko: '문서' },
  'report.evidence': { en: 'Evidence', ko: '근거' },
  'report.started': { en: 'Started', ko: '시작 시각' },
  'check.dns': { en: 'DNS', ko: 'DNS' },
  'check.icmp': { en: 'Ping (ICMP)', ko: 'Ping (ICMP)' },
  'check.tcp': { en: 'TCP connect', ko: 'TCP 연결' },
  'check.banner': { en: 'Banner', ko: '배너' },
  'check.kex': { en: 'Key exchange', ko: '키 교환' },
  'check.hostkey': { en: 'Host key', ko: '호스트 키' },
  'check.auth': { en: 'Auth methods', ko: '인증 방식' },
  'check.login': { en: 'Login', ko: '로그인' },
  'check.rdp': { en: 'RDP handshake', ko: 'RDP 핸드셰이크' },
  'check.altports': { en: 'Other ports', ko: '다른 포트' },
  'check.cloud.instance': { en: 'Cloud: instance', ko: '클라우드: 인스턴스' },
  'check.cloud.securityGroups': { en: 'Cloud: security groups', ko: '클라우드: 보안 그룹' },
  'check.cloud.networkAcl': { en: 'Cloud: network ACL', ko: '클라우드: 네트워크 ACL' },
  'check.cloud.guest': { en: 'Cloud: inside the instance', ko: '클라우드: 인스턴스 내부' },
  'status.pass': { en: 'pass', ko: '통과' },
  'status.fail': { en: 'fail', ko: '실패' },
  'status.warn': { en: 'warn', ko: '주의' },
  'status.skip': { en: 'skip', ko: '건너뜀' },
} satisfies Record<string, Bilingual>;

export type MessageKey = keyof typeof M;
export const MESSAGE_KEYS = Object.keys(M) as MessageKey[];

export function msg(lang: Lang, key: MessageKey, args?: TemplateArgs): string {
  return format(M[key][lang], args);
}
