// Where received virtual files land: streamed to a temporary file (never whole in memory), moved into the
// inbox only when the EFID counts match, each with a JSON sidecar (SFID fields, partner, session, times,
// size, SHA-256, EERP status). Untrusted dataset names are made safe; interrupted files are kept for a
// restart; duplicates are refused; receipts still owed to partners are remembered across sessions.
import { createHash, type Hash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { hasFileServices, type Eerp, type Nerp, type Sfid } from './codec/commands';
import type { RecordLayout } from './codec/data';
import type { FileDecision, FileSink, SessionInfo } from './session/session';
import { CmsError, type Signer } from './security/cms';
import { hashTransmitted, signReceipt, suiteHash } from './security/receipts';
import { refuseServices, unwrapFile, type InboundPolicy } from './security/file-services';

export interface InboxOptions {
  dir: string;
  /** Our Odette ID: SFIDDEST must name it (else SFNA 02). */
  localCode: string;
  /** Refuse files above this many octets (SFNA 06 on the SFID estimate, EFNA 06 on the real size). */
  maxFileSize?: number;
  /** Accept a file again with the same dataset name, date, time and originator (default: SFNA 13). */
  allowDuplicates?: boolean;
  /** How V records are written locally (default: one record per line). */
  recordLayout?: RecordLayout;
  /** File services (RFC 5024 §6) accepted from a partner: keys, certificates and policy. */
  services?: (partner: string) => InboundPolicy;
  /** Our acknowledgment-signing identity: receipts for files that ask for it (SFIDSIGN=Y) are signed. */
  ackSigner?: Signer;
}

/**
 * pending: owed to the partner, sent when we next hold the speaker role; held: waiting for the process
 * to finish the document (then pending, as EERP or NERP); none: no receipt will be sent (acknowledge
 * never); sent / failed: done.
 */
export type EerpStatus = 'pending' | 'held' | 'none' | 'sent' | 'failed';

/**
 * What one listener (a process) accepts from a partner, on top of the inbox's defaults. A server that runs
 * several processes on one port passes the policy of the process the session was routed to.
 */
export interface FilePolicy {
  /** SFIDDEST must be one of these (default: the inbox's localCode), else SFNA 02. */
  destinations?: string[];
  /** SFIDORIG must be one of these when given, else SFNA 03. */
  originators?: string[];
  /** SFIDDSN must match, else SFNA 01. */
  datasetNamePattern?: RegExp;
  allowDuplicates?: boolean;
  maxFileSize?: number;
  services?: InboundPolicy;
  /** When the receipt goes out (default onReceipt). */
  acknowledge?: 'onReceipt' | 'afterProcessing' | 'never';
}

export interface InboxEvents {
  /** A file was received completely and stored in its final place. */
  stored: [ReceivedFileMeta & { key: string; path: string }];
  /** A held receipt was released (EERP) or turned into a NERP. */
  settled: [{ key: string }];
}

export interface ReceivedFileMeta {
  file: string;
  partner: string;
  session: string;
  sfid: Omit<Sfid, 'type'>;
  startedAt: string;
  receivedAt: string;
  size: number;
  records: number;
  units: number;
  sha256: string;
  restartedAt?: number;
  /** For secured or compressed files: the file as it travelled, and what was undone. */
  transmitted?: { size: number; sha256: string };
  /** Hash of the transmitted file with the suite's algorithm, hex: EERPHSH of a signed receipt. */
  receiptHash?: string;
  services?: Array<{ kind?: string; algorithm?: string; signer?: string }>;
  tolerances: string[];
  eerp: { status: EerpStatus; sentAt?: string; session?: string; error?: string; nerp?: { reason: number; text: string } };
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const META_SUFFIX = '.oftp2.json';
const PARTIAL_DIR = '.oftp2-partial';

/**
 * Turns a partner-supplied name into one path component that stays inside its folder on any OS:
 * only letters, digits and . - & ( ) _ survive; no leading dot, no '..', no reserved device names.
 */
export function safeName(untrusted: string): string {
  let s = untrusted.trim().replace(/[^A-Za-z0-9.&()_-]/g, '_').replace(/\.{2,}/g, '_').replace(/^\.+/, '_');
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  return s.slice(0, 100);
}

const fileKey = (originator: string, s: Pick<Sfid, 'datasetName' | 'date' | 'time'>): string => `${originator}|${s.datasetName}|${s.date}|${s.time}`;

interface PartialState {
  key: string;
  format: Sfid['format'];
  maxRecordLength: number;
  recordLayout: RecordLayout;
  partner: string;
  startedAt: string;
}

export class Inbox extends EventEmitter<InboxEvents> {
  readonly dir: string;
  private readonly received = new Map<string, ReceivedFileMeta & { metaPath: string }>();
  /** Files being received right now, by key: a second session may not write the same file. */
  private readonly active = new Set<string>();
  private loaded = false;

  constructor(readonly options: InboxOptions) {
    super();
    // Every session that holds the speaker role may wait for receipts at once.
    this.setMaxListeners(0);
    this.dir = resolve(options.dir);
  }

  /** Reads the sidecars already in the inbox (duplicates, receipts still owed). */
  async load(): Promise<void> {
    if (this.loaded) return;
    await mkdir(join(this.dir, PARTIAL_DIR), { recursive: true });
    for (const partnerDir of await readdir(this.dir, { withFileTypes: true })) {
      if (!partnerDir.isDirectory() || partnerDir.name === PARTIAL_DIR) continue;
      const folder = join(this.dir, partnerDir.name);
      for (const name of await readdir(folder)) {
        if (!name.endsWith(META_SUFFIX)) continue;
        try {
          const meta = JSON.parse(await readFile(join(folder, name), 'utf8')) as ReceivedFileMeta;
          this.received.set(fileKey(meta.sfid.originator, meta.sfid), { ...meta, metaPath: join(folder, name) });
        } catch {
          // A sidecar we cannot read does not stop the server; the file stays where it is.
        }
      }
    }
    this.loaded = true;
  }

  private inside(path: string): string {
    const full = resolve(path);
    if (!full.startsWith(this.dir + sep)) throw new Error(`refusing to write outside the inbox: ${full}`);
    return full;
  }

  /** The listener's decision on an SFID, and the sink that stores the file when accepted. */
  async startFile(sfid: Sfid, session: SessionInfo, policy: FilePolicy = {}): Promise<FileDecision> {
    await this.load();
    const name = safeName(sfid.datasetName);
    if (!sfid.datasetName.trim() || !name.replace(/_/g, '')) {
      return { accept: false, reason: 1, retry: false, text: 'empty or unusable virtual file name' };
    }
    if (policy.datasetNamePattern && !policy.datasetNamePattern.test(sfid.datasetName)) {
      return { accept: false, reason: 1, retry: false, text: `virtual file name ${sfid.datasetName} does not match the expected pattern ${policy.datasetNamePattern.source}` };
    }
    const destinations = policy.destinations ?? [this.options.localCode];
    if (!destinations.includes(sfid.destination)) {
      return { accept: false, reason: 2, retry: false, text: `destination ${sfid.destination || '(blank)'} is not ${destinations.join(' or ')}` };
    }
    if (policy.originators && !policy.originators.includes(sfid.originator)) {
      return { accept: false, reason: 3, retry: false, text: `originator ${sfid.originator || '(blank)'} is not one of ${policy.originators.join(', ')}` };
    }
    const key = fileKey(sfid.originator, sfid);
    if (this.received.has(key) && !(policy.allowDuplicates ?? this.options.allowDuplicates)) {
      return { accept: false, reason: 13, retry: false, text: `already received ${sfid.datasetName} ${sfid.date} ${sfid.time} from ${sfid.originator}` };
    }
    if (this.active.has(key)) {
      return { accept: false, reason: 13, retry: true, text: 'this file is being received in another session' };
    }
    // Policy applies to plain files too: a partner may be required to sign or encrypt.
    const services = policy.services ?? this.options.services?.(session.partner) ?? {};
    const refusal = refuseServices(sfid, services);
    if (refusal) return { accept: false, retry: false, ...refusal };
    const limit = policy.maxFileSize ?? this.options.maxFileSize;
    if (limit !== undefined && sfid.fileSize * 1024 > limit + 1023) {
      return { accept: false, reason: 6, retry: false, text: `file of about ${sfid.fileSize} KiB exceeds the limit of ${Math.floor(limit / 1024)} KiB` };
    }
    const partnerDir = this.inside(join(this.dir, safeName(session.partner) || '_'));
    await mkdir(partnerDir, { recursive: true });
    const finalPath = await this.freePath(join(partnerDir, `${name}_${sfid.date}_${sfid.time}`));
    const id = createHash('sha256').update(key).digest('hex').slice(0, 32);
    const partialPath = this.inside(join(this.dir, PARTIAL_DIR, `${id}.part`));
    const statePath = `${partialPath}.json`;
    const layout: RecordLayout = sfid.format === 'V' ? this.options.recordLayout ?? 'plain' : 'plain';
    const format = hasFileServices(sfid) ? 'U' : sfid.format;

    // Restart: what an earlier session left, cut back to a whole restart unit.
    let restart = { count: 0, records: 0, units: 0, bytes: 0 };
    if (sfid.restartPosition > 0) {
      const state = await readJson<PartialState>(statePath);
      if (state && state.key === key && state.format === sfid.format && state.maxRecordLength === sfid.maxRecordLength) {
        restart = await restartPoint(partialPath, format, sfid.maxRecordLength, layout, sfid.restartPosition);
      }
    }
    if (restart.count === 0) {
      await rm(partialPath, { force: true });
    } else {
      await truncate(partialPath, restart.bytes);
    }
    const state: PartialState = { key, format: sfid.format, maxRecordLength: sfid.maxRecordLength, recordLayout: layout, partner: session.partner, startedAt: new Date().toISOString() };
    await writeFile(statePath, JSON.stringify(state));
    this.active.add(key);
    const acknowledge = policy.acknowledge ?? 'onReceipt';
    return { accept: true, sink: new InboxFileSink(this, { sfid, session, key, finalPath, partialPath, statePath, restart, layout, services, ...(limit !== undefined ? { maxFileSize: limit } : {}), acknowledge }) };
  }

  private async freePath(base: string): Promise<string> {
    for (let n = 1; ; n++) {
      const candidate = this.inside(n === 1 ? base : `${base}_${n}`);
      if (!(await exists(candidate)) && !(await exists(candidate + META_SUFFIX))) return candidate;
    }
  }

  /** @internal */
  finished(key: string, meta?: ReceivedFileMeta & { metaPath: string }): void {
    this.active.delete(key);
    if (meta) {
      this.received.set(key, meta);
      const { metaPath: _m, ...stored } = meta;
      try {
        this.emit('stored', { ...stored, key, path: join(this.dir, ...meta.file.split('/')) });
      } catch {
        // The file is stored and its EFPA is due whatever a listener does with the news.
      }
    }
  }

  /** Receipts owed to a partner for files received from it, oldest first: EERP, or NERP when refused (unsigned; see outgoingReceipt). */
  async pendingReceipts(partner: string): Promise<Array<{ receipt: Eerp | Nerp; key: string; session: string }>> {
    await this.load();
    const pending = [...this.received.entries()]
      .filter(([, m]) => m.partner === partner && m.eerp.status === 'pending')
      .sort((a, b) => a[1].receivedAt.localeCompare(b[1].receivedAt));
    const out: Array<{ receipt: Eerp | Nerp; key: string; session: string }> = [];
    for (const [key, m] of pending) {
      const id = { datasetName: m.sfid.datasetName, date: m.sfid.date, time: m.sfid.time, destination: m.sfid.originator, originator: m.sfid.destination, hash: Buffer.alloc(0), signature: Buffer.alloc(0) };
      const receipt: Eerp | Nerp = m.eerp.nerp
        ? { type: 'NERP', ...id, creator: m.sfid.destination || this.options.localCode, reason: m.eerp.nerp.reason, text: m.eerp.nerp.text }
        : { type: 'EERP', ...id, userData: '' };
      out.push({ key, receipt, session: m.session });
    }
    return out;
  }

  /**
   * The receipt as it goes out: signed when the partner asked for a signed one (SFIDSIGN=Y) and we have an
   * acknowledgment-signing identity; otherwise unsigned, as RFC 5024 §3.3.5 allows. Done only for the
   * receipt about to be sent, not for every pending one.
   */
  async outgoingReceipt(key: string, receipt: Eerp | Nerp, signer: Signer | undefined = this.options.ackSigner): Promise<Eerp | Nerp> {
    const m = this.received.get(key);
    if (!m?.sfid.signedEerp || !m.receiptHash || !signer) return receipt;
    return signReceipt(receipt, Buffer.from(m.receiptHash, 'hex'), signer, suiteHash(m.sfid.cipherSuite));
  }

  /** The process finished a held file without error: its EERP is now owed. */
  releaseReceipt(key: string): boolean {
    const meta = this.received.get(key);
    if (!meta || meta.eerp.status !== 'held') return false;
    meta.eerp = { status: 'pending' };
    this.persist(meta);
    this.emit('settled', { key });
    return true;
  }

  /**
   * Waits until no receipt of files received in `session` is held by processing any more, or `timeoutMs`
   * passed: so the EERP of a file processed quickly goes out in the same session.
   */
  async settledFor(session: string, timeoutMs: number): Promise<void> {
    const held = (): boolean => [...this.received.values()].some((m) => m.session === session && m.eerp.status === 'held');
    if (!held() || timeoutMs <= 0) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('settled', check);
        resolve();
      };
      const check = (): void => {
        if (!held()) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.on('settled', check);
    });
  }

  private persist(meta: ReceivedFileMeta & { metaPath: string }): void {
    const { metaPath, ...onDisk } = meta;
    void writeFile(metaPath, JSON.stringify(onDisk, null, 2)).catch(() => undefined);
  }

  /**
   * Refuses a file after it was received (e.g. its processing failed): the partner gets a NERP with the
   * reason (RFC 5024 §5.3.14) instead of the EERP, in this session or its next one.
   */
  refuseAfterReceipt(key: string, reason: number, text: string): boolean {
    const meta = this.received.get(key);
    if (!meta || (meta.eerp.status !== 'pending' && meta.eerp.status !== 'held')) return false;
    // NERPREAST holds at most 999 octets of UTF-8 (RFC 5024 §5.3.14): cut on a character boundary.
    let cut = text.slice(0, 999);
    while (Buffer.byteLength(cut) > 999) cut = cut.slice(0, -1);
    meta.eerp = { status: 'pending', nerp: { reason, text: cut } };
    this.persist(meta);
    this.emit('settled', { key });
    return true;
  }

  /** The key under which a received file is known: originator, dataset name, date and time. */
  static keyOf(originator: string, file: Pick<Sfid, 'datasetName' | 'date' | 'time'>): string {
    return fileKey(originator, file);
  }

  /** Records that the EERP for a file went out, or could not be sent at all. */
  async receiptSent(key: string, session: string, error?: string): Promise<void> {
    const meta = this.received.get(key);
    if (!meta) return;
    const nerp = meta.eerp.nerp ? { nerp: meta.eerp.nerp } : {};
    meta.eerp = error ? { status: 'failed', session, error, ...nerp } : { status: 'sent', sentAt: new Date().toISOString(), session, ...nerp };
    const { metaPath, ...onDisk } = meta;
    await writeFile(metaPath, JSON.stringify(onDisk, null, 2));
  }

  /** Every received file's metadata. */
  async list(): Promise<ReceivedFileMeta[]> {
    await this.load();
    return [...this.received.values()].map(({ metaPath: _ignored, ...m }) => m);
  }
}

