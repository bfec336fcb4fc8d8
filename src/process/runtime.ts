// Runs processes on the embedded OFTP2 server: turns each process's Start step (My Company, trading partners,
// OFTP2 Server Listen operation) into the server's partner entries, routes every received file to the
// process its session authenticated for, runs the file through the steps as a document, and releases its
// EERP or NERP as the process's acknowledge setting says. The CLI and the debug adapter both drive it.
import { EventEmitter } from 'node:events';
import { dirname, resolve } from 'node:path';
import { OftpServer, type PartnerConfig, type ServerConfig } from '../oftp/server';
import { Inbox, type FilePolicy, type ReceivedFileMeta } from '../oftp/inbox';
import type { ChallengeCipher } from '../oftp/security/auth';
import type { InboundPolicy } from '../oftp/security/file-services';
import type { TlsServerOptions } from '../oftp/security/tls';
import type { Capabilities } from '../oftp/session/negotiate';
import type { SessionOutcome } from '../oftp/session/session';
import type { TraceRecord } from '../oftp/trace';
import { loadPrivateCertificate, loadPublicCertificate } from './certificates';
import { documentFromReceived, type ProcessDocument } from './document';
import { ProcessExecutor, type DocumentOutcome, type StepExecution } from './executor';
import { loadPartnerGroup, loadProcessFile } from './load';
import type { ProcessFile, ServerSettings, Step, TradingPartner } from './model';
import { requireSecret, type SecretResolver } from './secrets';

/** A process file read from disk, with the folder its relative paths resolve against. */
export interface LoadedProcess {
  file: string;
  process: ProcessFile;
}

/** Server options beyond the process files: the runtime-level settings, in the engine's terms. */
export interface RuntimeServerOptions {
  host: string;
  port: number;
  /** Received files and their sidecars. */
  inbox: string;
  tls?: TlsServerOptions;
  requireSecureAuthentication?: boolean;
  /** Suite for secure-authentication challenges we send (1/3/5: 3DES, else AES-256). */
  cipherSuite?: number;
  timeoutMs?: number;
  capabilities?: Partial<Capabilities>;
  traceCommands?: boolean;
  outbox?: string;
  receiptWaitMs?: number;
}

export interface DocumentEnd {
  process: string;
  file: string;
  document: ProcessDocument;
  outcome: DocumentOutcome;
  /** What the partner gets for it: EERP, NERP (with reason), or nothing (acknowledge never / already sent). */
  receipt: { kind: 'EERP' } | { kind: 'NERP'; reason: number; text: string } | { kind: 'none'; why: string };
}

export interface RuntimeEvents {
  trace: [TraceRecord];
  'session-start': [{ id: string; remote: string }];
  'session-end': [{ id: string; remote: string; outcome: SessionOutcome }];
  'document-start': [{ process: string; file: string; document: ProcessDocument }];
  step: [StepExecution & { file: string }];
  notify: [{ process: string; file: string; document: string; step: string; level: string; message: string }];
  'document-end': [DocumentEnd];
}

export interface RuntimeOptions {
  resolveSecret: SecretResolver;
  /** The debugger pauses documents here (breakpoints on steps). */
  beforeStep?: (process: { name: string; file: string }, doc: ProcessDocument, step: Step) => Promise<void>;
}

interface RunningProcess {
  name: string;
  file: string;
  process: ProcessFile;
  executor: ProcessExecutor;
  partners: TradingPartner[];
  /** Documents run one after the other when simultaneous executions are off. */
  queue: Promise<void>;
}

const readyProcess = (p: RunningProcess): string => p.process.name || p.file;

/** Reads a process file that validation accepted (so it parses); anything else is a clear error. */
export async function readProcess(file: string): Promise<LoadedProcess> {
  const parsed = await loadProcessFile(file);
  if (!parsed.process) throw new Error(`${file} is not a process file: ${parsed.diagnostics[0]?.message ?? 'unreadable'}`);
  return { file, process: parsed.process };
}

/** Reads the partners of a Start step: its list, or the partner group file it names. */
export async function partnersOf(loaded: LoadedProcess): Promise<TradingPartner[]> {
  const tp = loaded.process.start.tradingPartners;
  if (Array.isArray(tp)) return tp;
  const path = resolve(dirname(loaded.file), tp.group);
  const group = await loadPartnerGroup(path);
  if (!group.value) throw new Error(`partner group ${path}: ${group.diagnostics[0]?.message ?? 'unreadable'}`);
  return group.value.partners;
}

export class ProcessRuntime extends EventEmitter<RuntimeEvents> {
  readonly server: OftpServer;
  private readonly processes = new Map<string, RunningProcess>();
  private readonly running = new Set<Promise<void>>();

