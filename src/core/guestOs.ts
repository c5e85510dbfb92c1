/**
 * Which guest OS the remediation commands are written for. The knowledge comes, best first,
 * from the guest itself (its /etc/os-release and what it reports about ssh.socket, through
 * the in-guest check), from the SSH server's identification line (Debian and Ubuntu builds
 * say so: "OpenSSH_9.6p1 Ubuntu-3ubuntu13"; Windows says "OpenSSH_for_Windows"), from the
 * cloud's `OsName` (the image the instance was created from, possibly upgraded since), or
 * from nothing — then every variant is shown, each labelled. Pure: no I/O.
 *
 * A variant is a set of commands that is right for a family of systems:
 * - debian: Debian and Ubuntu without socket activation: unit `ssh` (`sshd` is only an alias
 *   while the unit is enabled), `sshd -t` needs /run/sshd, which exists only while ssh runs.
 * - ubuntuSocket: Ubuntu 22.10 and later by default: `ssh.socket` holds the port and starts
 *   ssh.service on demand (an idle ssh.service is inactive).
 * - rhel: CentOS 7/Stream, RHEL, Rocky, AlmaLinux, TencentOS, OpenCloudOS…: unit `sshd`,
 *   firewalld, SELinux.
 * - suse: openSUSE and SLES: unit `sshd`, firewalld.
 * - windows: Windows Server's OpenSSH server: PowerShell.
 */
import type { CloudEvidence, Evidence } from './model';

export const OS_VARIANTS = ['debian', 'ubuntuSocket', 'rhel', 'suse', 'windows'] as const;
export type OsVariant = (typeof OS_VARIANTS)[number];

/** What /etc/os-release says (the fields we use). */
export interface OsRelease {
  id?: string;
  idLike?: string[];
  versionId?: string;
  prettyName?: string;
}

export interface GuestOs {
  /** The variants whose commands are shown, in display order. */
  variants: OsVariant[];
  /** Where the knowledge came from. */
  source: 'guest' | 'banner' | 'cloud' | 'unknown';
  /** The OS as named by its source (os-release PRETTY_NAME or the cloud's OsName). */
  name?: string;
}

export const UNKNOWN_OS: GuestOs = { variants: [...OS_VARIANTS], source: 'unknown' };

type Family = 'debian' | 'ubuntu' | 'rhel' | 'suse' | 'windows';

const RHEL_IDS = /^(centos|rhel|rocky|almalinux|tencentos|tlinux|opencloudos|fedora|ol|anolis|alinux|openeuler|euleros|circle|eurolinux|kylin)$/;
const RHEL_NAME = /centos|rocky|alma|tencent ?os|tlinux|opencloudos|red ?hat|\brhel\b|fedora|oracle linux|anolis|alibaba cloud linux|openeuler|euleros/i;

/** "22.04" → 22.04 as a comparable number (major + minor/100). */
function ubuntuVersion(v: string | undefined): number | undefined {
  const m = /^(\d{1,2})\.(\d{2})/.exec(v?.trim() ?? '');
  return m ? Number(m[1]) + Number(m[2]) / 100 : undefined;
}

/** Ubuntu starts sshd through ssh.socket by default from 22.10 on. */
const SOCKET_FROM = 22.1;

function familyOfRelease(r: OsRelease): Family | undefined {
  const id = (r.id ?? '').toLowerCase();
  const like = (r.idLike ?? []).map((s) => s.toLowerCase());
  if (id === 'ubuntu') return 'ubuntu';
  if (id === 'debian' || like.includes('debian') || like.includes('ubuntu')) return 'debian';
  if (RHEL_IDS.test(id) || like.some((l) => l === 'rhel' || l === 'fedora' || l === 'centos')) return 'rhel';
  if (/^(opensuse|sles|sled|suse)/.test(id) || like.some((l) => l.startsWith('suse') || l.startsWith('opensuse'))) return 'suse';
  return undefined;
}

function familyOfName(name: string): Family | undefined {
  if (/windows/i.test(name)) return 'windows';
  if (/ubuntu/i.test(name)) return 'ubuntu';
  if (/debian/i.test(name)) return 'debian';
  if (RHEL_NAME.test(name)) return 'rhel';
  if (/suse/i.test(name)) return 'suse';
  return undefined;
}

/**
 * The variants for one family. For Ubuntu, what the guest reports about ssh.socket decides;
 * without that report the version does (22.10+ defaults to the socket, but an upgraded or
 * reconfigured system may not use it: both are shown then, the default first).
 */
