/**
 * The in-memory cloud served by the local Tencent Cloud endpoint: instances, security groups
 * (with Version), templates, subnets + network ACLs, TAT agents and their command output, and
 * injected faults. Everything is plain data in the API's own shapes, mutable by tests.
 *
 * Instance addresses are loopback (127.0.0.0/8): an imported instance is dialled at once by
 * the extension's reachability checks and by any diagnosis, and a test must never send a
 * packet off the machine (test/unit/fixtureAddresses.test.ts checks every fixture file).
 * Rule data (CIDRs, ranges) may use documentation prefixes: nothing ever connects to them.
 */
import type { AclEntry } from '../../src/cloud/networkAclEval';
import type { SgPolicy } from '../../src/cloud/securityGroupEval';
import type { FirewallRuleInfo } from '../../src/cloud/firewallEval';
import type { RawLighthouseInstance } from '../../src/cloud/lighthouse';
import { MARK } from '../../src/cloud/guestScript';

/** A Lighthouse instance (DescribeInstances of the lighthouse service); the endpoint fills the
 *  Instance fields CVM Doctor does not read with realistic values. */
export interface FixtureLighthouseInstance extends RawLighthouseInstance {
  /** Not an API field: the region the instance lives in. */
  region: string;
  InstanceId: string;
}

/** Where CreateFirewallRules puts new rules (undocumented in the real API): at the end (the
 *  default), first, or before the rule at `at`. */
export type NewRulePlacement = 'append' | 'prepend' | { at: number };

export interface FixtureLighthouse {
  instances: FixtureLighthouseInstance[];
  /** Each instance's firewall: its rules in evaluation order and FirewallVersion. */
  firewalls: Record<string, { version: number; rules: FirewallRuleInfo[] }>;
  /** DescribeInstancesTrafficPackages' TrafficPackageSet per instance (Status NETWORK_NORMAL or OVERDUE_NETWORK_DISABLED). */
  trafficPackages: Record<string, Array<{ TrafficPackageId: string; Status: string }>>;
  newRulePlacement: NewRulePlacement;
}

export interface FixtureInstance {
  /** Not an API field: the region the instance lives in. */
  region: string;
  InstanceId: string;
  InstanceName?: string;
  InstanceState: string;
  RestrictState?: string;
  PublicIpAddresses?: string[] | null;
  PrivateIpAddresses?: string[];
  IPv6Addresses?: string[];
  OsName?: string;
  ImageId?: string;
  SecurityGroupIds?: string[];
  VirtualPrivateCloud?: { VpcId: string; SubnetId: string };
  Placement?: { Zone: string };
  DefaultLoginUser?: string;
  DefaultLoginPort?: number;
  InternetAccessible?: { InternetChargeType?: string; InternetMaxBandwidthOut: number; PublicIpAssigned?: boolean };
}

export interface FixtureSecurityGroup { version: number; ingress: SgPolicy[]; egress: SgPolicy[] }

export interface FixtureGuest {
  /** online: commands run; offline: registered but not reachable; none: no agent installed. */
  agent: 'online' | 'offline' | 'none';
  /** What the script prints (sectioned output). */
  output?: string;
  exitCode?: number;
  /** DescribeInvocationTasks answers RUNNING this many times before the final status. */
  pollsBeforeDone?: number;
  finalStatus?: string;
  /** A guest that really runs the script (labCloud/routerLab): RunCommand starts it, and the
   *  task stays RUNNING until it settles; its answer replaces `output` and `exitCode`. */
  run?: (script: string) => Promise<{ output: string; exitCode: number }>;
}

export interface FixtureFault {
  /** Action to fail; undefined = any action. */
  action?: string;
  code: string;
  message?: string;
  /** How many more requests fail (decremented on each). */
  times: number;
}

