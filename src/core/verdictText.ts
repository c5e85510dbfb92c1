/**
 * Title and summary of every verdict code, in English and Korean. The `Record` types make a
 * missing code or language a compile error. Titles and summaries are templates over the
 * placeholders `verdictArgs()` (verdict.ts) derives from the evidence.
 */
import type { VerdictCode } from './model';
import type { Bilingual } from './format';

/** `OK` when a login was asked for and none of it could be tested (classify.ts
 *  `loginUntested`): the handshake passed, the login is unknown, and the title says so. */
export const OK_LOGIN_UNTESTED_TEXT: { title: Bilingual; summary: Bilingual } = {
  title: { en: 'Reachable, but the login was not tested', ko: '접속은 가능하지만 로그인은 테스트하지 못했습니다' },
  summary: {
    en: '{host}:{port} answers as an {proto} server, but whether the login as "{user}" works is unknown: CVM Doctor could not test {untested}.',
    ko: '{host}:{port|이/가} {proto} 서버로 응답하지만 "{user}" 로그인이 되는지는 알 수 없습니다. 테스트하지 못한 것: {untested}.',
  },
};

/** `DISK_FULL` seen by the in-guest check while the login itself failed (classify.ts; the
 *  VERDICT_TEXT entry is the post-login readiness one: the login worked, VS Code's server has
 *  no room). */
export const DISK_FULL_GUEST_TEXT: { title: Bilingual; summary: Bilingual } = {
  title: { en: 'The instance\'s disk is full', ko: '인스턴스의 디스크가 가득 찼습니다' },
  summary: {
    en: 'The login to {host}:{port} fails (the server {loginSymptom}), and the in-guest check shows why: {diskProblems}. With no room, sshd and the login cannot write the session\'s files.',
    ko: '{host}:{port} 로그인이 실패하고(서버가 {loginSymptom}) 게스트 내부 검사가 그 이유를 보여 줍니다: {diskProblems}. 공간이 없으면 sshd와 로그인 과정이 세션 파일을 쓰지 못합니다.',
  },
};

