/**
 * Runs a command with some programs missing, as on a guest that lacks them: started by the lab
 * as `ip netns exec NS unshare -m --propagation private node guestExec.js PATHS_JSON -- CMD...`,
 * it binds /dev/null (not executable) over each absolute path, in this mount namespace only
 * (`command -v` then finds nothing), then runs CMD with its output passed through and exits
 * with its code. Standalone on purpose: it runs as its own process (argv only).
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const sep = process.argv.indexOf('--');
const paths = JSON.parse(process.argv[2] ?? '[]') as string[];
const cmd = process.argv.slice(sep + 1);
if (sep !== 3 || !Array.isArray(paths) || cmd.length === 0 || paths.some((p) => typeof p !== 'string' || !path.isAbsolute(p))) {
  process.stderr.write('usage: guestExec PATHS_JSON -- CMD [ARGS...]\n');
  process.exit(2);
}
for (const p of paths) if (fs.existsSync(p)) execFileSync('mount', ['--bind', '/dev/null', p], { stdio: 'ignore', timeout: 10_000 });
const child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
