/**
 * Joins the lab (real hosts in namespaces) with the local Tencent Cloud endpoint: fixture
 * instances whose public IP is a lab host's namespace address, and TAT output taken from the
 * lab host itself. The in-guest answer is the real guest script (buildGuestScript, the same
 * text the inspector sends through RunCommand) run under /bin/sh inside the host's namespace,
 * so its `listen`, `nft` and `iptables` sections are that host's real sockets and rules. The
 * sections whose truth lives outside a network namespace (the namespace shares the machine's
 * processes and /etc/ssh) are replaced by facts about the lab host: whether an sshd process
 * runs in its namespace, the ports its sshd was configured with, and `ssh-keygen -lf` of the
 * host keys the lab generated for it.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildGuestScript, MARK } from '../../src/cloud/guestScript';
import type { Lab, LabHost } from './lab';
import { REGION, type TencentFixture } from './tencentEndpoint';
import type { FixtureInstance } from './tencentEndpointFixture';

function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

function section(name: string, lines: string[], rc = 0): string {
  return [`${MARK}:BEGIN ${name}`, ...lines, `${MARK}:END ${name} rc=${rc}`].join('\n');
}

/** Replace one marker-delimited section of the script's output; throws when it is missing. */
export function replaceSection(output: string, name: string, lines: string[], rc = 0): string {
  const re = new RegExp(`^${MARK}:BEGIN ${name}\\n(?:.*\\n)*?${MARK}:END ${name} rc=\\d+$`, 'm');
  if (!re.test(output)) throw new Error(`the guest script printed no "${name}" section:\n${output}`);
  return output.replace(re, () => section(name, lines, rc));
}

/** A process named sshd inside the host's namespace, if any. */
async function sshdPidIn(h: Pick<LabHost, 'ns'>): Promise<number | undefined> {
  const pids = (await run('ip', ['netns', 'pids', h.ns])).split(/\s+/).filter(Boolean);
  const pid = pids.find((p) => {
    try { return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'sshd'; } catch { return false; }
  });
  return pid === undefined ? undefined : Number(pid);
}

/** Whether a process named sshd runs inside the host's namespace. */
export async function sshdRunsIn(h: Pick<LabHost, 'ns'>): Promise<boolean> {
  return (await sshdPidIn(h)) !== undefined;
}

/** `ssh-keygen -lf` lines for public keys ("type base64"), as the guest script prints them. */
export async function hostKeyLines(lab: Pick<Lab, 'dir'>, keys: string[]): Promise<string[]> {
  if (!keys.length) return [];
  const file = path.join(lab.dir, `guest-keys-${process.hrtime.bigint()}.pub`);
  fs.writeFileSync(file, keys.map((k) => `${k}\n`).join(''));
  return (await run('ssh-keygen', ['-lf', file])).split('\n').filter(Boolean);
}

/** What a fake TAT needs to know of a lab host to answer as it (plain data: it crosses into a
 *  runner process, routerLabRunner.ts). */
export interface GuestFacts {
  ns: string;
  /** A directory for the script and scratch files (the lab's dir). */
  dir: string;
  /** The host keys reported ("type base64"). */
  hostKeys: string[];
  /** The ports its sshd was configured with (default [22]). */
  sshdPorts?: number[];
  /** Programs the guest lacks: absolute paths hidden (/dev/null bound over them) in a mount
   *  namespace of the script's own (guestExec.ts). */
  without?: string[];
  /** Run in the mount namespace of the host's sshd (a guest host, labGuest.ts), so the disk
   *  sections see that guest's own /home (the lab dir under /tmp is the same there). */
  guestMounts?: boolean;
}

export function guestFacts(h: LabHost, lab: Pick<Lab, 'dir'>, o: { sshdPorts?: number[]; hostKeys?: string[]; without?: string[]; guestMounts?: boolean } = {}): GuestFacts {
  return {
    ns: h.ns, dir: lab.dir, hostKeys: o.hostKeys ?? h.hostKeys, ...(o.sshdPorts ? { sshdPorts: o.sshdPorts } : {}),
    ...(o.without ? { without: o.without } : {}), ...(o.guestMounts ? { guestMounts: true } : {}),
  };
}

/** Runs a guest script under /bin/sh in the host's namespace, as TAT would, and replaces the
 *  sections whose truth lives outside a network namespace by the host's facts. */
