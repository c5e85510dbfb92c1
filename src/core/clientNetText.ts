/**
 * The words of "Is it my network?" (clientNet.ts), in English and Korean: the in-guest
 * reachability check, its findings, and the port verdict's text when the replies are lost on
 * the way back. messages.ts takes REACH_MESSAGES into its table (one `msg()` for everything).
 */
import type { Bilingual } from './format';

export const REACH_MESSAGES = {
  'check.cloud.guestReach': { en: 'Cloud: reaching the port inside the instance', ko: '클라우드: 인스턴스 내부에서 포트 연결' },
  'reach.summary': {
    en: 'In-guest: port {port} from the instance itself: {self}. {capture}{sent}',
    ko: '게스트 내부: 인스턴스 자신에서 포트 {port} 연결: {self}. {capture}{sent}',
  },
  'reach.self.ssh': { en: '{address} answers SSH', ko: '{address}: SSH 응답' },
  'reach.self.other': { en: '{address} answers "{line}"', ko: '{address}: "{line}" 응답' },
  'reach.self.refused': { en: '{address} refuses', ko: '{address}: 연결 거부' },
  'reach.self.timeout': { en: '{address} is silent', ko: '{address}: 응답 없음' },
  'reach.self.error': { en: '{address} failed ({line})', ko: '{address}: 실패({line})' },
  'reach.noTool': { en: 'not tested (neither bash nor nc, with timeout, is installed)', ko: '테스트하지 못함(timeout과 bash 또는 nc 명령이 없습니다)' },
  'reach.capture.none': {
    en: 'tcpdump saw no SYN from {caller} to port {port} in {window} s',
    ko: 'tcpdump: {window}초 동안 {caller} 주소에서 포트 {port} 쪽으로 온 SYN 패킷이 없습니다',
  },
  'reach.capture.arrived': {
    en: 'tcpdump saw {syns} SYN(s) from {caller} to port {port} in {window} s; the instance sent {replies} SYN-ACK(s) and {resets} reset(s) back',
    ko: 'tcpdump: {window}초 동안 {caller} 주소에서 포트 {port} 쪽으로 SYN 패킷 {syns}개가 도착했고, 인스턴스는 SYN-ACK {replies}개와 리셋 {resets}개를 돌려보냈습니다',
  },
  'reach.capture.no-caller': {
    en: 'whether your SYNs arrive was not watched: your public address is unknown',
    ko: 'SYN 패킷이 도착하는지는 확인하지 않았습니다. 내 공인 주소를 알 수 없습니다',
  },
  'reach.capture.no-tcpdump': {
    en: 'whether your SYNs arrive could not be observed: tcpdump is not installed on the instance',
    ko: 'SYN 패킷이 도착하는지 관찰할 수 없었습니다. 인스턴스에 tcpdump가 설치되어 있지 않습니다',
  },
  'reach.capture.failed': { en: 'whether your SYNs arrive could not be observed: {detail}', ko: 'SYN 패킷이 도착하는지 관찰할 수 없었습니다: {detail}' },
  'reach.capture.absent': { en: 'whether your SYNs arrive was not watched', ko: 'SYN 패킷이 도착하는지는 확인하지 않았습니다' },
  'reach.sent': {
    en: ' (meanwhile this machine kept trying: {attempts} more connection attempts over {seconds} s)',
    ko: ' (그동안 이 컴퓨터는 {seconds}초에 걸쳐 연결을 {attempts}번 더 시도했습니다)',
  },
  'finding.RETURN_PATH_BLOCKED': {
    en: 'The instance receives your SYNs ({syns} from {caller} seen by tcpdump), but its replies never reach you: check the network ACL\'s outbound rules, the guest\'s routes and its reverse-path filtering (rp_filter).',
    ko: '인스턴스는 내 SYN 패킷을 받지만(tcpdump로 {caller} 주소에서 온 패킷 {syns}개 확인) 응답은 나에게 돌아오지 않습니다. 네트워크 ACL의 아웃바운드 규칙, 게스트의 라우팅, 역경로 필터링(rp_filter) 설정을 확인하세요.',
  },
    // The caller's address unknown (the most common reason): the finding's own key.
  'finding.SYN_ARRIVAL_UNKNOWN': {
    en: 'Whether your SYNs reach the instance cannot be decided: your public address is unknown, so the instance cannot pick your packets out (set it, or a detection URL, in the settings; CLI: CVM_DOCTOR_CALLER_IP).',
    ko: '내 SYN 패킷이 인스턴스에 도착하는지 판단할 수 없습니다. 내 공인 주소를 알 수 없어 인스턴스에서 내 패킷을 골라낼 수 없습니다(설정에서 주소나 확인 URL을 지정하세요. CLI: CVM_DOCTOR_CALLER_IP).',
  },
  'finding.SYN_ARRIVAL_UNKNOWN.no-tcpdump': {
    en: 'Whether your SYNs reach the instance could not be observed: tcpdump is not installed there (sudo apt install tcpdump, or sudo yum install tcpdump), so your own network is neither blamed nor cleared.',
    ko: '내 SYN 패킷이 인스턴스에 도착하는지 관찰할 수 없었습니다. 인스턴스에 tcpdump가 설치되어 있지 않습니다(sudo apt install tcpdump 또는 sudo yum install tcpdump). 그래서 내 네트워크가 원인인지 아닌지는 판단하지 않았습니다.',
  },
  'finding.SYN_ARRIVAL_UNKNOWN.capture-failed': {
    en: 'Whether your SYNs reach the instance could not be observed: {detail}.',
    ko: '내 SYN 패킷이 인스턴스에 도착하는지 관찰할 수 없었습니다: {detail}.',
  },
  'finding.SYN_ARRIVAL_UNKNOWN.not-covered': {
    en: 'Whether your SYNs reach the instance cannot be decided: this machine\'s connection attempts did not last until the in-guest check ended.',
    ko: '내 SYN 패킷이 인스턴스에 도착하는지 판단할 수 없습니다. 이 컴퓨터의 연결 시도가 게스트 내부 검사가 끝날 때까지 이어지지 않았습니다.',
  },
  'finding.SYN_ARRIVAL_UNKNOWN.caller-mismatch': {
    en: 'Whether your SYNs reach the instance cannot be decided: the instance watched for {detail}, not for your address.',
    ko: '내 SYN 패킷이 인스턴스에 도착하는지 판단할 수 없습니다. 인스턴스는 내 주소가 아닌 {detail} 주소를 기준으로 관찰했습니다.',
  },
  'word.returnPathReplied': { en: ', and the instance answered them with {replies} SYN-ACK(s) that never reached you. The way in is open; the reply is dropped on the way back: check the network ACL\'s outbound rules, the guest\'s routes and its reverse-path filtering.', ko: ' 인스턴스가 SYN-ACK 패킷 {replies}개로 응답했지만 나에게 도착하지 않았습니다. 들어가는 길은 열려 있고 응답이 돌아오는 길에서 버려집니다. 네트워크 ACL의 아웃바운드 규칙, 게스트의 라우팅, 역경로 필터링 설정을 확인하세요.' },
  'word.returnPathSilent': { en: ', yet no SYN-ACK left the instance: something on the instance drops the SYN or its reply. Check its firewall rules on input and output (including chains this check does not follow), its reverse-path filtering and its routes.', ko: ' 그러나 인스턴스에서 나간 SYN-ACK 패킷이 없습니다. 인스턴스 안에서 SYN 패킷이나 그 응답을 버리고 있습니다. 입력·출력 방화벽 규칙(이 검사가 따라가지 않는 체인 포함), 역경로 필터링, 라우팅을 확인하세요.' },
} as const satisfies Record<string, Bilingual>;

/** The port verdict (PORT_FILTERED, NO_RESPONSE) when the SYNs arrive and the replies are lost. */
export const RETURN_PATH_TEXT: { title: Bilingual; summary: Bilingual } = {
  title: { en: 'Port {port}: your SYNs arrive, the replies never come back', ko: '포트 {port}: SYN 패킷은 도착하지만 응답이 돌아오지 않습니다' },
  summary: {
    en: 'Port {port} did not answer within {deadline}, but tcpdump on the instance saw {returnSyns} SYN(s) from {source} arrive{returnReplies}',
    ko: '포트 {port|이/가} {deadline} 안에 응답하지 않았지만, 인스턴스의 tcpdump에서 {source} 주소가 보낸 SYN 패킷 {returnSyns}개가 도착한 것을 확인했습니다.{returnReplies}',
  },
};