export interface TencentFixture {
  /** Accepted credentials: SecretId → SecretKey. */
  credentials: Record<string, string>;
  instances: FixtureInstance[];
  securityGroups: Record<string, FixtureSecurityGroup>;
  addressTemplates: Record<string, string[]>;
  addressTemplateGroups: Record<string, string[]>;
  serviceTemplates: Record<string, string[]>;
  serviceTemplateGroups: Record<string, string[]>;
  subnets: Record<string, { vpcId: string; networkAclId?: string }>;
  networkAcls: Record<string, { ingress: AclEntry[]; egress: AclEntry[] }>;
  guests: Record<string, FixtureGuest>;
  faults: FixtureFault[];
  /** Seconds added to the endpoint's clock (to test SignatureExpire). */
  clockOffsetSec: number;
  /** CreateSecurityGroupPolicies stores each source in another spelling of the same block
   *  (with or without the host prefix, IPv6 written out), as the API may normalise it. */
  storedCidr?: 'prefixed' | 'bare';
  /** Scripts received by RunCommand, decoded, by instance. */
  commands: Array<{ instanceId: string; script: string; invocationId: string }>;
  lighthouse: FixtureLighthouse;
  /** Console URLs DescribeInstanceVncUrl (cvm or lighthouse) handed out, in order. */
  vncIssued: Array<{ instanceId: string; url: string }>;
  /** Cloud Monitor series GetMonitorData serves, by instance ID and metric name: one value a
   *  period, the newest last. An instance or metric without an entry answers with no points
   *  (what the API answers for a metric that needs the agent when none runs). */
  monitor?: Record<string, Record<string, number[]>>;
}

export interface GuestOutputSpec {
  active?: boolean;
  /** Ports sshd listens on. */
  listen?: number[];
  /** Who holds the listening sockets: sshd (default), or systemd for ssh.socket while
   *  ssh.service is idle (Ubuntu 22.10+ socket activation), or both. */
  listenBy?: 'sshd' | 'systemd' | 'both';
  /** systemd's ssh.socket state and the ports it lists (`systemctl show -p Listen`). */
  socket?: { active: boolean; ports?: number[] };
  /** /etc/os-release lines. */
  osRelease?: string[];
  configPorts?: number[];
  configTest?: { ok: boolean; output?: string };
  iptables?: string[];
  nft?: string[];
  ufw?: string[];
  hostKeys?: string[];
}

const sec = (name: string, lines: string[], rc = 0) => [`${MARK}:BEGIN ${name}`, ...lines, `${MARK}:END ${name} rc=${rc}`];

/** Output in the format the real guest script prints (see src/cloud/guestScript.ts). */
export function guestOutput(s: GuestOutputSpec = {}): string {
  const active = s.active ?? true;
  const listen = s.listen ?? (active ? [22] : []);
  return [
    ...sec('service', [
      `systemd ssh ${active ? 'active' : 'inactive'}`, `systemd sshd ${active ? 'active' : 'inactive'}`,
      ...(s.socket ? [`systemd ssh.socket ${s.socket.active ? 'active' : 'inactive'}`, ...(s.socket.ports ?? []).map((p) => `socket-listen [::]:${p} (Stream)`)] : []),
      `process sshd ${active ? 'running' : 'absent'}`,
    ]),
    ...sec('osrelease', s.osRelease ?? []),
    ...sec('listen', [
      ...listen.flatMap((p) => {
        const users = s.listenBy === 'systemd' ? '("systemd",pid=1,fd=52)' : s.listenBy === 'both' ? '("sshd",pid=612,fd=3),("systemd",pid=1,fd=52)' : '("sshd",pid=612,fd=3)';
        return [`LISTEN 0      128          0.0.0.0:${p}      0.0.0.0:*    users:(${users})`, `LISTEN 0      128             [::]:${p}         [::]:*    users:(${users})`];
      }),
      'LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*    users:(("systemd-resolve",pid=401,fd=14))',
    ]),
    ...sec('configtest', s.configTest?.ok === false ? [s.configTest.output ?? '/etc/ssh/sshd_config line 14: Bad configuration option: Prot'] : [], s.configTest?.ok === false ? 255 : 0),
    ...sec('config', (s.configPorts ?? [22]).map((p) => `port ${p}`).concat(['listenaddress [::]:' + (s.configPorts?.[0] ?? 22), 'listenaddress 0.0.0.0:' + (s.configPorts?.[0] ?? 22)])),
    ...sec('iptables', s.iptables ?? ['-P INPUT ACCEPT']),
    ...sec('nft', s.nft ?? []),
    ...sec('firewalld', []),
    ...sec('ufw', s.ufw ?? ['Status: inactive']),
    ...sec('hostkeys', s.hostKeys ?? [
      '256 SHA256:h3X0XyDGpLm3r7Zy1sA2ZGqTn9jE6x5bqYw1WmO4wQk root@vm (ED25519)',
      '3072 SHA256:Jx7Qm1uV1cZyWnqkq8bq0Zr3C1fWmGyS8p0Cw9Ff3sE root@vm (RSA)',
      '256 SHA256:Vb0cXg3b2e6u5t2sPq8o9n1m0l9k8j7i6h5g4f3e2d1 root@vm (ECDSA)',
    ]),
  ].join('\n') + '\n';
}

