/**
 * Windows-only local facts, parsed from the tools' own output: a key file's ACL (`icacls
 * FILE`) and the ssh-agent service (`Get-Service ssh-agent | Format-List Name,Status,StartType`).
 * Pure: the probe runs the tools (src/probes/localKeys.ts, agent.ts).
 *
 * Localised Windows: icacls prints account names as Windows knows them (English names on a
 * Korean Windows — BUILTIN\Administrators, NT AUTHORITY\SYSTEM, Everyone — and translated
 * ones in, say, German: VORDEFINIERT\Benutzer, Jeder) and an unresolvable account as
 * `*S-1-…`; only its last line ("Successfully processed 1 files…", "1개 파일을
 * 처리했으며…") is in the user's language. Principals are therefore recognised by SID first,
 * then by their known names in several languages, and the summary line is never needed.
 * Get-Service's property names and status values are not localised.
 */

export interface AclEntry {
  /** As icacls printed it, e.g. "BUILTIN\\Users" or "*S-1-5-21-…-1001". */
  principal: string;
  /** The well-known SID, when the principal is one (or printed as a SID). */
  sid?: string;
  /** icacls' rights and flags, e.g. ["I", "RX"] or ["OI", "CI", "F"]. */
  rights: string[];
  inherited: boolean;
  /** (DENY) entries never grant anything. */
  deny: boolean;
}

/** Well-known SIDs that mean "someone other than you" (OpenSSH refuses a key they can read). */
export const BROAD_SIDS: Readonly<Record<string, string>> = {
  'S-1-1-0': 'Everyone',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-32-545': 'Users',
  'S-1-5-4': 'Interactive',
  'S-1-2-0': 'Local',
  'S-1-5-7': 'Anonymous',
};
/** Principals OpenSSH for Windows accepts beside the owner. */
export const TRUSTED_SIDS: Readonly<Record<string, string>> = {
  'S-1-5-18': 'SYSTEM',
  'S-1-5-32-544': 'Administrators',
};

/** Names of well-known principals as icacls prints them (English, and the common translations). */
const NAME_TO_SID: Readonly<Record<string, string>> = {
  everyone: 'S-1-1-0', jeder: 'S-1-1-0', 'tout le monde': 'S-1-1-0', todos: 'S-1-1-0', 'все': 'S-1-1-0',
  'nt authority\\authenticated users': 'S-1-5-11', 'nt-autorität\\authentifizierte benutzer': 'S-1-5-11', 'autorite nt\\utilisateurs authentifiés': 'S-1-5-11',
  'builtin\\users': 'S-1-5-32-545', 'vordefiniert\\benutzer': 'S-1-5-32-545', 'builtin\\utilisateurs': 'S-1-5-32-545',
  'nt authority\\interactive': 'S-1-5-4',
  'builtin\\administrators': 'S-1-5-32-544', 'vordefiniert\\administratoren': 'S-1-5-32-544', 'builtin\\administrateurs': 'S-1-5-32-544',
  'nt authority\\system': 'S-1-5-18', 'nt-autorität\\system': 'S-1-5-18', 'autorite nt\\système': 'S-1-5-18',
};

const RIGHTS = /^(.*?):((?:\([A-Z,]+\))+)$/;

/** Parses `icacls FILE` output into the file's entries (the first line carries the path). */
export function parseIcacls(text: string, file: string): AclEntry[] {
  const out: AclEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!.replace(/\s+$/, '');
    if (!l.trim()) continue;
    if (i === 0 || out.length === 0) {
      // "C:\Users\a\.ssh\id_ed25519 BUILTIN\Administrators:(F)": the path, then an entry.
      const at = l.toLowerCase().indexOf(file.toLowerCase());
      if (at < 0) continue;
      l = l.slice(at + file.length);
    }
    const m = RIGHTS.exec(l.trim());
    if (!m) continue;
    const principal = m[1]!.trim();
    const rights = [...m[2]!.matchAll(/\(([A-Z,]+)\)/g)].map((x) => x[1]!);
    const sid = principalSid(principal);
    out.push({
      principal, ...(sid ? { sid } : {}), rights,
      inherited: rights.includes('I'), deny: rights.includes('DENY'),
    });
  }
  return out;
}