interface SinkInit {
  sfid: Sfid;
  session: SessionInfo;
  key: string;
  finalPath: string;
  partialPath: string;
  statePath: string;
  restart: { count: number; records: number; units: number; bytes: number };
  layout: RecordLayout;
  services: InboundPolicy;
  maxFileSize?: number;
  acknowledge: NonNullable<FilePolicy['acknowledge']>;
}

class InboxFileSink implements FileSink {
  readonly restartCount: number;
  readonly restartTotals: { records: number; units: number };
  readonly recordLayout: RecordLayout;
  private readonly out: WriteStream;
  private readonly opened: Promise<void>;
  private hash: Hash | undefined;
  private bytes: number;
  private readonly startedAt = new Date().toISOString();
  private ended = false;
  private streamError: Error | undefined;

  constructor(
    private readonly inbox: Inbox,
    private readonly init: SinkInit,
  ) {
    this.restartCount = init.restart.count;
    this.restartTotals = { records: init.restart.records, units: init.restart.units };
    this.recordLayout = init.layout;
    this.bytes = init.restart.bytes;
    // A fresh file is hashed as it streams; a restarted one is hashed from disk at the end.
    this.hash = init.restart.bytes === 0 ? createHash('sha256') : undefined;
    this.out = createWriteStream(init.partialPath, { flags: init.restart.bytes ? 'r+' : 'w', start: init.restart.bytes, highWaterMark: 8 * 1024 * 1024 });
    this.out.on('error', (e) => {
      this.streamError = e;
    });
    this.opened = new Promise((res, rej) => {
      this.out.once('open', () => res());
      this.out.once('error', rej);
    });
  }

