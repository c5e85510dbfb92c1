/**
 * (unit) What a Lighthouse instance's report says that a CVM's does not: the firewall's advice
 * in place of security groups and network ACLs, the tccli service, the state notes, and the
 * "Open VNC console" action on every step done through the console's VNC login.
 */
import * as assert from 'assert';
import { remediationFor } from '../../../src/core/remediation';
import { VERDICT_CODES } from '../../../src/core/model';

const LH = { cloudProduct: 'lighthouse', port: 22, region: 'ap-seoul', instanceId: 'lhins-abcd1234', callerCidr: '203.0.113.5/32', cidrField: 'CidrBlock' };
const CVM = { ...LH, cloudProduct: 'cvm', instanceId: 'ins-abcd1234' };

describe('(unit) Lighthouse remediation and the VNC console action', () => {
  it('a silent port on a Lighthouse instance: the firewall is named, never a security group or network ACL', () => {
    for (const code of ['PORT_FILTERED', 'NO_RESPONSE', 'SERVICE_ON_OTHER_PORT'] as const) {
      for (const proto of ['ssh', 'rdp'] as const) {
        for (const lang of ['en', 'ko'] as const) {
          const lh = remediationFor(code, proto, lang, LH).map((s) => s.text).join('\n');
          assert.doesNotMatch(lh, /security group|network ACL|보안 그룹|네트워크 ACL/i, `${code}/${proto}/${lang}: ${lh}`);
          const cvm = remediationFor(code, proto, lang, CVM).map((s) => s.text).join('\n');
          assert.match(cvm, /security group|보안 그룹/i, `${code}/${proto}/${lang}: the CVM advice is unchanged`);
        }
      }
    }
    assert.match(remediationFor('PORT_FILTERED', 'ssh', 'en', LH).map((s) => s.text).join('\n'), /Instance firewall: add one rule allowing TCP 22/);
  });

  it('INSTANCE_NOT_RUNNING starts it with the right tccli service, and explains rescue mode', () => {
    assert.ok(remediationFor('INSTANCE_NOT_RUNNING', 'ssh', 'en', LH).some((s) => s.command === 'tccli lighthouse StartInstances --region ap-seoul --InstanceIds \'["lhins-abcd1234"]\''));
    assert.ok(remediationFor('INSTANCE_NOT_RUNNING', 'ssh', 'en', CVM).some((s) => s.command === 'tccli cvm StartInstances --region ap-seoul --InstanceIds \'["ins-abcd1234"]\''));
    assert.match(remediationFor('INSTANCE_NOT_RUNNING', 'ssh', 'en', { ...LH, lhState: 'RESCUE_MODE' })[0].text, /rescue mode/);
    assert.doesNotMatch(remediationFor('INSTANCE_NOT_RUNNING', 'ssh', 'en', { ...LH, lhState: 'STOPPED' })[0].text, /rescue mode/);
  });

  it('every step done through the console\'s VNC login carries action vnc-console (both languages); no other step does', () => {
    let marked = 0;
    for (const code of VERDICT_CODES) {
      for (const proto of ['ssh', 'rdp'] as const) {
        const en = remediationFor(code, proto, 'en', CVM);
        const ko = remediationFor(code, proto, 'ko', CVM);
        en.forEach((s, i) => {
          const vnc = /console(?:'s)? VNC login/.test(s.text);
          assert.strictEqual(s.action === 'vnc-console', vnc, `${code}/${proto} step ${i}: ${s.text}`);
          assert.strictEqual(ko[i]?.action, s.action, `${code}/${proto} step ${i}: the Korean step carries the same action`);
          if (vnc) marked++;
        });
      }
    }
    assert.ok(marked >= 10, `only ${marked} VNC steps found`);
    assert.strictEqual(remediationFor('SSHD_NOT_RUNNING', 'ssh', 'en', CVM)[0].action, 'vnc-console');
  });
});
