// Runs the built command line (dist/cli.js) as real processes: a server that is ready once it prints its
// address, and one-shot commands with their exit code and output.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const CLI = join(ROOT, 'dist/cli.js');

export interface RunningServer {
  process: ChildProcess;
  host: string;
  port: number;
  /** Everything the server printed so far. */
  output(): string;
  /** Resolves when the output matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(args: string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<RunningServer> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const waitFor = (pattern: RegExp, timeoutMs = 15000): Promise<RegExpMatchArray> =>
    new Promise((res, rej) => {
      const check = (): void => {
        const m = out.match(pattern);
        if (m) {
          listeners.delete(check);
          clearTimeout(timer);
          res(m);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        rej(new Error(`server output did not match ${pattern} within ${timeoutMs} ms:\n${out}`));
      }, timeoutMs);
      listeners.add(check);
      check();
      child.once('exit', () => {
        if (listeners.has(check)) {
          listeners.delete(check);
          clearTimeout(timer);
          rej(new Error(`server exited before printing ${pattern}:\n${out}`));
        }
      });
    });
  const m = await waitFor(/listening on ([\d.]+):(\d+)/);
  return {
    process: child,
    host: m[1]!,
    port: Number(m[2]),
    output: () => out,
    waitFor,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `oftp2 ARGS` to completion. `onStart` gets the child (e.g. to kill it part-way). */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; onStart?: (child: ChildProcess) => void; input?: Buffer } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], ...(options.env ? { env: { ...process.env, ...options.env } } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (options.input) child.stdin!.end(options.input);
  else child.stdin!.end();
  options.onStart?.(child);
  return new Promise((res) => {
    child.once('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}
