/** The name of the user running CVM Doctor: what ssh(1) logs in as when neither the command
 *  line nor ~/.ssh/config names a user. One home for the CLI, the extension and the
 *  ssh_config import. */
import * as os from 'os';
import { DEFAULT_SSH_USER } from '../core/model';

/** The local user's name; undefined when the system cannot tell (no passwd entry). */
export function localUserName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

/** Like ssh: the local user's name, else the engine's default (root). */
export function defaultUser(): string {
  return localUserName() ?? DEFAULT_SSH_USER;
}
