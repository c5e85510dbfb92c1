/**
 * What the SSH probe found about the login, the key and the system OpenSSH, in the report's
 * language: built from the kinds the probe records (`reasonKind`, `keyErrorKind`, `untested`,
 * `opensshProblem`), never from its English sentences, which stay in the evidence. A remote
 * or library message is quoted as it came. Evidence without kinds (an older JSON report)
 * falls back to the English sentence. Pure.
 */
import { msg } from './messages';
import type { Lang, NegotiationEvidence, SshResult } from './model';
import { formatMs, visible } from './format';

type Login = SshResult['login'];

/** A remote or library message inside our sentence: quoted, control characters made visible. */
export function quoted(s: string): string {
  return `"${visible(s).replace(/"/g, "'")}"`;
}

/** What is wrong with the identity file, e.g. "the file is a public key, not the private key". */
export function keyProblemText(login: Login, lang: Lang): string {
  const kind = login.keyErrorKind;
  if (!kind) return login.keyError ?? '';
  if (kind === 'unreadable') {
    if (login.keyErrorCode === 'EFBIG') return msg(lang, 'word.keyProblem.tooLarge');
    if (login.keyErrorCode === 'ETIMEDOUT') return msg(lang, 'word.keyProblem.readTimeout');
  }
  return msg(lang, `word.keyProblem.${kind}`);
}

/** The key error's particulars, as " (…)" or "": the error code of an unreadable file, the
 *  parser's message for a file that is not a key. */
export function keyDetailSuffix(login: Login, lang: Lang): string {
  const detail = login.keyErrorKind === 'unreadable' ? login.keyErrorCode
    : login.keyErrorKind === 'not-a-key' && login.keyErrorMessage ? quoted(login.keyErrorMessage) : undefined;
  return detail ? msg(lang, 'word.keyDetail', { detail }) : '';
}

/** The whole key error: the file, what is wrong with it and its particulars. */
export function keyErrorText(login: Login, lang: Lang): string {
  if (!login.keyErrorKind) return login.keyError ?? '';
  const problem = keyProblemText(login, lang) + keyDetailSuffix(login, lang);
  return login.keyFile ? msg(lang, 'word.keyFileProblem', { file: login.keyFile, problem }) : problem;
}

/** The credentials no client here could test, one by one. */
export function untestedText(login: Login, lang: Lang): string {
  if (!login.untested?.length) return login.notTested ?? '';
  return login.untested.map((u) => msg(lang, `untested.${u.kind}`, {
    time: u.timeoutMs !== undefined ? formatMs(u.timeoutMs) : '?', message: quoted(u.message ?? ''), path: u.path ?? '',
    why: msg(lang, `untestedWhy.${u.cause ?? 'batch'}`, { version: u.version ?? 'OpenSSH', detail: quoted(u.detail ?? '') }),
  })).join(msg(lang, 'word.listSep'));
}

/** Why the login ended as it did (or was not attempted), from `reasonKind`. */
export function loginReasonText(ssh: SshResult, lang: Lang): string {
  const login = ssh.login;
  const kind = login.reasonKind;
  if (!kind) return login.reason ?? '';
  const sep = msg(lang, 'word.listSep');
  const passwordNote = login.tried.some((m) => m === 'password' || m === 'keyboard-interactive') ? msg(lang, 'word.stall.passwordSent') : '';
  switch (kind) {
    case 'key-unusable': return keyErrorText(login, lang);
    case 'not-tested': return msg(lang, 'loginReason.not-tested', { list: untestedText(login, lang) });
    case 'password-withheld': return msg(lang, 'loginReason.password-withheld');
    case 'unused-credentials':
      return [
        login.keyErrorKind ? keyErrorText(login, lang) : '',
        login.untested?.length ? msg(lang, 'loginReason.not-tested', { list: untestedText(login, lang) }) : '',
        login.passwordWithheld ? msg(lang, 'loginReason.password-withheld') : '',
      ].filter(Boolean).join(sep);
    case 'method-unavailable':
      return msg(lang, 'loginReason.method-unavailable', {
        offered: ssh.authMethods?.join(', ') || msg(lang, 'word.none'),
        planned: login.planned?.join(', ') || msg(lang, 'word.emptyAgent'),
      });
    case 'ssh2-error':
    case 'openssh-error': {
      const client = kind === 'ssh2-error' ? 'ssh2' : 'OpenSSH';
      return login.reasonDetail
        ? msg(lang, `loginReason.${kind}`, { detail: quoted(login.reasonDetail) })
        : msg(lang, 'loginReason.clientSilent', { client });
    }
    case 'auth-timeout':
    case 'deadline':
      return msg(lang, `loginReason.${kind}`, { passwordNote });
    default:
      return msg(lang, `loginReason.${kind}`);
  }
}

/** Why the system OpenSSH could not be asked. */
export function opensshProblemText(n: NegotiationEvidence, lang: Lang): string {
  const p = n.opensshProblem;
  if (!p) return n.opensshUnavailable ?? '?';
  return msg(lang, `opensshProblem.${p.kind}`, { exe: p.executable });
}
