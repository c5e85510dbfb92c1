/**
 * Lab runner: the trace probe (src/probes/trace.ts) run in a lab namespace with an injected
 * tool lookup, printing the PathTrace as JSON. argv: ADDRESS PORT TIMEOUT_MS TOOLS, TOOLS a
 * comma list of the TCP tools it may find ("none": it finds none, so the ICMP fallback runs).
 * The lookup finds a tool only where defaultLookup does: nothing is installed or uninstalled.
 */
import type { OutboundTcpTool } from '../../src/core/trace';
import { defaultLookup, probeTrace } from '../../src/probes/trace';

async function main(): Promise<void> {
  const [address, port, timeoutMs, tools] = process.argv.slice(2);
  const allowed = new Set((tools ?? '').split(',').filter((t) => t && t !== 'none'));
  const lookup = (tool: OutboundTcpTool) => (allowed.has(tool) ? defaultLookup(tool) : undefined);
  const t = await probeTrace(address ?? '', Number(port), { timeoutMs: Number(timeoutMs), signal: new AbortController().signal }, { lookup });
  process.stdout.write(JSON.stringify(t));
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`); process.exit(3); });
