/**
 * Where the CPU of one verification goes: the platform's processes' CPU time (user + system, from
 * /proc) before and after a run of POST /invoices/verify, divided by the number of requests. Run it
 * on an otherwise idle machine: every process's CPU counts, whoever caused it.
 *
 *   npm run bench:verify-cost -- [--requests 400] [--concurrency 8] [--invoices 10] [--out FILE]
 *
 * With --invoices N the requests cycle over N invoices issued through the API first (the gateway
 * remembers their salts and confirmed derivations after the first round).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { API_URL, invoiceData, issueViaApi, login, newInvoiceId, samplePdf } from '../tests/integration/stack';
import { measure, option, report, run } from './measure';

const REQUESTS = option('requests', 400);
const CONCURRENCY = option('concurrency', 8);
const INVOICES = option('invoices', 10);
const CLOCK_TICK_MS = 10;
const SETTLE_MS = 10_000;

/** The platform part a process belongs to, by its command line. */
function partOf(command: string): string {
  const parts: [RegExp, string][] = [
    [/gateway-api/, 'gateway API (node)'],
    [/chaincode/, 'chaincode (node)'],
    [/\bpeer\b/, 'peers'],
    [/orderer/, 'orderers'],
    [/ferretdb/, 'FerretDB'],
    [/postgres/, 'PostgreSQL'],
    [/ipfs/, 'Kubo'],
  ];
  return parts.find(([pattern]) => pattern.test(command))?.[1] ?? 'other';
}

/** CPU milliseconds used so far by each platform part's processes. */
function cpuByPart(): Map<string, number> {
  const totals = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
      const part = partOf(command);
      totals.set(part, (totals.get(part) ?? 0) + ms);
    } catch {
      // The process ended meanwhile.
    }
  }
  return totals;
}

async function issued(): Promise<{ code: string; number: string; checkCode: string }[]> {
  const clerk = await login('h1.clerk');
  const invoices: { code: string; number: string; checkCode: string }[] = [];
  for (let i = 0; i < INVOICES; i++) {
    const id = newInvoiceId();
    const res = await issueViaApi(clerk, invoiceData(id), samplePdf('verify-cost'));
    if (res.status !== 201) throw new Error(`issue: HTTP ${res.status} ${await res.text()}`);
    invoices.push((await res.json()) as { code: string; number: string; checkCode: string });
  }
  return invoices;
}

async function main(): Promise<void> {
  const invoices = await issued();
  const token = await login('insurer.officer');
  // The gateway's projection applies the issues' events a moment later: not part of verifying.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const before = cpuByPart();
  const row = await measure(
    `API: POST /invoices/verify over ${INVOICES} invoices`,
    REQUESTS,
    CONCURRENCY,
    async (i) => {
      const inv = invoices[i % invoices.length]!;
      const res = await fetch(`${API_URL}/invoices/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code: inv.code, number: inv.number, checkCode: inv.checkCode }),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    },
  );
  const after = cpuByPart();
  const lines = [...after]
    .map(([part, ms]) => [part, (ms - (before.get(part) ?? 0)) / REQUESTS] as const)
    .filter(([, ms]) => ms >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([part, ms]) => `| ${part} | ${ms.toFixed(1)} |`);
  const command = `npm run bench:verify-cost -- --requests ${REQUESTS} --concurrency ${CONCURRENCY} --invoices ${INVOICES}`;
  const parts = ['', '| part | CPU ms per verification |', '|---|---|', ...lines, ''].join('\n');
  report(command, [row], parts);
}

run(main);
