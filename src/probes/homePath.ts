/** `~` and `~/…` as ssh(1) expands them in a path the user gave (a setting, an option, an
 *  IdentityFile line): the home folder. One home for the CLI, the extension and the
 *  ssh_config import. */
import * as os from 'os';
import * as path from 'path';

export function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}
