/**
 * Evidence for "Is it my network?" (core/clientNet.ts), built from the REAL outputs of the
 * in-guest script captured in the router lab (test/unit/fixtures/reach/*.txt: the caller
 * 10.213.0.65 behind a router, the guest 10.213.0.82 with sshd and tcpdump). Every cloud
 * record allows the caller: the situation CLIENT_NETWORK_BLOCKS needs, to be broken one
 * condition at a time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseGuestOutput } from '../../../src/cloud/guestScript';
import type { ClassifyInput } from '../../../src/core/classify';
import type { CloudEvidence } from '../../../src/core/model';
import { alt, cloud, healthy, ping, tcp } from './evidence';

export const REACH_FIXTURES = path.resolve(__dirname, '../../../../test/unit/fixtures/reach');
export const CALLER = '10.213.0.65';
export const GUEST = '10.213.0.82';

export function reachFixture(name: 'open' | 'routerdrop' | 'guestdrop' | 'notcpdump' | 'misc'): string {
  return fs.readFileSync(path.join(REACH_FIXTURES, `${name}.txt`), 'utf8');
}

type Guest = NonNullable<CloudEvidence['guest']>;

/** The port silent from here, everything on the instance's side allowing the caller, and the
 *  guest's answer from the fixture `output` (routerdrop: no SYN arrived). */
export function clientNetEvidence(o: { output?: string; guest?: Partial<Guest>; cloud?: Partial<CloudEvidence>; over?: Partial<ClassifyInput> } = {}): ClassifyInput {
  const g = parseGuestOutput(o.output ?? reachFixture('routerdrop'), 22, CALLER);
  return healthy({
    icmp: ping('timeout'), tcp: { ...tcp('timeout'), address: GUEST, attempts: 3 }, banner: undefined, ssh: undefined, altPorts: [alt(2222, 'refused')],
    cloud: cloud({
      callerIp: CALLER, securityGroups: { verdict: 'allow', evaluatedFor: CALLER }, networkAcl: { verdict: 'allow', aclId: 'acl-lab' },
      guest: { agentOnline: true, ...g, ...o.guest }, ...o.cloud,
    }, { subnetId: 'subnet-lab', publicIps: [GUEST] }),
    clientSyns: { attempts: 12, connected: 0, durationMs: 12_000, coveredGuestRun: true },
    ...o.over,
  });
}
