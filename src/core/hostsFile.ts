/**
 * A hosts file for `cvm-doctor sweep --hosts-file`: one `[user@]host[:port]` per line, `#`
 * starts a comment, blank lines are ignored. Every bad line is reported with its number, so a
 * sweep can refuse the whole file before it sends anything.
 */
import { parseHostSpec, type HostSpec } from './hostSpec';

/** A fleet, not a port scan: more targets than this is a mistake in the file. */
export const MAX_HOSTS_FILE_TARGETS = 10_000;

export interface HostsFileEntry extends HostSpec {
  /** 1-based line number in the file. */
  line: number;
}

export interface HostsFileProblem {
  line: number;
  message: string;
}

export function parseHostsFile(text: string): { entries: HostsFileEntry[]; problems: HostsFileProblem[] } {
  const entries: HostsFileEntry[] = [];
  const problems: HostsFileProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i]!.indexOf('#');
    const body = (hash >= 0 ? lines[i]!.slice(0, hash) : lines[i]!).trim();
    if (body === '') continue;
    if (entries.length >= MAX_HOSTS_FILE_TARGETS) {
      problems.push({ line: i + 1, message: `more than ${MAX_HOSTS_FILE_TARGETS} targets` });
      break;
    }
    try {
      entries.push({ line: i + 1, ...parseHostSpec(body, `line ${i + 1}`) });
    } catch (e) {
      problems.push({ line: i + 1, message: (e as Error).message });
    }
  }
  return { entries, problems };
}