  async write(bytes: Buffer): Promise<void> {
    if (this.streamError) throw this.streamError;
    const limit = this.init.maxFileSize;
    this.bytes += bytes.length;
    if (limit !== undefined && this.bytes > limit) return; // refused at EFID with EFNA 06; nothing more stored
    this.hash?.update(bytes);
    if (!this.out.write(bytes)) {
      await new Promise<void>((res, rej) => {
        const done = (e?: Error): void => {
          this.out.off('drain', done);
          this.out.off('error', done);
          if (e) rej(e);
          else res();
        };
        this.out.on('drain', done);
        this.out.on('error', done);
      });
    }
  }

  private async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.opened.catch(() => undefined);
    await new Promise<void>((res) => this.out.end(() => res()));
    if (this.streamError) throw this.streamError;
  }

  async commit(summary: { recordCount: number; unitCount: number; tolerances: string[] }): Promise<{ ok: true } | { ok: false; reason: number; text: string }> {
    const { sfid, session, key, finalPath, partialPath, statePath } = this.init;
    try {
      await this.close();
      const limit = this.init.maxFileSize;
      if (limit !== undefined && this.bytes > limit) {
        await this.discard();
        return { ok: false, reason: 6, text: `file of ${this.bytes} octets exceeds the limit of ${limit}` };
      }
      let sha256 = this.hash ? this.hash.digest('hex') : await hashFile(partialPath);
      let secured: Pick<ReceivedFileMeta, 'transmitted' | 'services' | 'receiptHash'> = {};
      if (sfid.signedEerp) {
        // The receipt hash covers the file as transmitted: reuse the SHA-256 taken while it streamed in.
        const alg = suiteHash(sfid.cipherSuite);
        secured.receiptHash = alg === 'sha256' ? sha256 : (await hashTransmitted(partialPath, alg)).toString('hex');
      }
      if (hasFileServices(sfid)) {
        // Undo the file services in reverse order (RFC 5024 §6) into the final place; the sidecar keeps
        // both the transmitted file's hash (what a signed EERP covers) and the content's.
        const plain = `${partialPath}.plain`;
        try {
          const policy = { ...this.init.services, ...(this.inbox.options.recordLayout ? { recordLayout: this.inbox.options.recordLayout } : {}) };
          const summary = await unwrapFile(partialPath, plain, sfid, policy);
          secured = { ...secured, transmitted: { size: this.bytes, sha256 }, services: summary.layers.map((l) => ({ ...l })) };
        } catch (e) {
          await this.discard();
          await rm(plain, { force: true });
          this.inbox.finished(key);
          if (e instanceof CmsError) return { ok: false, reason: e.answerReason, text: e.message };
          throw e;
        }
        await rm(partialPath, { force: true });
        await rename(plain, finalPath);
        sha256 = await hashFile(finalPath);
      } else {
        await rename(partialPath, finalPath);
      }
      await rm(statePath, { force: true });
      const { type: _t, ...fields } = sfid;
      const meta: ReceivedFileMeta = {
        file: finalPath.slice(this.inbox.dir.length + 1).split(sep).join('/'),
        partner: session.partner,
        session: session.id,
        sfid: fields,
        startedAt: this.startedAt,
        receivedAt: new Date().toISOString(),
        size: (await stat(finalPath)).size,
        records: summary.recordCount,
        units: summary.unitCount,
        sha256,
        ...(this.restartCount ? { restartedAt: this.restartCount } : {}),
        ...secured,
        tolerances: summary.tolerances,
        eerp: { status: this.init.acknowledge === 'afterProcessing' ? 'held' : this.init.acknowledge === 'never' ? 'none' : 'pending' },
      };
      const metaPath = finalPath + META_SUFFIX;
      await writeFile(metaPath, JSON.stringify(meta, null, 2));
      this.inbox.finished(key, { ...meta, metaPath });
      return { ok: true };
    } catch (e) {
      this.inbox.finished(key);
      return { ok: false, reason: 12, text: `could not store the file: ${(e as Error).message}` };
    }
  }

  private async discard(): Promise<void> {
    await rm(this.init.partialPath, { force: true });
    await rm(this.init.statePath, { force: true });
  }

  async abort(keepForRestart: boolean): Promise<void> {
    try {
      await this.close();
    } catch {
      // Writing failed: nothing worth keeping.
      keepForRestart = false;
    }
    if (!keepForRestart) await this.discard();
    this.inbox.finished(this.init.key);
  }
}