  private constructor(config: ServerConfig, processes: RunningProcess[]) {
    super();
    for (const p of processes) this.processes.set(p.file, p);
    this.server = new OftpServer(config);
    this.server.on('trace', (r) => this.emit('trace', r));
    this.server.on('session-start', (s) => this.emit('session-start', s));
    this.server.on('session-end', (s) => this.emit('session-end', s));
    this.server.on('file', ({ meta, key, partner }) => {
      const proc = partner.listener ? this.processes.get(partner.listener) : undefined;
      if (proc) this.schedule(proc, meta, key);
    });
    for (const p of processes) {
      p.executor.on('step', (e) => this.emit('step', { ...e, file: p.file }));
      p.executor.on('notify', (n) => this.emit('notify', { ...n, file: p.file }));
    }
  }

  /** Builds the server for these processes; secrets and certificates are read now, so mistakes show at start. */
  static async create(loaded: LoadedProcess[], server: RuntimeServerOptions, options: RuntimeOptions): Promise<ProcessRuntime> {
    if (!loaded.length) throw new Error('no process to run');
    const partners: PartnerConfig[] = [];
    const running: RunningProcess[] = [];
    const challengeCipher: ChallengeCipher = server.cipherSuite !== undefined && server.cipherSuite % 2 === 1 ? '3des' : 'aes256';
    for (const l of loaded) {
      const file = resolve(l.file);
      const baseDir = dirname(file);
      const start = l.process.start;
      const my = start.myCompany;
      const op = start.operation;
      const what = (s: string): string => `${l.process.name}: ${s}`;
      const localPassword = await requireSecret(options.resolveSecret, my.password, what(`My Company ${my.odetteId} password`));
      const priv = async (ref: Parameters<typeof loadPrivateCertificate>[0] | undefined) => (ref ? await loadPrivateCertificate(ref, baseDir, options.resolveSecret) : undefined);
      const challenge = await priv(my.sessionAuthenticationChallengeCertificate);
      const decryption = await priv(my.decryptionCertificate);
      const ackSigning = op.signedEerpOnRequest === false ? undefined : await priv(my.acknowledgmentSigningCertificate);
      const tradingPartners = await partnersOf({ file, process: l.process });
      const executor = new ProcessExecutor(l.process, {
        baseDir,
        ...(options.beforeStep ? { beforeStep: (doc: ProcessDocument, step: Step) => options.beforeStep!({ name: l.process.name, file }, doc, step) } : {}),
      });
      running.push({ name: l.process.name, file, process: l.process, executor, partners: tradingPartners, queue: Promise.resolve() });
      for (const tp of tradingPartners) {
        const pub = async (ref: string | undefined) => (ref ? (await loadPublicCertificate(ref, baseDir)).pem : undefined);
        const signerCertPem = await pub(tp.signatureVerificationCertificate);
        const services: InboundPolicy = {
          ...(decryption ? { decryptionKey: { keyPem: decryption.keyPem } } : {}),
          ...(signerCertPem ? { signerCertPem } : {}),
          ...(op.cipherSuites ? { allowedSuites: op.cipherSuites } : {}),
          ...(op.requireSigned ? { requireSigned: true } : {}),
          ...(op.requireEncrypted ? { requireEncrypted: true } : {}),
          ...(op.allowCompression === false ? { allowCompressed: false } : {}),
        };
        const files: FilePolicy = {
          destinations: op.destinations ?? [my.odetteId],
          ...(op.originators ? { originators: op.originators } : {}),
          ...(op.virtualFileNamePattern ? { datasetNamePattern: new RegExp(op.virtualFileNamePattern) } : {}),
          allowDuplicates: op.duplicateCheck === false,
          ...(op.maxFileSize !== undefined ? { maxFileSize: op.maxFileSize } : {}),
          services,
          acknowledge: op.acknowledge ?? 'afterProcessing',
        };
        const authCertPem = await pub(tp.sessionAuthenticationEncryptingCertificate);
        const clientCertPem = await pub(tp.clientSslCertificate);
        const canAuthenticate = !!(authCertPem && challenge);
        partners.push({
          code: tp.odetteId,
          password: await requireSecret(options.resolveSecret, tp.password, what(`partner ${tp.odetteId} password`)),
          ...(clientCertPem ? { clientCertPem } : {}),
          ...(authCertPem ? { authCertPem } : {}),
          secureAuth: tp.secureAuthentication ?? (server.requireSecureAuthentication ? 'required' : canAuthenticate ? 'optional' : 'off'),
          local: { code: my.odetteId, password: localPassword, ...(challenge ? { authKeys: { keyPem: challenge.keyPem } } : {}) },
          files,
          ...(ackSigning ? { ackSigner: { certPem: ackSigning.certPem, keyPem: ackSigning.keyPem } } : {}),
          listener: file,
        });
      }
    }
    const first = loaded[0]!.process.start.myCompany;
    const config: ServerConfig = {
      host: server.host,
      port: server.port,
      localCode: first.odetteId,
      partners,
      inbox: server.inbox,
      ...(server.outbox ? { outbox: server.outbox } : {}),
      ...(server.tls ? { tls: server.tls } : {}),
      ...(server.timeoutMs ? { timeoutMs: server.timeoutMs } : {}),
      ...(server.capabilities ? { capabilities: server.capabilities } : {}),
      ...(server.traceCommands !== undefined ? { traceCommands: server.traceCommands } : {}),
      ...(server.receiptWaitMs !== undefined ? { receiptWaitMs: server.receiptWaitMs } : {}),
      challengeCipher,
    };
    return new ProcessRuntime(config, running);
  }

