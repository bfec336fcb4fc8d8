// Entry module VS Code loads through extensionTestsPath, the @vscode/test-electron contract: runs every
// *.test.js beside it with mocha inside the extension host, and writes the counts where the harness reads them.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SuiteResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: Array<{ title: string; error: string }>;
  node: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  // OFTP2_VSCODE_GREP runs only the tests whose full title matches (for local iteration).
  if (process.env.OFTP2_VSCODE_GREP) mocha.grep(process.env.OFTP2_VSCODE_GREP);
  for (const f of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    const failures: SuiteResult['failures'] = [];
    const runner = mocha.run((failed) => {
      const st = runner.stats;
      const result: SuiteResult = { passed: st?.passes ?? 0, failed, skipped: st?.pending ?? 0, failures, node: process.version };
      // The console reaches the harness too, but a file is the count it can rely on.
      if (process.env.OFTP2_VSCODE_RESULT) writeFileSync(process.env.OFTP2_VSCODE_RESULT, JSON.stringify(result, null, 1));
      console.log(`${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
      if (failed) reject(new Error(`${failed} tests failed`));
      else resolve();
    });
    runner.on('fail', (t, err: Error) => failures.push({ title: t.fullTitle(), error: String(err?.stack ?? err) }));
  });
}