export const VERDICT_TEXT: Record<VerdictCode, { title: Bilingual; summary: Bilingual }> = {
  OK: {
    title: { en: 'Reachable: the {proto} handshake completes', ko: '접속 가능: {proto} 핸드셰이크가 완료됩니다' },
    summary: {
      en: '{host}:{port} answers as an {proto} server{loginNote}.',
      ko: '{host}:{port|이/가} {proto} 서버로 응답합니다{loginNote}.',
    },
  },
  DNS_FAILURE: {
    title: { en: 'The host name does not resolve', ko: '호스트 이름을 확인(DNS)할 수 없습니다' },
    summary: {
      en: 'The name "{host}" could not be resolved to an address ({detail}). Nothing beyond DNS was tried.',
      ko: '"{host}" 이름을 주소로 변환하지 못했습니다({detail}). DNS 이후 단계는 시도하지 않았습니다.',
    },
  },
  HOST_UNREACHABLE: {
    title: { en: 'The host is unreachable', ko: '호스트에 도달할 수 없습니다' },
    summary: {
      en: 'The network reports {address} as unreachable. Port {port}: {portNote}. Ping: {pingNote}.',
      ko: '네트워크가 주소 {address}에 도달할 수 없다고 보고합니다. 포트 {port}: {portNote}. ping: {pingNote}.',
    },
  },
  NO_RESPONSE: {
    title: { en: 'No response from the host', ko: '호스트가 전혀 응답하지 않습니다' },
    summary: {
      en: 'Neither TCP port {port} nor any alternative port got an answer from {address} within {deadline}. Ping: {pingNote}.',
      ko: '{deadline} 안에 {address}의 TCP 포트 {port|와/과} 대체 포트 어디에서도 응답이 없었습니다. ping: {pingNote}.',
    },
  },
  PORT_FILTERED: {
    title: { en: 'Port {port} is filtered', ko: '포트 {port|이/가} 차단(필터링)되어 있습니다' },
    summary: {
      en: 'The host answers ({hostAnswer}), but port {port} did not answer within {deadline} (connection attempts: {attempts}): a firewall (security group, network ACL or the guest OS) silently drops the SYNs.',
      ko: '호스트는 응답하지만({hostAnswer}) 포트 {port|은/는} {deadline} 안에 응답하지 않았습니다(연결 시도 {attempts}회). 방화벽(보안 그룹, 네트워크 ACL 또는 게스트 OS)이 SYN 패킷을 조용히 버리고 있습니다.',
    },
  },
  PORT_REJECTED: {
    title: { en: 'Port {port} is rejected by a firewall', ko: '방화벽이 포트 {port} 연결을 거부합니다' },
    summary: {
      en: 'Connections to port {port} get an ICMP unreachable/prohibited answer ({detail}): a firewall reject rule.{rejectNote}',
      ko: '포트 {port} 연결에 ICMP 도달 불가/금지 응답({detail})이 옵니다. 방화벽의 거부(reject) 규칙입니다.{rejectNote}',
    },
  },
  PORT_CLOSED: {
    title: { en: 'Port {port} refuses connections', ko: '포트 {port|이/가} 연결을 거부합니다' },
    summary: {
      en: 'The host answered port {port} with a TCP reset (connection refused), and no {proto} server was found on the alternative ports ({altPorts}): nothing listens on the port, or a firewall rule rejects the connection — from outside the two look the same.',
      ko: '호스트가 포트 {port}에 TCP 리셋(연결 거부)으로 응답했고, 대체 포트({altPorts})에서도 {proto} 서버를 찾지 못했습니다. 포트에서 수신 대기 중인 서비스가 없거나 방화벽 규칙이 연결을 거부하고 있습니다. 밖에서는 둘을 구별할 수 없습니다.',
    },
  },
  SERVICE_ON_OTHER_PORT: {
    title: { en: 'The {proto} server answers on port {altPort}, not {port}', ko: '{proto} 서버가 포트 {port|이/가} 아닌 {altPort}에서 응답합니다' },
    summary: {
      en: 'Port {port} fails ({portOutcome}), but an {proto} server answers on port {altPort}: its port was probably changed in its configuration.',
      ko: '포트 {port|은/는} 실패({portOutcome})하지만 포트 {altPort}에서 {proto} 서버가 응답합니다. 설정에서 포트가 변경된 것으로 보입니다.',
    },
  },
  NOT_SSH: {
    title: { en: 'Port {port} answers, but not as SSH', ko: '포트 {port|은/는} 응답하지만 SSH가 아닙니다' },
    summary: {
      en: 'The TCP connection opens, but the server sent something other than an SSH identification line (see the banner check).',
      ko: 'TCP 연결은 열리지만 서버가 SSH 식별 문자열이 아닌 다른 데이터를 보냈습니다(배너 검사 참고).',
    },
  },
  NOT_RDP: {
    title: { en: 'Port {port} answers, but not as RDP', ko: '포트 {port|은/는} 응답하지만 RDP가 아닙니다' },
    summary: {
      en: 'The TCP connection opens, but the answer to the RDP connection request is not an X.224 Connection Confirm.',
      ko: 'TCP 연결은 열리지만 RDP 연결 요청에 대한 응답이 X.224 Connection Confirm이 아닙니다.',
    },
  },
  BANNER_TIMEOUT: {
    title: { en: 'The server accepts the connection but {silence}', ko: '서버가 연결은 받지만 {silence}' },
    summary: {
      en: 'TCP port {port} is open, but {stallDetail} within {deadline}.',
      ko: 'TCP 포트 {port|은/는} 열려 있지만 {deadline} 안에 {stallDetail}.',
    },
  },
  CONNECTION_CLOSED: {
    title: { en: 'The server closes the connection', ko: '서버가 연결을 끊습니다' },
    summary: {
      en: 'TCP port {port} opens, but the server closed the connection {when} ({detail}).',
      ko: 'TCP 포트 {port|은/는} 열리지만 서버가 {when} 연결을 끊었습니다({detail}).',
    },
  },
  KEX_FAILED: {
    title: { en: 'Key exchange failed', ko: '키 교환(Key exchange)에 실패했습니다' },
    summary: {
      en: 'The SSH server answered ({software}), but no SSH client on this machine can agree with it: {detail}.',
      ko: 'SSH 서버는 응답했지만({software}), 이 컴퓨터의 어떤 SSH 클라이언트도 서버와 알고리즘을 맞출 수 없습니다: {detail}.',
    },
  },
  HOST_KEY_MISMATCH: {
    title: { en: 'The host key has changed', ko: '호스트 키가 변경되었습니다' },
    summary: {
      en: 'The server presented {keyType} key {fingerprint}, but {knownHostsPath} records a different key for this host ({knownFingerprint}).{confirmNote}',
      ko: '서버가 {keyType} 키({fingerprint})를 제시했지만 {knownHostsPath}에는 이 호스트의 다른 키({knownFingerprint})가 기록되어 있습니다.{confirmNote}',
    },
  },
  AUTH_FAILED: {
    title: { en: 'Authentication failed', ko: '인증에 실패했습니다' },
    summary: {
      en: 'The server rejected the credentials for user "{user}" (tried: {tried}; the server offers: {methods}).{detail}',
      ko: '서버가 사용자 "{user}"의 자격 증명을 거부했습니다(시도: {tried}, 서버가 허용하는 방식: {methods}).{detail}',
    },
  },
  AUTH_METHOD_UNAVAILABLE: {
    title: { en: 'The server does not offer your login method', ko: '서버가 사용하려는 로그인 방식을 허용하지 않습니다' },
    summary: {
      en: 'You have {tried}, but the server only offers: {methods}.',
      ko: '사용하려는 방식({tried})을 서버가 허용하지 않습니다. 서버가 허용하는 방식: {methods}.',
    },
  },
  HOST_KEY_UNKNOWN: {
    title: { en: 'The host key is not verified: the login was not tested', ko: '호스트 키가 확인되지 않아 로그인을 테스트하지 않았습니다' },
    summary: {
      en: 'The server presented {keyType} key {fingerprint}, which {hostKeyState}. A password is never sent to an unverified host, so the login you asked for was not tested.{confirmNote}',
      ko: '서버가 {keyType} 키({fingerprint})를 제시했지만 이 키는 {hostKeyState}. 확인되지 않은 호스트에는 비밀번호를 보내지 않으므로 요청한 로그인은 테스트하지 않았습니다.{confirmNote}',
    },
  },
  KEY_FORMAT_UNSUPPORTED: {
    title: { en: 'The private key cannot be used', ko: '개인 키를 사용할 수 없습니다' },
    summary: {
      en: '{identity}: {keyProblem}{detail}. The key login was not tried, so the server has not seen it.',
      ko: '{identity}: {keyProblem}{detail}. 이 키로는 로그인을 시도하지 않았으므로 서버는 이 키를 받지 않았습니다.',
    },
  },
  INSTANCE_NOT_RUNNING: {
    title: { en: 'The instance is not running', ko: '인스턴스가 실행 중이 아닙니다' },
    summary: {
      en: 'Tencent Cloud reports instance {instanceId} in state {state}.',
      ko: 'Tencent Cloud에서 본 인스턴스 {instanceId}의 상태는 {state}입니다.',
    },
  },
  INSTANCE_ISOLATED: {
    title: { en: 'The instance is isolated', ko: '인스턴스가 격리되어 있습니다' },
    summary: {
      en: 'Tencent Cloud reports instance {instanceId} as restricted ({restrictState}): it does not accept connections until the restriction is lifted.',
      ko: 'Tencent Cloud에서 인스턴스 {instanceId}에 제한이 걸려 있습니다({restrictState}). 제한이 해제될 때까지 연결을 받지 않습니다.',
    },
  },
  SECURITY_GROUP_BLOCKS: {
    title: { en: 'A security group blocks port {port}', ko: '보안 그룹이 포트 {port|을/를} 차단합니다' },
    summary: {
      en: 'For {source}, {ruleNote}.',
      ko: '{source} 기준으로 {ruleNote}.',
    },
  },
  NETWORK_ACL_BLOCKS: {
    title: { en: 'The subnet\'s network ACL blocks the traffic', ko: '서브넷의 네트워크 ACL이 트래픽을 차단합니다' },
    summary: {
      en: 'Network ACL {aclId} denies the traffic ({ruleNote}).',
      ko: '네트워크 ACL({aclId})이 트래픽을 거부합니다({ruleNote}).',
    },
  },
  INSTANCE_FIREWALL_BLOCKS: {
    title: { en: 'The Lighthouse instance firewall blocks port {port}', ko: 'Lighthouse 인스턴스 방화벽이 로그인 포트를 차단합니다(TCP {port})' },
    summary: {
      en: 'For {source}, {fwRuleNote}.',
      ko: '{source} 기준: {fwRuleNote}.',
    },
  },
  SSHD_NOT_RUNNING: {
    title: { en: 'The {service} service is not running', ko: '{service} 서비스가 실행 중이 아닙니다' },
    summary: {
      en: 'Checked inside the instance (Tencent Automation Tools): the {service} service is inactive.',
      ko: '인스턴스 내부에서 확인(Tencent Automation Tools): {service} 서비스가 비활성 상태입니다.',
    },
  },
  LOCAL_CONFIG_ERROR: {
    title: { en: 'Your ssh configuration cannot be used', ko: 'ssh 설정 파일을 사용할 수 없습니다' },
    summary: {
      en: 'OpenSSH on this machine stops before it connects anywhere: {configMessage}. Every ssh command here, and VS Code Remote-SSH, fails the same way until {configFile} is fixed; nothing was sent to {host}.',
      ko: '이 컴퓨터의 OpenSSH 클라이언트가 어디에도 접속하기 전에 멈춥니다: {configMessage}. 설정 파일({configFile})을 고치기 전에는 이 컴퓨터의 모든 ssh 명령과 VS Code Remote-SSH 확장이 같은 이유로 실패합니다. 대상 호스트({host})에는 아무것도 보내지 않았습니다.',
    },
  },
  LOCAL_KEY_REFUSED: {
    title: { en: 'OpenSSH on this machine refuses your private key', ko: '이 컴퓨터의 OpenSSH 클라이언트가 개인 키를 거부합니다' },
    summary: {
      en: '{keyRefused}. OpenSSH, and VS Code Remote-SSH with it, never offers a private key that other users can read ("UNPROTECTED PRIVATE KEY FILE"): this is a problem on your machine, not on the server.{serverAcceptsKey}',
      ko: '{keyRefused}. OpenSSH 클라이언트와 이를 쓰는 VS Code Remote-SSH 확장은 다른 사용자가 읽을 수 있는 개인 키를 제시하지 않습니다("UNPROTECTED PRIVATE KEY FILE"). 서버가 아닌 이 컴퓨터의 문제입니다.{serverAcceptsKey}',
    },
  },
  JUMP_FORWARDING_DENIED: {
    title: { en: 'The bastion refuses to forward the connection', ko: '배스천이 연결 전달을 거부합니다' },
    summary: {
      en: 'Bastion {via} refused to open a channel to {host}:{port} ({forwardMessage}): its sshd does not allow TCP forwarding for this user or to this destination (AllowTcpForwarding, PermitOpen). ssh -J, ProxyJump and VS Code Remote-SSH cannot go through it.',
      ko: '배스천({via})이 {host}:{port} 주소로 가는 채널을 열지 않았습니다({forwardMessage}). 배스천의 sshd가 이 사용자나 이 목적지로의 TCP 포워딩을 허용하지 않습니다(AllowTcpForwarding, PermitOpen). 이 배스천을 거치는 ssh -J, ProxyJump, VS Code Remote-SSH 연결은 모두 실패합니다.',
    },
  },
  CLIENT_NETWORK_BLOCKS: {
    title: { en: 'Your own network blocks port {port}: your SYNs never reach the instance', ko: '내 네트워크가 포트 {port|을/를} 막습니다: SYN 패킷이 인스턴스에 도착하지 않습니다' },
    summary: {
      en: 'Port {port} did not answer within {deadline}, yet everything on the instance\'s side lets {source} in: the cloud\'s rules accept it, sshd listens on port {port} and answers the instance\'s own connection ({reachedOn}), and tcpdump on the instance saw no SYN from {source} in {captureWindow} s while this machine kept trying. The packets are dropped before they reach the instance: by your own network, a company firewall or proxy, or your ISP.',
      ko: '포트 {port|이/가} {deadline} 안에 응답하지 않았지만 인스턴스 쪽은 모두 {source} 주소의 연결을 허용합니다. 클라우드 규칙이 허용하고, sshd가 포트 {port}에서 수신 대기하며 인스턴스 자신의 연결에 응답하고({reachedOn}), 이 컴퓨터가 계속 연결을 시도하는 동안 인스턴스의 tcpdump는 {captureWindow}초 동안 {source} 주소에서 온 SYN 패킷을 보지 못했습니다. 패킷은 인스턴스에 도착하기 전에 버려집니다. 내 네트워크, 회사 방화벽이나 프록시, 또는 인터넷 서비스 제공업체(ISP)가 막고 있습니다.',
    },
  },
  GUEST_FIREWALL_BLOCKS: {
    title: { en: 'The guest OS firewall blocks port {port}', ko: '게스트 OS 방화벽이 포트 {port|을/를} 차단합니다' },
    summary: {
      en: 'Checked inside the instance (Tencent Automation Tools): {detail}.',
      ko: '인스턴스 내부에서 확인(Tencent Automation Tools): {detail}.',
    },
  },
  REMOTE_SERVER_UNSUPPORTED: {
    title: { en: 'VS Code\'s server cannot run on this instance', ko: '이 인스턴스에서는 VS Code 서버를 실행할 수 없습니다' },
    summary: {
      en: 'The login as "{user}" works, but VS Code Remote-SSH\'s server cannot run there: {readinessFailures}.',
      ko: '"{user}" 계정의 로그인은 되지만 VS Code Remote-SSH 서버를 실행할 수 없습니다: {readinessFailures}.',
    },
  },
  DISK_FULL: {
    title: { en: 'No room on the instance for VS Code\'s server', ko: '인스턴스에 VS Code 서버를 설치할 공간이 없습니다' },
    summary: {
      en: 'The login as "{user}" works, but VS Code\'s server cannot be installed: {readinessFailures}.',
      ko: '"{user}" 계정의 로그인은 되지만 VS Code 서버를 설치할 수 없습니다: {readinessFailures}.',
    },
  },
  INSTANCE_OVERLOADED: {
    title: { en: 'The instance is too busy to answer the login in time', ko: '인스턴스가 너무 바빠서 제때 로그인에 응답하지 못합니다' },
    summary: {
      en: 'TCP port {port} is open, but the server {loginSymptom}, and the instance is overloaded: {overloadSignals}.',
      ko: 'TCP 포트 {port|은/는} 열려 있지만 서버가 {loginSymptom}. 인스턴스가 과부하 상태입니다: {overloadSignals}.',
    },
  },
  PORT_FORWARDING_DISABLED: {
    title: { en: 'sshd refuses the TCP forwarding VS Code needs', ko: 'sshd가 VS Code에 필요한 TCP 포워딩을 거부합니다' },
    summary: {
      en: 'The login as "{user}" works, but sshd refuses to open a forwarded channel, and Remote-SSH reaches its server through one: {readinessFailures}.',
      ko: '"{user}" 계정의 로그인은 되지만 sshd가 포워딩 채널을 열지 않습니다. Remote-SSH는 이 채널로 서버에 연결합니다: {readinessFailures}.',
    },
  },
};
