/**
 * The user's own files (known_hosts, private keys) read and written with a bound: a home on
 * a hung network file system must not hang the run. The wait ends at the timeout or on the
 * signal (a thread of libuv's pool may stay blocked in the kernel; the run goes on without
 * it, and a file handle that opens late is closed).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { cancelledError, isDeadline } from '../core/cancel';

export type FileResult<T> = { ok: true; value: T } | { ok: false; code: string };

/** Runs `op` until it settles, `timeoutMs` passes (code ETIMEDOUT) or `signal` fires: a
 *  deadline resolves as ETIMEDOUT, a cancel rejects with CancelledError. */
function bounded<T>(op: () => Promise<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<FileResult<T>> {
  return new Promise<FileResult<T>>((resolve, reject) => {
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!signal || !finish()) return;
      if (isDeadline(signal)) resolve({ ok: false, code: 'ETIMEDOUT' });
      else reject(cancelledError(signal));
    };
    const timer = setTimeout(() => { if (finish()) resolve({ ok: false, code: 'ETIMEDOUT' }); }, Math.max(0, timeoutMs));
    if (signal?.aborted) { onAbort(); return; }
    signal?.addEventListener('abort', onAbort, { once: true });
    op().then(
      (value) => { if (finish()) resolve({ ok: true, value }); },
      (e: unknown) => { if (finish()) resolve({ ok: false, code: (e as NodeJS.ErrnoException).code ?? String(e) }); },
    );
  });
}

/** Reads at most `maxBytes` of a regular file (EFBIG when it is larger, EISDIR/ENOTFILE when
 *  not a file). A read that finishes after the bound closes its handle itself. */
export function readFileBounded(file: string, o: { maxBytes: number; timeoutMs: number; signal?: AbortSignal }): Promise<FileResult<Buffer>> {
  const op = async (): Promise<Buffer> => {
    const fh = await fs.open(file, 'r');
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      if (st.size > o.maxBytes) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
      // Read one byte more than allowed: a file that grows while it is read is still refused.
      const buf = Buffer.alloc(Math.min(o.maxBytes, st.size + 65536) + 1);
      let n = 0;
      while (n < buf.length) {
        const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      if (n > o.maxBytes) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
      return buf.subarray(0, n);
    } finally {
      await fh.close().catch(() => undefined);
    }
  };
  return bounded(op, o.timeoutMs, o.signal);
}

/** Whether `file` can be opened for reading, within the bound (ENOENT, EACCES, ETIMEDOUT…). */
export function checkReadable(file: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<FileResult<true>> {
  return bounded(async () => {
    const fh = await fs.open(file, 'r');
    try {
      if (!(await fh.stat()).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    } finally {
      await fh.close().catch(() => undefined);
    }
    return true as const;
  }, o.timeoutMs, o.signal);
}

/**
 * Appends one known_hosts line the way OpenSSH does when it learns a key: the directory is
 * created with mode 700 and the file with mode 600 when missing (existing modes are kept),
 * and a file that does not end in a newline gets one first.
 */
export function appendKnownHostsLine(file: string, line: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<FileResult<true>> {
  if (/[\r\n]/.test(line)) return Promise.resolve({ ok: false, code: 'EINVAL' });
  const op = async (): Promise<true> => {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const fh = await fs.open(file, 'a+', 0o600);
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      let prefix = '';
      if (st.size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, st.size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await fh.appendFile(`${prefix}${line}\n`);
      await fh.sync().catch(() => undefined);
    } finally {
      await fh.close();
    }
    return true;
  };
  return bounded(op, o.timeoutMs, o.signal);
}

/** Private keys in `dir` (~/.ssh), by name only — nothing is read: files with a `.pub`
 *  beside them, and OpenSSH's default names (id_*). At most 32, sorted. */
export function listPrivateKeys(dir: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<FileResult<string[]>> {
  return bounded(async () => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const names = new Set(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
    const keys = [...names].filter((n) => !n.endsWith('.pub') && (names.has(`${n}.pub`) || /^id_[a-z0-9_-]+$/i.test(n)));
    return keys.sort().slice(0, 32).map((n) => path.join(dir, n));
  }, o.timeoutMs, o.signal);
}

/** What a rewrite of one of the user's files did: the text before (for undo) and after, and
 *  where the backup went (absent when the file did not exist yet). */
export interface FileChange { before: string; after: string; backup?: string; existed: boolean }

/**
 * Rewrites a small text file of the user's (known_hosts, ~/.ssh/config) through `change`: the
 * current content is first copied to `backup` (OpenSSH's `known_hosts.old`, ssh-keygen -R's
 * own backup), then the new content replaces the file atomically (a temporary file in the same
 * directory, renamed over it), keeping the file's mode; a new file gets mode 600 in a 700
 * directory. `change` returning undefined writes nothing. `expectBefore`: refuse (ECHANGED)
 * when the file no longer holds that text (the undo of a change made earlier).
 */
export function rewriteUserFile(
  file: string, change: (before: string) => string | undefined,
  o: { backup?: string; timeoutMs: number; signal?: AbortSignal; maxBytes?: number; expectBefore?: string },
): Promise<FileResult<FileChange | undefined>> {
  const op = async (): Promise<FileChange | undefined> => {
    let before = '';
    let existed = true;
    let mode = 0o600;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      if (st.size > (o.maxBytes ?? 16 * 1024 * 1024)) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
      before = await fs.readFile(file, 'utf8');
      mode = st.mode & 0o777;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      existed = false;
    }
    if (o.expectBefore !== undefined && before !== o.expectBefore) throw Object.assign(new Error('the file changed since'), { code: 'ECHANGED' });
    const after = change(before);
    if (after === undefined || after === before) return undefined;
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    if (existed && o.backup) await fs.writeFile(o.backup, before, { mode });
    const tmp = `${file}.cvmd-${process.pid}-${Date.now()}.tmp`;
    try {
      await fs.writeFile(tmp, after, { mode, flag: 'wx' });
      await fs.chmod(tmp, mode);
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    return { before, after, existed, ...(existed && o.backup ? { backup: o.backup } : {}) };
  };
  return bounded(op, o.timeoutMs, o.signal);
}
