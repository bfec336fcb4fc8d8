// The OFTP2 server (responder): listens on a host and port, authenticates partners by Odette ID and
// password, runs concurrent sessions, stores received files in the inbox, sends the EERPs it owes and any
// files waiting in the partner's outbox folder. Pure Node; the CLI and the debug adapter both drive it.
import { EventEmitter } from 'node:events';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type PeerCertificate, type TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { encodeCommand, type Eerp, type Nerp, type Ssid } from './codec/commands';
import { encodeStb } from './codec/stb';
import type { RecordLayout } from './codec/data';
import { Inbox, safeName, type FilePolicy, type ReceivedFileMeta } from './inbox';
import type { AuthKeys, ChallengeCipher } from './security/auth';
import { outboundFile } from './outbound';
import type { InboundPolicy, OutboundServices } from './security/file-services';
import type { Signer } from './security/cms';
import { describeCertificate, fingerprintOf, TLS_MIN_VERSION, validityProblem, type TlsServerOptions } from './security/tls';
import { DEFAULT_CAPABILITIES, type Capabilities } from './session/negotiate';
import { OftpSession, type Outbound, type SecureAuthPolicy, type SessionHooks, type SessionInfo, type SessionOutcome } from './session/session';
import type { TraceRecord, TraceSink } from './trace';

export interface PartnerConfig {
  /** The partner's Odette ID, as it sends it in SSIDCODE. */
  code: string;
  /** The password it must send in SSIDPSWD. */
  password: string;
  /** Its TLS client certificate (PEM): required to match when the server requires client certificates. */
  clientCertPem?: string;
  /** Its session-authentication certificate (PEM): we encrypt our challenge to it. */
  authCertPem?: string;
  /** Overrides the server's secure-authentication policy for this partner. */
  secureAuth?: SecureAuthPolicy;
  /** File services for files we send this partner from the outbox (sign, compress, encrypt). */
  outboundServices?: OutboundServices;
  /**
   * Our identity towards this partner when it is not the server's: several processes share one port, each
   * with its own My Company Odette ID, password and challenge key (Boomi's To block).
   */
  local?: { code: string; password: string; authKeys?: AuthKeys };
  /** What this partner's files must satisfy and when their receipts go out (the listener's policy). */
  files?: FilePolicy;
  /** Signs receipts to this partner (default: the server's ackSigner). */
  ackSigner?: Signer;
  /** Label of the listener (process) this entry belongs to, reported with each stored file. */
  listener?: string;
}

export interface ServerConfig {
  host?: string;
  port?: number;
  /** Our Odette ID and the password we send in our SSID. */
  localCode: string;
  localPassword?: string;
  partners: PartnerConfig[];
  /** Folder for received files; one subfolder per partner. */
  inbox: string;
  /** Folder whose subfolder per partner Odette ID holds files to send to that partner. */
  outbox?: string;
  capabilities?: Partial<Capabilities>;
  /** Inactivity timeout in ms (default 90 s). */
  timeoutMs?: number;
  maxFileSize?: number;
  allowDuplicates?: boolean;
  recordLayout?: RecordLayout;
  /**
   * How long a session that holds the speaker role waits for receipts held by processing (acknowledge
   * after processing) before it moves on; what is not ready goes out in the partner's next session.
   * Default 20 s, well inside partners' 90 s inactivity timers.
   */
  receiptWaitMs?: number;
  /** Sessions at once; more are refused with ESID 08 (default 500). */
  maxSessions?: number;
  /** false: trace session events only, not every command (the CLI without --trace). Default true. */
  traceCommands?: boolean;
  /** Session-level encryption: TLS with our certificate, optionally requiring client certificates. */
  tls?: TlsServerOptions;
  /** Our acknowledgment-signing identity, for receipts partners ask to be signed (SFIDSIGN=Y). */
  ackSigner?: Signer;
  /** File services accepted per partner: keys, certificates and policy (SFNA 15-20, EFNA 21-23). */
  services?: (partner: string) => InboundPolicy;
  /** Secure authentication (SSIDAUTH): policy, and our key that opens partners' challenges. */
  secureAuth?: { policy: SecureAuthPolicy; keyPem: string; passphrase?: string };
  /** Content cipher of the challenges we send (default AES-256; Boomi's cipher suite setting). */
  challengeCipher?: ChallengeCipher;
  trace?: TraceSink;
}

