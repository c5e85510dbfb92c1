/**
 * The environment a child process of ours gets: enough to find and run the program, nothing
 * of the user's secrets (TENCENTCLOUD_SECRET_KEY, the variable holding a password, agent
 * sockets) and a fixed C locale so its messages can be parsed.
 */
export function minimalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LC_ALL: 'C', LANG: 'C' };
  const keep = process.platform === 'win32'
    ? ['PATH', 'Path', 'SystemRoot', 'SYSTEMROOT', 'WINDIR', 'TEMP', 'TMP', 'USERPROFILE']
    : ['PATH', 'TMPDIR'];
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  if (env.PATH === undefined && process.platform !== 'win32') env.PATH = '/usr/bin:/bin:/usr/sbin:/sbin';
  return { ...env, ...extra };
}
