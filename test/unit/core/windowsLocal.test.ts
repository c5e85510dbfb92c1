/**
 * The Windows parsers on the tools' outputs as Windows prints them: `icacls FILE` (English
 * and Korean Windows — account names stay English there, only the summary line is Korean —
 * and a German one whose account names are translated), and `Get-Service ssh-agent |
 * Format-List Name,Status,StartType` with its not-found error in both languages.
 */
import * as assert from 'assert';
import { aclTooOpen, icaclsRepair, parseGetService, parseIcacls, principalSid } from '../../../src/core/windowsLocal';

const KEY = 'C:\\Users\\alice\\.ssh\\id_ed25519';

// The classic Remote-SSH issue: a key under the profile that inherits BUILTIN\Users read.
const ICACLS_EN_OPEN = `${KEY} NT AUTHORITY\\SYSTEM:(I)(F)
                               BUILTIN\\Administrators:(I)(F)
                               DESKTOP-7Q2L\\alice:(I)(F)
                               BUILTIN\\Users:(I)(RX)

Successfully processed 1 files; Failed processing 0 files
`;
const ICACLS_KO_OPEN = `${KEY} NT AUTHORITY\\SYSTEM:(I)(F)
                               BUILTIN\\Administrators:(I)(F)
                               DESKTOP-7Q2L\\alice:(I)(F)
                               Everyone:(RX)

1개 파일을 처리했으며 0개 파일은 처리하지 못했습니다.
`;
// After the documented repair (inheritance removed, the user alone with SYSTEM/Administrators).
const ICACLS_KO_FIXED = `${KEY} DESKTOP-7Q2L\\alice:(F)
                               NT AUTHORITY\\SYSTEM:(F)
                               BUILTIN\\Administrators:(F)

1개 파일을 처리했으며 0개 파일은 처리하지 못했습니다.
`;
// A German Windows translates the account names; an account that no longer resolves is a SID.
const ICACLS_DE = `${KEY} VORDEFINIERT\\Benutzer:(I)(RX)
                               NT-AUTORITÄT\\SYSTEM:(I)(F)
                               *S-1-5-21-1004336348-1177238915-682003330-1001:(I)(F)

1 Dateien erfolgreich verarbeitet, bei 0 Dateien ist ein Verarbeitungsfehler aufgetreten.
`;
const ICACLS_AUTH_USERS_MODIFY = `${KEY} NT AUTHORITY\\Authenticated Users:(M)
                               DESKTOP-7Q2L\\alice:(F)

Successfully processed 1 files; Failed processing 0 files
`;
const ICACLS_DENY = `${KEY} Everyone:(DENY)(R)
                               DESKTOP-7Q2L\\alice:(F)

Successfully processed 1 files; Failed processing 0 files
`;

