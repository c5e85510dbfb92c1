/** The file name Save HTML suggests. No `vscode` import: unit-tested. */
import { localDate } from '../../core/format';

/** `cvm-doctor-<name>-<local date>.html`, with only characters every file system accepts. */
export function htmlFileName(name: string, startedAt: string, offsetMinutes?: number): string {
  return `${baseName(name, startedAt, offsetMinutes)}.html`;
}

/** `cvm-doctor-<name>-<local date>-ticket.md`; its JSON twin is the same name with `.json`. */
export function ticketFileName(name: string, startedAt: string, offsetMinutes?: number): string {
  return `${baseName(name, startedAt, offsetMinutes)}-ticket.md`;
}

function baseName(name: string, startedAt: string, offsetMinutes?: number): string {
  const safe = name.replace(/[^A-Za-z0-9.\-_\uac00-\ud7a3]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, 60) || 'report';
  return `cvm-doctor-${safe}-${localDate(startedAt, offsetMinutes)}`;
}