export const REGION = 'ap-guangzhou';

const vpc = (subnet: string) => ({ VpcId: 'vpc-main', SubnetId: subnet });

function instance(id: string, over: Partial<FixtureInstance>): FixtureInstance {
  return {
    region: REGION, InstanceId: id, InstanceName: id.replace(/^ins-/, ''), InstanceState: 'RUNNING', RestrictState: 'NORMAL',
    PublicIpAddresses: ['127.0.0.10'], PrivateIpAddresses: ['127.0.1.10'], OsName: 'Ubuntu Server 22.04 LTS 64bit',
    ImageId: 'img-487zeit5', SecurityGroupIds: ['sg-open'], VirtualPrivateCloud: vpc('subnet-plain'),
    Placement: { Zone: `${REGION}-3` }, ...over,
  };
}

/** A small cloud with one instance per scenario the tests need. */
export function defaultTencentFixture(): TencentFixture {
  return {
    credentials: { AKIDcvmdoctortest0000000000000000: 'testSecretKeyNotReal0000000000000' },
    instances: [
      instance('ins-ok', {}),
      instance('ins-stopped', { InstanceState: 'STOPPED' }),
      instance('ins-isolated', { RestrictState: 'PROTECTIVELY_ISOLATED' }),
      instance('ins-noip', { PublicIpAddresses: null }),
      instance('ins-sgdeny', { SecurityGroupIds: ['sg-web', 'sg-open'] }),
      instance('ins-sgnone', { SecurityGroupIds: ['sg-webonly'] }),
      instance('ins-tpl', { SecurityGroupIds: ['sg-tpl'] }),
      instance('ins-acl', { VirtualPrivateCloud: vpc('subnet-locked') }),
      instance('ins-sshdown', {}),
      instance('ins-fw', {}),
      instance('ins-agentoff', {}),
      instance('ins-noagent', {}),
      instance('ins-centos', { OsName: 'CentOS 7.9 64bit', PublicIpAddresses: ['127.0.0.11'] }),
      // A private instance: SSH only from inside its VPC (reached through a bastion there).
      instance('ins-private', { PublicIpAddresses: null, SecurityGroupIds: ['sg-vpc'] }),
      instance('ins-win', { OsName: 'Windows Server 2022 DataCenter 64bit', SecurityGroupIds: ['sg-rdp'], PublicIpAddresses: ['127.0.0.12'] }),
    ],
    securityGroups: {
      'sg-open': { version: 3, ingress: [
        { Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', PolicyDescription: 'ssh' },
        { Protocol: 'ICMP', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' },
      ], egress: [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }] },
      // Drops SSH before sg-open (evaluated after it) could accept it.
      'sg-web': { version: 7, ingress: [
        { Protocol: 'TCP', Port: '80,443', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', PolicyDescription: 'web' },
        { Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'DROP', PolicyDescription: 'no ssh from the Internet' },
      ], egress: [] },
      'sg-webonly': { version: 2, ingress: [{ Protocol: 'TCP', Port: '80,443', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }], egress: [] },
      'sg-tpl': { version: 1, ingress: [
        { AddressTemplate: { AddressGroupId: 'ipmg-office' }, ServiceTemplate: { ServiceGroupId: 'ppmg-admin' }, Action: 'ACCEPT', PolicyDescription: 'office admin' },
      ], egress: [] },
      'sg-vpc': { version: 1, ingress: [{ Protocol: 'TCP', Port: '22', CidrBlock: '172.16.0.0/16', Action: 'ACCEPT', PolicyDescription: 'ssh from the VPC' }], egress: [] },
      'sg-rdp': { version: 1, ingress: [{ Protocol: 'TCP', Port: '3389', CidrBlock: '198.51.100.0/24', Action: 'ACCEPT' }], egress: [] },
    },
    addressTemplates: { 'ipm-hq': ['198.51.100.0/24'], 'ipm-vpn': ['203.0.113.100-203.0.113.120'] },
    addressTemplateGroups: { 'ipmg-office': ['ipm-hq', 'ipm-vpn'] },
    serviceTemplates: { 'ppm-ssh': ['tcp:22'], 'ppm-rdp': ['tcp:3389'] },
    serviceTemplateGroups: { 'ppmg-admin': ['ppm-ssh', 'ppm-rdp'] },
    subnets: { 'subnet-plain': { vpcId: 'vpc-main' }, 'subnet-locked': { vpcId: 'vpc-main', networkAclId: 'acl-locked' } },
    networkAcls: {
      'acl-locked': {
        ingress: [{ Protocol: 'TCP', Port: '80,443', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }, { Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'DROP', Description: 'ssh closed' }],
        egress: [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }],
      },
    },
    guests: {
      'ins-ok': { agent: 'online', output: guestOutput(), pollsBeforeDone: 1 },
      'ins-sshdown': { agent: 'online', output: guestOutput({ active: false, configTest: { ok: false } }), exitCode: 0 },
      'ins-fw': { agent: 'online', output: guestOutput({ iptables: ['-P INPUT DROP', '-A INPUT -i lo -j ACCEPT', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT'] }) },
      'ins-agentoff': { agent: 'offline' },
    },
    faults: [],
    clockOffsetSec: 0,
    commands: [],
    lighthouse: defaultLighthouse(),
    vncIssued: [],
  };
}

/** Where the default Lighthouse instances live: a region of their own, so the CVM scenarios of
 *  REGION (and tests that count them) see only CVM instances there. */
export const LIGHTHOUSE_REGION = 'ap-singapore';

/** A RUNNING Lighthouse instance in LIGHTHOUSE_REGION (Ubuntu, loopback public address). */
export function lighthouseInstance(id: string, over: Partial<FixtureLighthouseInstance> = {}): FixtureLighthouseInstance {
  return {
    region: LIGHTHOUSE_REGION, InstanceId: id, InstanceName: id.replace(/^lhins-/, ''), InstanceState: 'RUNNING', InstanceRestrictState: 'NORMAL',
    PublicAddresses: ['127.0.0.40'], PrivateAddresses: ['127.0.1.40'], OsName: 'Ubuntu Server 22.04 LTS 64bit', Platform: 'UBUNTU',
    PlatformType: 'LINUX_UNIX', Zone: `${over.region ?? LIGHTHOUSE_REGION}-3`, ...over,
  };
}

/** The firewall a new Lighthouse instance gets (SSH, HTTP, HTTPS, RDP and ping from anywhere). */
export function defaultFirewallRules(): FirewallRuleInfo[] {
  return [
    { AppType: 'Linux登录', Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', FirewallRuleDescription: '' },
    { AppType: 'HTTP(80)', Protocol: 'TCP', Port: '80', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', FirewallRuleDescription: '' },
    { AppType: 'HTTPS(443)', Protocol: 'TCP', Port: '443', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', FirewallRuleDescription: '' },
    { AppType: 'Windows登录', Protocol: 'TCP', Port: '3389', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', FirewallRuleDescription: '' },
    { AppType: 'Ping', Protocol: 'ICMP', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', FirewallRuleDescription: '' },
  ];
}

function defaultLighthouse(): FixtureLighthouse {
  return {
    instances: [
      lighthouseInstance('lhins-ok000001'),
      lighthouseInstance('lhins-drop0001'),
      lighthouseInstance('lhins-stop0001', { InstanceState: 'STOPPED' }),
    ],
    firewalls: {
      'lhins-ok000001': { version: 1, rules: defaultFirewallRules() },
      'lhins-drop0001': { version: 4, rules: [
        { AppType: '自定义', Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'DROP', FirewallRuleDescription: 'no ssh' },
        ...defaultFirewallRules(),
      ] },
      'lhins-stop0001': { version: 1, rules: defaultFirewallRules() },
    },
    trafficPackages: {},
    newRulePlacement: 'append',
  };
}