describe('(unit) Windows local parsers', () => {
  const me = { name: 'DESKTOP-7Q2L\\alice' };
  const table: Array<[string, string, string[]]> = [
    ['English, inherited BUILTIN\\Users read', ICACLS_EN_OPEN, ['BUILTIN\\Users']],
    ['Korean, Everyone read', ICACLS_KO_OPEN, ['Everyone']],
    ['Korean, after the repair', ICACLS_KO_FIXED, []],
    ['German names, unresolved SID of another account', ICACLS_DE, ['VORDEFINIERT\\Benutzer', '*S-1-5-21-1004336348-1177238915-682003330-1001']],
    ['Authenticated Users may modify', ICACLS_AUTH_USERS_MODIFY, ['NT AUTHORITY\\Authenticated Users']],
    ['a DENY entry grants nothing', ICACLS_DENY, []],
  ];
  for (const [name, text, open] of table) {
    it(`icacls: ${name}`, () => {
      const entries = parseIcacls(text, KEY);
      assert.ok(entries.length >= 2, JSON.stringify(entries));
      assert.deepStrictEqual(aclTooOpen(entries, me).map((e) => e.principal), open);
    });
  }

  it('icacls: entries keep rights, inheritance and the well-known SID', () => {
    const [system, admins, alice, users] = parseIcacls(ICACLS_EN_OPEN, KEY);
    assert.deepStrictEqual(system, { principal: 'NT AUTHORITY\\SYSTEM', sid: 'S-1-5-18', rights: ['I', 'F'], inherited: true, deny: false });
    assert.strictEqual(admins!.sid, 'S-1-5-32-544');
    assert.strictEqual(alice!.sid, undefined);
    assert.strictEqual(users!.sid, 'S-1-5-32-545');
    assert.strictEqual(principalSid('VORDEFINIERT\\Benutzer'), 'S-1-5-32-545');
    assert.strictEqual(principalSid('*S-1-1-0'), 'S-1-1-0');
  });

  it('icacls: a path with spaces is found on the first line', () => {
    const file = 'C:\\Users\\Kim Min\\.ssh\\id_rsa';
    const entries = parseIcacls(`${file} BUILTIN\\Users:(I)(RX)\n           KIM-PC\\Kim Min:(I)(F)\n\n1개 파일을 처리했으며 0개 파일은 처리하지 못했습니다.\n`, file);
    assert.deepStrictEqual(entries.map((e) => e.principal), ['BUILTIN\\Users', 'KIM-PC\\Kim Min']);
    assert.deepStrictEqual(aclTooOpen(entries, { name: 'KIM-PC\\Kim Min' }).map((e) => e.principal), ['BUILTIN\\Users']);
  });

  it('the documented repair: save for undo, stop inheriting, grant the user, remove explicit broad entries by SID', () => {
    const entries = parseIcacls(ICACLS_KO_OPEN, KEY);
    const r = icaclsRepair(KEY, me.name, aclTooOpen(entries, me), 'C:\\Temp\\acl.bak', 'C:\\Users\\alice\\.ssh');
    assert.deepStrictEqual(r.save, [KEY, '/save', 'C:\\Temp\\acl.bak']);
    assert.deepStrictEqual(r.repair, [KEY, '/inheritance:r', '/grant:r', 'DESKTOP-7Q2L\\alice:F', '/remove:g', '*S-1-1-0']);
    assert.deepStrictEqual(r.restore, ['C:\\Users\\alice\\.ssh', '/restore', 'C:\\Temp\\acl.bak']);
    assert.match(r.preview, /^icacls "C:\\Users\\alice\\\.ssh\\id_ed25519" \/save "C:\\Temp\\acl\.bak"\nicacls /);
    // Inherited entries go with /inheritance:r; nothing inherited is removed by name.
    const inherited = icaclsRepair(KEY, me.name, aclTooOpen(parseIcacls(ICACLS_EN_OPEN, KEY), me), 'b', 'd');
    assert.ok(!inherited.repair.includes('/remove:g'), inherited.repair.join(' '));
  });

  const services: Array<[string, string, string, ReturnType<typeof parseGetService>]> = [
    ['running (English)', '\r\n\r\nName      : ssh-agent\r\nStatus    : Running\r\nStartType : Automatic\r\n\r\n\r\n', '', { exists: true, status: 'Running', startType: 'Automatic' }],
    // A Korean Windows prints the same property names and enum values (only messages are translated).
    ['disabled (Korean Windows)', '\r\n\r\nName      : ssh-agent\r\nStatus    : Stopped\r\nStartType : Disabled\r\n\r\n', '', { exists: true, status: 'Stopped', startType: 'Disabled' }],
    ['not installed (English)', '', "Get-Service : Cannot find any service with service name 'ssh-agent'.\r\nAt line:1 char:1\r\n+ Get-Service -Name ssh-agent | Format-List Name,Status,StartType\r\n+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~\r\n    + CategoryInfo          : ObjectNotFound: (ssh-agent:String) [Get-Service], ServiceCommandException\r\n    + FullyQualifiedErrorId : NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand\r\n", { exists: false }],
    ['not installed (Korean)', '', "Get-Service : 서비스 이름이 'ssh-agent'인 서비스를 찾을 수 없습니다.\r\n위치 줄:1 문자:1\r\n+ Get-Service -Name ssh-agent | Format-List Name,Status,StartType\r\n+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~\r\n    + CategoryInfo          : ObjectNotFound: (ssh-agent:String) [Get-Service], ServiceCommandException\r\n    + FullyQualifiedErrorId : NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand\r\n", { exists: false }],
    ['unrecognisable output', 'something else', '', {}],
  ];
  for (const [name, out, err, want] of services) {
    it(`Get-Service: ${name}`, () => assert.deepStrictEqual(parseGetService(out, err), want));
  }
});