export async function runGuestScript(g: GuestFacts, script: string, timeoutMs = 30_000): Promise<{ output: string; exitCode: number }> {
  const file = path.join(g.dir, `guest-${g.ns}-${process.hrtime.bigint()}.sh`);
  fs.writeFileSync(file, script, { mode: 0o600 });
  const sh = g.without?.length
    ? ['unshare', '-m', '--propagation', 'private', process.execPath, path.join(__dirname, 'guestExec.js'), JSON.stringify(g.without), '--', 'sh', file]
    : ['sh', file];
  const sshdPid = g.guestMounts ? await sshdPidIn(g) : undefined;
  if (g.guestMounts && sshdPid === undefined) throw new Error(`no sshd runs in ${g.ns}`);
  let output = sshdPid !== undefined
    ? await run('nsenter', ['-t', String(sshdPid), '-m', '-n', ...sh], timeoutMs)
    : await run('ip', ['netns', 'exec', g.ns, ...sh], timeoutMs);
  const sshd = await sshdRunsIn(g);
  output = replaceSection(output, 'service', [`process sshd ${sshd ? 'running' : 'absent'}`]);
  output = replaceSection(output, 'configtest', []);
  output = replaceSection(output, 'config', (g.sshdPorts ?? [22]).flatMap((p) => [`port ${p}`]));
  output = replaceSection(output, 'hostkeys', await hostKeyLines(g, g.hostKeys));
  return { output, exitCode: 0 };
}

export interface LabGuest {
  /** The script that ran (what RunCommand must receive). */
  script: string;
  /** Its output, with the machine-wide sections replaced by the lab host's facts. */
  output: string;
}

/**
 * What TAT would answer for this lab host. `hostKeys` overrides the host keys reported (to
 * stage a presented key that is not the instance's); `sshdPorts` are its configured ports.
 */
export async function labGuest(h: LabHost, lab: Lab, o: { port?: number; sshdPorts?: number[]; hostKeys?: string[]; guestMounts?: boolean } = {}): Promise<LabGuest> {
  const script = buildGuestScript(o.port ?? 22);
  const { output } = await runGuestScript(guestFacts(h, lab, o), script);
  return { script, output };
}

/** A RUNNING Linux instance in REGION whose public address is the lab host's. */
export function labInstance(id: string, h: LabHost, over: Partial<FixtureInstance> = {}): FixtureInstance {
  return {
    region: REGION, InstanceId: id, InstanceName: id.replace(/^ins-/, ''), InstanceState: 'RUNNING', RestrictState: 'NORMAL',
    PublicIpAddresses: [h.ipv4], PrivateIpAddresses: ['127.0.1.20'], OsName: 'Debian 12 64bit', ImageId: 'img-lab',
    SecurityGroupIds: ['sg-labopen'], VirtualPrivateCloud: { VpcId: 'vpc-lab', SubnetId: 'subnet-labopen' },
    Placement: { Zone: `${REGION}-3` }, ...over,
  };
}

/** Security groups, subnets and ACLs the combined tests use (added to a fixture). */
export function addLabNetwork(fx: TencentFixture, blockedCaller: string): void {
  Object.assign(fx.securityGroups, {
    // Accepts SSH from the lab's whole range.
    'sg-labopen': { version: 1, ingress: [
      { Protocol: 'TCP', Port: '22', CidrBlock: '10.213.0.0/16', Action: 'ACCEPT', PolicyDescription: 'ssh from the lab' },
      { Protocol: 'ICMP', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' },
    ], egress: [] },
    // Evaluated before sg-labopen: drops SSH from one caller address.
    'sg-labguard': { version: 4, ingress: [
      { Protocol: 'TCP', Port: '80,443', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', PolicyDescription: 'web' },
      { Protocol: 'TCP', Port: '22', CidrBlock: `${blockedCaller}/32`, Action: 'DROP', PolicyDescription: 'lab: this caller is blocked' },
    ], egress: [] },
    // No rule for 22 at all: implicit deny.
    'sg-labweb': { version: 2, ingress: [{ Protocol: 'TCP', Port: '80,443', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }], egress: [] },
  });
  Object.assign(fx.subnets, {
    'subnet-labopen': { vpcId: 'vpc-lab', networkAclId: 'acl-labopen' },
    'subnet-lablocked': { vpcId: 'vpc-lab', networkAclId: 'acl-lablocked' },
  });
  Object.assign(fx.networkAcls, {
    'acl-labopen': {
      ingress: [{ Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', Description: 'ssh' }],
      egress: [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }],
    },
    'acl-lablocked': {
      ingress: [
        { Protocol: 'TCP', Port: '80,443', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' },
        { Protocol: 'TCP', Port: '22', CidrBlock: '10.213.0.0/16', Action: 'DROP', Description: 'lab: ssh closed at the subnet' },
      ],
      egress: [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }],
    },
  });
}
