/** Where the key file picker (vscode/identityPicker.ts: the wizard and "Set credentials…") opens its file dialog. No `vscode` import: unit-tested. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Private keys OpenSSH tries by default, in its order. */
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * Where the key file picker opens: a file in ~/.ssh (the first default key that exists, else
 * id_ed25519), so every dialog — native or VS Code's own, which opens the folder of a file it
 * cannot see — starts in ~/.ssh; the home folder when there is no ~/.ssh.
 */
export function keyPickerStart(home = os.homedir()): string {
  const ssh = path.join(home, '.ssh');
  try {
    if (!fs.statSync(ssh).isDirectory()) return home;
  } catch {
    return home;
  }
  const existing = DEFAULT_KEYS.find((k) => fs.existsSync(path.join(ssh, k)));
  return path.join(ssh, existing ?? DEFAULT_KEYS[0]!);
}