export function principalSid(principal: string): string | undefined {
  const p = principal.trim();
  if (/^\*?S-1-[0-9-]+$/i.test(p)) return p.replace(/^\*/, '').toUpperCase();
  return NAME_TO_SID[p.toLowerCase()];
}

/** icacls rights that include reading the file's data. */
function grantsRead(rights: string[]): boolean {
  return rights.some((r) => r === 'F' || r === 'M' || r === 'RX' || r === 'R' || r === 'GR' || r === 'GA' || r.split(',').some((x) => x === 'RD' || x === 'GR' || x === 'GA'));
}

/** The entries that let someone other than the owner, SYSTEM and Administrators read the key:
 *  a broad group, or another account. `self`: the user's own account name (DOMAIN\user or
 *  user) and SID when known. */
export function aclTooOpen(entries: AclEntry[], self: { name?: string; sid?: string }): AclEntry[] {
  const me = (self.name ?? '').toLowerCase();
  const shortMe = me.includes('\\') ? me.slice(me.indexOf('\\') + 1) : me;
  return entries.filter((e) => {
    if (e.deny || !grantsRead(e.rights)) return false;
    if (e.sid && TRUSTED_SIDS[e.sid]) return false;
    if (self.sid && e.sid === self.sid) return false;
    const p = e.principal.toLowerCase();
    if (me && (p === me || p.endsWith(`\\${shortMe}`) || p === shortMe)) return false;
    return true;
  });
}

/** The repair OpenSSH for Windows documents: stop inheriting, keep only the user (full
 *  control) — SYSTEM and Administrators stay allowed — and remove the other entries found.
 *  Run as argv (never a shell); the first step saves the current ACL for undo. */
export interface IcaclsRepair {
  /** `icacls FILE /save BACKUP`: the undo's source. */
  save: string[];
  /** The repair itself. */
  repair: string[];
  /** `icacls DIR /restore BACKUP`: undo. */
  restore: string[];
  /** The same as PowerShell lines to show before anything runs. */
  preview: string;
}

export function icaclsRepair(file: string, user: string, tooOpen: AclEntry[], backup: string, dir: string): IcaclsRepair {
  const remove = [...new Set(tooOpen.filter((e) => !e.inherited).map((e) => (e.sid ? `*${e.sid}` : e.principal)))];
  const repair = [file, '/inheritance:r', '/grant:r', `${user}:F`, ...(remove.length ? ['/remove:g', ...remove] : [])];
  const q = (s: string) => `"${s.replace(/"/g, '`"')}"`;
  // Paths and the account are quoted (PowerShell); switches and *SIDs need no quotes.
  const shown = repair.map((a, i) => (i === 0 || a === `${user}:F` || /\s/.test(a) ? q(a) : a));
  const preview = [
    `icacls ${q(file)} /save ${q(backup)}`,
    `icacls ${shown.join(' ')}`,
  ].join('\n');
  return { save: [file, '/save', backup], repair, restore: [dir, '/restore', backup], preview };
}

export interface WindowsServiceState {
  /** false: Get-Service found no such service (OpenSSH client not installed); undefined: the
   *  output said neither. */
  exists?: boolean;
  /** Running, Stopped, StartPending, … */
  status?: string;
  /** Automatic, Manual, Disabled, … (PowerShell 5.1+) */
  startType?: string;
}

/** Parses `Get-Service NAME | Format-List Name,Status,StartType` (and its error output). */
export function parseGetService(stdout: string, stderr = ''): WindowsServiceState {
  const field = (k: string) => new RegExp(`^\\s*${k}\\s*:\\s*(\\S+)\\s*$`, 'mi').exec(stdout)?.[1];
  const status = field('Status');
  if (status) {
    const startType = field('StartType');
    return { exists: true, status, ...(startType ? { startType } : {}) };
  }
  // The error id is not localised; the message before it is.
  if (/NoServiceFoundForGivenName/.test(stderr + stdout)) return { exists: false };
  return {};
}
