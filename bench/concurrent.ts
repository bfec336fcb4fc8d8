// 200 trading partners' sessions at once against the process runtime (the engine the debug run starts): each
// sends a DELFOR through the example process and must get its EERP after processing; every stored copy is
// compared with what was sent. `npm run bench:concurrent [N]`; figures in bench/README.md.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runClient } from '../src/oftp/client';
import { ProcessRuntime, readProcess } from '../src/process/runtime';

const N = Number(process.argv[2] ?? 200);
const ROOT = resolve(__dirname, '../..');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'oftp2-concurrent-'));
  try {
    cpSync(join(ROOT, 'examples'), dir, { recursive: true });
    const secrets: Record<string, string> = { 'supplier-password': 'SUPPW', 'oem-auto-password': 'AUTOPW', 'oem-trucks-password': 'TRUCKPW' };
    const runtime = await ProcessRuntime.create([await readProcess(join(dir, 'forecasts-and-invoices.oftp2.json'))], { host: '127.0.0.1', port: 0, inbox: join(dir, 'inbox') }, { resolveSecret: async (n) => secrets[n] });
    const { port } = await runtime.listen();
    const sent = readFileSync(join(dir, 'files', 'DELFOR_OEMAUTO.edi'));
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const [code, password] = i % 2 ? ['O0013OEMTRUCKS', 'TRUCKPW'] : ['O0013OEMAUTO', 'AUTOPW'];
        return runClient({ host: '127.0.0.1', port, localCode: code, localPassword: password, partnerCode: 'O0013SUPPLIER', partnerPassword: 'SUPPW', files: [{ path: join(dir, 'files', 'DELFOR_OEMAUTO.edi'), datasetName: `DELFOR.C${i}` }], waitEerpMs: 120_000, timeoutMs: 120_000 });
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    await runtime.close();
    const eerps = results.filter((r) => r.ok && r.files[0]?.receipt?.type === 'EERP').length;
    let intact = 0;
    let stored = 0;
    for (const partner of ['O0013OEMAUTO', 'O0013OEMTRUCKS']) {
      const folder = join(dir, 'received', 'forecasts', partner);
      for (const f of readdirSync(folder)) {
        stored++;
        if (readFileSync(join(folder, f)).equals(sent)) intact++;
      }
    }
    console.log(`${N} concurrent sessions against the process runtime (forecasts example), Node ${process.version}`);
    console.log(`${eerps}/${N} EERPs after processing, ${stored} files stored by the Disk step, ${intact} byte-identical, ${seconds.toFixed(1)} s, RSS ${Math.round(rssBefore / 2 ** 20)} -> peak ${Math.round(rssPeak / 2 ** 20)} MiB`);
    const failed = results.filter((r) => !r.ok);
    for (const r of failed.slice(0, 5)) console.log(`failed: ${r.error}`);
    if (eerps !== N || intact !== N || stored !== N) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
