/**
 * Tencent Cloud side of the diagnosis (Node I/O, no `vscode`): the cloud's view of an instance,
 * instance import, the least-privilege security-group and Lighthouse firewall fixes, and the
 * VNC console's URL. The CLI and the extension use
 * only what this file exports.
 */
export { type TencentConfig, InputError, loadTencentConfigFromEnv, readProfileFile, resolveEndpoint, DEFAULT_DOMAIN, KNOWN_DOMAINS } from './config';
export { createTencentInspector } from './inspector';
export { type CloudInstanceSummary, listInstances } from './instances';
export { addressOf } from './importPlan';
export { type OpenPortFix, type OpenPortRequest, type OpenPortRule, type OpenPortUndo, describeOpenPortFix, openPortForCaller, undoOpenPort } from './openPort';
export { CloudApiError } from './api';
export { evaluateSecurityGroups } from './securityGroupEval';
export { evaluateNetworkAcl } from './networkAclEval';
export { evaluateFirewall } from './firewallEval';
export { type FirewallFix, type FirewallFixRequest, type FirewallPlacement, type FirewallRule, type FirewallUndo, addFirewallRule, describeFirewallFix, reorderFirewall, undoFirewallRule } from './firewallFix';
export { vncConsoleUrl } from './vnc';
