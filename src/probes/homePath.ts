/** `~` and `~/…` as ssh(1) expands them in a path the user gave (a setting, an option, an
 *  IdentityFile line), and the user's ssh config file. One home for the CLI, the extension
 *  and the ssh_config reader and writer. */
import * as os from 'os';
import * as path from 'path';

/** ~/.ssh/config: the file ssh(1) reads, the import lists and Add to SSH config appends to. */
export function defaultSshConfigPath(home = os.homedir()): string {
  return path.join(home, '.ssh', 'config');
}

export function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}