export interface ServerEvents {
  trace: [TraceRecord];
  'session-start': [{ id: string; remote: string }];
  'session-end': [{ id: string; remote: string; outcome: SessionOutcome }];
  receipt: [{ session: string; partner: string; receipt: Eerp | Nerp }];
  /** A file was stored: which partner entry (and so which listener) it came through. */
  file: [{ meta: ReceivedFileMeta; key: string; path: string; partner: PartnerConfig }];
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class OftpServer extends EventEmitter<ServerEvents> {
  readonly inbox: Inbox;
  private server: Server | undefined;
  private readonly sessions = new Map<string, { session: OftpSession; socket: Socket; done: Promise<SessionOutcome> }>();
  private counter = 0;
  private readonly capabilities: Capabilities;
  /** The partner entry each authenticated session matched (one Odette ID may have several, by password). */
  private readonly sessionPartner = new Map<string, PartnerConfig>();

  constructor(readonly config: ServerConfig) {
    super();
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...config.capabilities };
    this.inbox = new Inbox({
      dir: config.inbox,
      localCode: config.localCode,
      maxFileSize: config.maxFileSize,
      allowDuplicates: config.allowDuplicates,
      recordLayout: config.recordLayout,
      ...(config.services ? { services: config.services } : {}),
      ...(config.ackSigner ? { ackSigner: config.ackSigner } : {}),
    });
    this.inbox.on('stored', ({ key, path, ...meta }) => {
      const partner = this.sessionPartner.get(meta.session);
      if (partner) this.emit('file', { meta, key, path, partner });
    });
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  async listen(): Promise<{ host: string; port: number }> {
    await this.inbox.load();
    const tls = this.config.tls;
    const server: Server = tls
      ? createTlsServer(
          {
            minVersion: TLS_MIN_VERSION,
            ...(tls.pfx ? { pfx: tls.pfx, passphrase: tls.passphrase } : { cert: tls.certPem, key: tls.keyPem, passphrase: tls.passphrase }),
            requestCert: !!tls.requireClientCert,
            // We check client certificates ourselves, to say precisely what is wrong with them.
            rejectUnauthorized: false,
            ...(tls.caPem ? { ca: tls.caPem } : {}),
          },
          (socket) => this.acceptTls(socket),
        ).on('tlsClientError', (e, socket) => {
          this.trace({ time: new Date().toISOString(), session: 'TLS', direction: 'event', command: 'tls-failed', summary: `TLS handshake with ${socket.remoteAddress ?? 'a client'}${socket.remotePort ? `:${socket.remotePort}` : ''} failed: ${e.message}`, detail: { code: (e as NodeJS.ErrnoException).code } });
        })
      : createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port ?? 3305, this.config.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address();
    if (!a || typeof a === 'string') throw new Error('server has no TCP address');
    return { host: a.address, port: a.port };
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  private trace = (r: TraceRecord): void => {
    this.config.trace?.(r);
    this.emit('trace', r);
  };

  /** Checks a TLS client before any OFTP command: a certificate when required, in date, and a partner's. */
  private acceptTls(socket: TLSSocket): void {
    const tls = this.config.tls!;
    let cert: PeerCertificate | undefined;
    if (tls.requireClientCert) {
      const peer = socket.getPeerCertificate();
      const refuse = (why: string): void => {
        this.trace({ time: new Date().toISOString(), session: 'TLS', direction: 'event', command: 'tls-refused', summary: `${socket.remoteAddress}:${socket.remotePort}: ${why}` });
        // Tell the partner why in the protocol's own words before hanging up, instead of a bare close.
        socket.end(encodeStb(encodeCommand({ type: 'ESID', reason: 99, text: `TLS: ${why}`.slice(0, 999) })));
        setTimeout(() => socket.destroy(), 2000).unref();
      };
      if (!peer || !peer.raw) return refuse('no client certificate (this server requires one)');
      const dates = validityProblem(peer);
      if (dates) return refuse(`client ${dates}`);
      const known = this.config.partners.some((p) => p.clientCertPem && fingerprintOf(p.clientCertPem) === peer.fingerprint256);
      if (!known && !socket.authorized) {
        return refuse(`client certificate ${describeCertificate(peer)} is no partner's and was not issued by a trusted CA (${socket.authorizationError ?? 'unknown CA'})`);
      }
      cert = peer;
    }
    this.accept(socket, cert);
  }

  private accept(socket: Socket, clientCert?: PeerCertificate): void {
    const id = `S${++this.counter}`;
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    const session = new OftpSession(socket, {
      id,
      role: 'responder',
      localCode: this.config.localCode,
      localPassword: this.config.localPassword ?? '',
      capabilities: this.capabilities,
      timeoutMs: this.config.timeoutMs,
      trace: this.trace,
      traceCommands: this.config.traceCommands,
      hooks: this.hooksFor(id, clientCert),
      ...(this.config.secureAuth || this.config.partners.some((p) => p.authCertPem)
        ? {
            secureAuth: {
              ...(this.config.secureAuth ? { keys: { keyPem: this.config.secureAuth.keyPem, ...(this.config.secureAuth.passphrase ? { passphrase: this.config.secureAuth.passphrase } : {}) } } : {}),
              peerCertPem: (code: string) => (this.sessionPartner.get(id) ?? this.config.partners.find((p) => p.code === code))?.authCertPem,
              ...(this.config.challengeCipher ? { cipher: this.config.challengeCipher } : {}),
            },
          }
        : {}),
    });
    this.emit('session-start', { id, remote });
    session.channel.trace({ direction: 'event', command: 'accepted', summary: `connection from ${remote}`, detail: { remote } });
    const done = session.run().then((outcome) => {
      this.sessions.delete(id);
      this.sessionPartner.delete(id);
      this.emit('session-end', { id, remote, outcome });
      return outcome;
    });
    this.sessions.set(id, { session, socket, done });
  }

  private hooksFor(sessionId: string, clientCert?: PeerCertificate): SessionHooks {
    const offered = new Set<string>();
    const server = this;
    return {
      async authenticate(ssid: Ssid) {
        if (server.sessions.size > (server.config.maxSessions ?? 500)) return { ok: false, esidReason: 8, text: 'too many sessions, try again later' };
        const candidates = server.config.partners.filter((p) => p.code === ssid.code);
        if (!candidates.length) return { ok: false, esidReason: 3, text: `Odette ID ${ssid.code || '(blank)'} is not a configured partner` };
        // One Odette ID may belong to several listeners, told apart by password (Boomi's rule).
        const partner = candidates.find((p) => sameSecret(p.password, ssid.password));
        if (!partner) return { ok: false, esidReason: 4, text: `wrong password for ${ssid.code}` };
        if (clientCert) {
          const expected = partner.clientCertPem ? fingerprintOf(partner.clientCertPem) : undefined;
          if (expected !== clientCert.fingerprint256) {
            const owner = server.config.partners.find((p) => p.clientCertPem && fingerprintOf(p.clientCertPem) === clientCert.fingerprint256);
            const text = `TLS client certificate ${describeCertificate(clientCert)} is ${owner ? `${owner.code}'s` : 'not configured'}, not ${ssid.code}'s`;
            return { ok: false, esidReason: 4, text };
          }
        }
        server.sessionPartner.set(sessionId, partner);
        return { ok: true, secureAuth: partner.secureAuth ?? server.config.secureAuth?.policy ?? 'off', ...(partner.local ? { local: partner.local } : {}) };
      },
      startFile(sfid, info) {
        const partner = server.sessionPartner.get(sessionId);
        const policy: FilePolicy = { destinations: [partner?.local?.code ?? server.config.localCode], ...partner?.files };
        return server.inbox.startFile(sfid, info, policy);
      },
      async receivedReceipt(receipt, info) {
        server.emit('receipt', { session: sessionId, partner: info.partner, receipt });
      },
      async nextOutbound(info: SessionInfo): Promise<Outbound | undefined> {
        await server.inbox.settledFor(info.id, server.config.receiptWaitMs ?? 20_000);
        for (const r of await server.inbox.pendingReceipts(info.partner)) {
          // A receipt belongs to the session that received the file while that session lasts (it sends it
          // after the partner's CD); only receipts of ended sessions go out in another one.
          if (offered.has(`eerp:${r.key}`) || (r.session !== info.id && server.sessions.has(r.session))) continue;
          offered.add(`eerp:${r.key}`);
          const signer = server.sessionPartner.get(sessionId)?.ackSigner ?? server.config.ackSigner;
          return Object.assign({ kind: 'receipt' as const, receipt: await server.inbox.outgoingReceipt(r.key, r.receipt, signer) }, { key: r.key });
        }
        const dir = server.outboxFor(info.partner);
        if (!dir) return undefined;
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names.sort()) {
          const path = join(dir, name);
          if (offered.has(`file:${path}`) || !(await stat(path).then((s) => s.isFile(), () => false))) continue;
          offered.add(`file:${path}`);
          const services = server.config.partners.find((p) => p.code === info.partner)?.outboundServices;
          const file = await outboundFile({ path, originator: server.config.localCode, destination: info.partner, ...(services ? { services } : {}) });
          return Object.assign(file, { path });
        }
        return undefined;
      },
      async outboundResult(item, result, info) {
        if (item.kind === 'receipt') await server.inbox.receiptSent((item as { key?: string }).key!, info.id, result.status === 'sent' ? undefined : result.text);
        if (item.kind === 'file' && result.status === 'sent') {
          const path = (item as { path?: string }).path!;
          const sent = join(server.outboxFor(info.partner)!, '.sent');
          await mkdir(sent, { recursive: true });
          await rename(path, join(sent, `${Date.now()}-${path.split(/[\\/]/).pop()}`));
        }
      },
    };
  }

  private outboxFor(partner: string): string | undefined {
    return this.config.outbox ? join(this.config.outbox, safeName(partner)) : undefined;
  }

  /**
   * Stops accepting connections. Running sessions get `graceMs` to finish; then they are ended with
   * ESID 05 (local site emergency close down).
   */
  async close(graceMs = 5000): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const running = [...this.sessions.values()];
    if (running.length) {
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      const all = Promise.all(running.map((s) => s.done));
      if ((await Promise.race([all, timer])) === 'timeout') {
        for (const s of this.sessions.values()) s.session.shutdown(5, 'server is shutting down');
        await Promise.race([Promise.all(running.map((s) => s.done)), new Promise((r) => setTimeout(r, 3000).unref())]);
        for (const s of this.sessions.values()) s.socket.destroy();
      }
    }
    await closed;
  }
}