/** The restart point a partial file supports: whole records for F/V, whole 1K blocks for U/T. */
async function restartPoint(path: string, format: Sfid['format'], lrecl: number, layout: RecordLayout, proposal: number): Promise<{ count: number; records: number; units: number; bytes: number }> {
  const size = await stat(path).then((s) => s.size, () => 0);
  if (size === 0) return { count: 0, records: 0, units: 0, bytes: 0 };
  if (format === 'U' || format === 'T') {
    const count = Math.min(proposal, Math.floor(size / 1024));
    return { count, records: 0, units: count * 1024, bytes: count * 1024 };
  }
  if (format === 'F') {
    const count = Math.min(proposal, Math.floor(size / lrecl));
    return { count, records: count, units: count * lrecl, bytes: count * lrecl };
  }
  // V: walk the records written so far.
  let records = 0;
  let units = 0;
  let bytes = 0;
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let data: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let i = 0;
    for (;;) {
      if (records >= proposal) break;
      if (layout === 'length-prefixed') {
        if (data.length - i < 2) break;
        const n = data.readUInt16BE(i);
        if (data.length - i < 2 + n) break;
        i += 2 + n;
        units += n;
      } else {
        const lf = data.indexOf(0x0a, i);
        if (lf < 0) break;
        units += lf - i;
        i = lf + 1;
      }
      records++;
    }
    bytes += i;
    carry = data.subarray(i);
    data = carry;
    if (records >= proposal) break;
  }
  return { count: records, records, units, bytes };
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