function variantsOf(family: Family, version: number | undefined, socket: SocketState): OsVariant[] {
  if (family === 'windows' || family === 'rhel' || family === 'suse') return [family];
  if (socket === 'active') return ['ubuntuSocket'];
  if (socket === 'inactive-service-active') return ['debian'];
  if (family === 'debian') return ['debian'];
  if (version === undefined) return ['ubuntuSocket', 'debian'];
  return version >= SOCKET_FROM ? ['ubuntuSocket', 'debian'] : ['debian'];
}

type SocketState = 'active' | 'inactive-service-active' | 'unknown';

function socketState(g: CloudEvidence['guest']): SocketState {
  if (!g?.agentOnline || !g.sshSocket) return 'unknown';
  if (g.sshSocket.active) return 'active';
  return g.serviceActive ? 'inactive-service-active' : 'unknown';
}

/** Ubuntu's OpenSSH 9.0 came with 22.10 (22.04 has 8.9): the first release with ssh.socket. */
const UBUNTU_SOCKET_OPENSSH = 9.0;

/** What an identification line says about the OS, when its build names one. */
function familyOfBanner(line: string): { family: Family; version?: number } | undefined {
  if (/^SSH-[\d.]+-OpenSSH_for_Windows/.test(line)) return { family: 'windows' };
  const m = /^SSH-[\d.]+-OpenSSH_(\d+)\.(\d+)\S*\s+(Ubuntu|Debian)-/.exec(line);
  if (!m) return undefined;
  if (m[3] === 'Debian') return { family: 'debian' };
  const openssh = Number(m[1]) + Number(m[2]) / 10;
  return { family: 'ubuntu', version: openssh >= UBUNTU_SOCKET_OPENSSH ? SOCKET_FROM : 22.04 };
}

/** The SSH identification lines seen: the port's, or the one where the server moved. */
function banners(e: Evidence): string[] {
  const out: string[] = [];
  if (e.banner?.outcome === 'ssh' && e.banner.line) out.push(e.banner.line);
  for (const a of e.altPorts ?? []) if (a.protocol === 'ssh' && a.banner) out.push(a.banner);
  return out;
}

/** The OS the remediation is written for, from the best source the evidence has. */
export function guestOs(e: Evidence): GuestOs {
  const g = e.cloud?.guest;
  const socket = socketState(g);
  const rel = g?.agentOnline ? g.os : undefined;
  const relFamily = rel ? familyOfRelease(rel) : undefined;
  if (rel && relFamily) {
    return { variants: variantsOf(relFamily, relFamily === 'ubuntu' ? ubuntuVersion(rel.versionId) : undefined, socket), source: 'guest', ...(rel.prettyName ? { name: rel.prettyName } : {}) };
  }
  for (const line of banners(e)) {
    const b = familyOfBanner(line);
    if (b) return { variants: variantsOf(b.family, b.version, socket), source: 'banner' };
  }
  const osName = e.cloud?.instance?.osName;
  const nameFamily = osName ? familyOfName(osName) : undefined;
  if (osName && nameFamily) {
    const version = nameFamily === 'ubuntu' ? ubuntuVersion(/(\d{1,2}\.\d{2})/.exec(osName)?.[1]) : undefined;
    return { variants: variantsOf(nameFamily, version, socket), source: 'cloud', name: osName };
  }
  // The guest ran the Linux check (no Windows there) but its OS is not one we know.
  if (socket === 'active') return { variants: ['ubuntuSocket'], source: 'guest' };
  if (g?.agentOnline && g.os) return { variants: OS_VARIANTS.filter((v) => v !== 'windows'), source: 'guest', ...(g.os.prettyName ? { name: g.os.prettyName } : {}) };
  return UNKNOWN_OS;
}

/** Parses /etc/os-release (shell-style KEY=value lines, values optionally quoted). */
export function parseOsRelease(lines: string[]): OsRelease | undefined {
  const kv = new Map<string, string>();
  for (const raw of lines) {
    const m = /^([A-Z_]+)=(.*)$/.exec(raw.trim());
    if (!m) continue;
    let v = m[2].trim();
    const q = /^"((?:[^"\\]|\\.)*)"$|^'([^']*)'$/.exec(v);
    if (q) v = (q[1] ?? q[2] ?? '').replace(/\\(.)/g, '$1');
    kv.set(m[1], v.slice(0, 200));
  }
  if (!kv.size) return undefined;
  const out: OsRelease = {};
  if (kv.get('ID')) out.id = kv.get('ID');
  const like = kv.get('ID_LIKE')?.split(/\s+/).filter(Boolean);
  if (like?.length) out.idLike = like;
  if (kv.get('VERSION_ID')) out.versionId = kv.get('VERSION_ID');
  const pretty = kv.get('PRETTY_NAME') ?? kv.get('NAME');
  if (pretty) out.prettyName = pretty;
  return out.id || out.prettyName ? out : undefined;
}