  async listen(): Promise<{ host: string; port: number }> {
    const address = await this.server.listen();
    // Files stored before a restart whose processing never finished are processed now, so their receipts
    // are not held for ever.
    for (const meta of await this.server.inbox.list()) {
      if (meta.eerp.status !== 'held') continue;
      const proc = [...this.processes.values()].find((p) => p.partners.some((tp) => tp.odetteId === meta.partner) && p.process.start.myCompany.odetteId === meta.sfid.destination);
      if (proc) this.schedule(proc, meta, Inbox.keyOf(meta.sfid.originator, meta.sfid));
    }
    return address;
  }

  private schedule(proc: RunningProcess, meta: ReceivedFileMeta, key: string): void {
    const run = (): Promise<void> => this.processDocument(proc, meta, key);
    const simultaneous = proc.process.options?.allowSimultaneousExecutions ?? true;
    const job = simultaneous ? run() : (proc.queue = proc.queue.then(run));
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  private async processDocument(proc: RunningProcess, meta: ReceivedFileMeta, key: string): Promise<void> {
    const name = readyProcess(proc);
    const acknowledge = proc.process.start.operation.acknowledge ?? 'afterProcessing';
    const tp = proc.partners.find((p) => p.odetteId === meta.partner);
    let document: ProcessDocument | undefined;
    let outcome: DocumentOutcome;
    try {
      document = await documentFromReceived(meta, this.server.inbox.dir, { ...(tp ? { partnerName: tp.name } : {}), myCompany: proc.process.start.myCompany.odetteId });
      this.emit('document-start', { process: name, file: proc.file, document });
      outcome = await proc.executor.run(document);
    } catch (e) {
      outcome = { status: 'failed', step: proc.process.start.id, reason: proc.process.start.operation.failureNerpReason ?? 34, text: `processing failed: ${(e as Error).message}` };
    }
    let receipt: DocumentEnd['receipt'];
    if (acknowledge === 'afterProcessing') {
      if (outcome.status === 'failed') {
        this.server.inbox.refuseAfterReceipt(key, outcome.reason, outcome.text);
        receipt = { kind: 'NERP', reason: outcome.reason, text: outcome.text };
      } else {
        this.server.inbox.releaseReceipt(key);
        receipt = { kind: 'EERP' };
      }
    } else {
      receipt = { kind: 'none', why: acknowledge === 'never' ? 'acknowledge is never' : 'the EERP was owed on receipt' };
    }
    this.emit('document-end', { process: name, file: proc.file, document: document ?? { id: key, path: '', properties: {} }, outcome, receipt });
  }

  /** Waits for the documents being processed now (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  async close(graceMs = 5000): Promise<void> {
    await this.server.close(graceMs);
    await this.idle();
  }
}

/** Runtime-level settings (VS Code settings, launch configurations) in the engine's terms. */
export async function serverOptionsFromSettings(settings: ServerSettings, baseDir: string, resolveSecret: SecretResolver): Promise<RuntimeServerOptions> {
  let tls: TlsServerOptions | undefined;
  if (settings.tls) {
    if (!settings.serverCertificate) throw new Error('TLS is on but no server certificate is set');
    const id = await loadPrivateCertificate(settings.serverCertificate, baseDir, resolveSecret);
    tls = { certPem: id.certPem, keyPem: id.keyPem, requireClientCert: settings.requireClientCertificate };
  }
  return {
    host: settings.host,
    port: settings.port,
    inbox: resolve(baseDir, settings.inbox),
    ...(tls ? { tls } : {}),
    requireSecureAuthentication: settings.requireSecureAuthentication,
    cipherSuite: settings.cipherSuite,
  };
}
