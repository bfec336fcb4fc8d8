// The OFTP2 client (initiator): connects to a partner, sends files (resuming where the partner's restart
// answer says), takes the EERPs/NERPs and any files the partner has for us, and ends the session. With
// `waitEerpMs` it polls in new sessions until every sent file has its receipt.
import { rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import type { Eerp, Nerp, Ssid } from './codec/commands';
import { describeReason } from './codec/reasons';
import { Inbox } from './inbox';
import { connectTls, type TlsClientOptions } from './security/tls';
import { hashTransmitted, suiteHash, verifyReceipt } from './security/receipts';
import type { InboundPolicy } from './security/file-services';
import { outboundFile, type OutboundFileOptions } from './outbound';
import { DEFAULT_CAPABILITIES, type Capabilities } from './session/negotiate';
import { OftpSession, type Outbound, type OutboundFile, type SessionHooks, type SessionOutcome } from './session/session';
import type { TraceSink } from './trace';

export interface ClientConfig {
  host: string;
  port: number;
  localCode: string;
  localPassword: string;
  /** The partner's Odette ID (SFIDDEST, and what its SSID must say). */
  partnerCode: string;
  /** When given, the partner's SSID must carry this password (ESID 04 otherwise). */
  partnerPassword?: string;
  files: Array<Omit<OutboundFileOptions, 'originator' | 'destination'>>;
  capabilities?: Partial<Capabilities>;
  timeoutMs?: number;
  /** Folder for files the partner sends us; without one we offer send-only. */
  inbox?: string;
  /** After sending, keep polling for EERPs up to this long (ms). */
  waitEerpMs?: number;
  trace?: TraceSink;
  /** Session-level encryption: connect with TLS. */
  tls?: TlsClientOptions;
  /** File services we accept on files the partner sends us: our decryption key, its signing certificate. */
  inboundServices?: InboundPolicy;
  /** The partner's acknowledgment-verification certificate: signed receipts are checked against it. */
  partnerAckCertPem?: string;
  /** Secure authentication: our key, and the partner's session-authentication certificate. */
  secureAuth?: { keyPem: string; passphrase?: string; partnerCertPem: string };
  /** Called for each session's outcome (for logging). */
  onSession?: (outcome: SessionOutcome, index: number) => void;
}

export interface FileResult {
  path: string;
  datasetName: string;
  date: string;
  time: string;
  status: 'sent' | 'refused' | 'not-sent';
  /** SFNA/EFNA when refused. */
  refusal?: { command: 'SFNA' | 'EFNA'; reason: number; retry: boolean; text: string };
  receipt?: { type: 'EERP' | 'NERP'; reason?: number; text?: string; signature?: { valid: boolean; detail: string } };
  restartCount?: number;
}

export interface ClientResult {
  ok: boolean;
  files: FileResult[];
  sessions: SessionOutcome[];
  error?: string;
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`could not connect to ${host}:${port} within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not connect to ${host}:${port}: ${e.message}`));
    });
  });
}

export async function runClient(config: ClientConfig): Promise<ClientResult> {
  const files: Array<{ result: FileResult; outbound: OutboundFile; transmittedHash?: Buffer }> = [];
  for (const f of config.files) {
    const outbound = await outboundFile({ ...f, originator: config.localCode, destination: config.partnerCode });
    files.push({ outbound, result: { path: f.path, datasetName: outbound.sfid.datasetName, date: outbound.sfid.date, time: outbound.sfid.time, status: 'not-sent' } });
  }
  const inbox = config.inbox ? new Inbox({ dir: config.inbox, localCode: config.localCode, ...(config.inboundServices ? { services: () => config.inboundServices! } : {}) }) : undefined;
  const capabilities: Capabilities = { ...DEFAULT_CAPABILITIES, mode: inbox ? 'B' : 'S', ...config.capabilities, secureAuthentication: !!config.secureAuth };
  const timeoutMs = config.timeoutMs ?? 90_000;
  const sessions: SessionOutcome[] = [];
  const deadline = Date.now() + (config.waitEerpMs ?? 0);
  const waiting = (): boolean => files.some((f) => f.result.status === 'sent' && !f.result.receipt);

  const matchReceipt = async (r: Eerp | Nerp): Promise<void> => {
    // OFTP 1.3 receipts carry YYMMDD and HHMMSS: compare the part both forms share.
    const f = files.find((x) => x.result.datasetName === r.datasetName && x.result.date.endsWith(r.date) && x.result.time.startsWith(r.time));
    if (!f) return;
    const receipt: NonNullable<FileResult['receipt']> = r.type === 'EERP' ? { type: 'EERP' } : { type: 'NERP', reason: r.reason, text: r.text };
    if (f.outbound.sfid.signedEerp || r.signature.length) {
      // A receipt asked to be signed is proof of delivery only once its signature and hash check out.
      const expected = f.transmittedHash;
      const check = await verifyReceipt(r, config.partnerAckCertPem, expected);
      receipt.signature = check.ok ? { valid: true, detail: `signed by ${check.signer}` } : { valid: false, detail: check.why };
    }
    f.result.receipt = receipt;
  };

  for (let round = 0; ; round++) {
    const pending = files.filter((f) => f.result.status === 'not-sent');
    const offered = new Set<Outbound>();
    const hooks: SessionHooks = {
      verifyResponder(ssid: Ssid) {
        if (ssid.code !== config.partnerCode) return { ok: false, esidReason: 3, text: `expected partner ${config.partnerCode}, it says it is ${ssid.code || '(blank)'}` };
        if (config.partnerPassword !== undefined && ssid.password !== config.partnerPassword) return { ok: false, esidReason: 4, text: `wrong password from ${ssid.code}` };
        return { ok: true };
      },
      async startFile(sfid, info) {
        if (!inbox) return { accept: false, reason: 14, retry: true, text: 'this client does not receive files' };
        return inbox.startFile(sfid, info);
      },
      async receivedReceipt(receipt) {
        await matchReceipt(receipt);
      },
      async nextOutbound(info) {
        if (inbox) {
          for (const r of await inbox.pendingReceipts(info.partner)) {
            if ([...offered].some((o) => (o as { key?: string }).key === r.key)) continue;
            const item = Object.assign({ kind: 'receipt' as const, receipt: await inbox.outgoingReceipt(r.key, r.receipt) }, { key: r.key });
            offered.add(item);
            return item;
          }
        }
        const next = pending.find((f) => !offered.has(f.outbound));
        if (!next) return undefined;
        offered.add(next.outbound);
        return next.outbound;
      },
      async outboundResult(item, result, info) {
        if (item.kind === 'receipt') {
          if (result.status === 'sent' && inbox) await inbox.receiptSent((item as { key?: string }).key!, info.id);
          return;
        }
        const f = files.find((x) => x.outbound === item);
        if (!f) return;
        if (result.status === 'sent') {
          f.result.status = 'sent';
          // The secured copy made for this transfer is no longer needed once accepted; a signed receipt
          // will be checked against its hash, so take that first.
          if (f.outbound.sfid.signedEerp && f.outbound.transmittedPath) f.transmittedHash = await hashTransmitted(f.outbound.transmittedPath, suiteHash(f.outbound.sfid.cipherSuite));
          if (f.outbound.transmittedPath && f.outbound.transmittedPath !== f.result.path) await rm(f.outbound.transmittedPath, { force: true });
        }
        else {
          // Refused for good: the secured copy will not be resent as it is.
          if (f.outbound.transmittedPath && f.outbound.transmittedPath !== f.result.path) await rm(f.outbound.transmittedPath, { force: true });
          f.result.status = 'refused';
          f.result.refusal = { command: result.command, reason: result.reason, retry: result.retry, text: result.text };
        }
      },
    };

    let socket: Socket;
    try {
      const connectTimeout = Math.min(timeoutMs, 30_000);
      socket = config.tls ? await connectTls(config.host, config.port, config.tls, connectTimeout) : await openSocket(config.host, config.port, connectTimeout);
    } catch (e) {
      return { ok: false, files: files.map((f) => f.result), sessions, error: (e as Error).message };
    }
    const session = new OftpSession(socket, {
      id: `C${round + 1}`,
      role: 'initiator',
      localCode: config.localCode,
      localPassword: config.localPassword,
      capabilities,
      timeoutMs,
      trace: config.trace,
      hooks,
      ...(config.secureAuth
        ? {
            secureAuth: {
              keys: { keyPem: config.secureAuth.keyPem, ...(config.secureAuth.passphrase ? { passphrase: config.secureAuth.passphrase } : {}) },
              peerCertPem: () => config.secureAuth!.partnerCertPem,
            },
          }
        : {}),
    });
    const outcome = await session.run();
    sessions.push(outcome);
    config.onSession?.(outcome, round);
    if (!outcome.ok) {
      const error = outcome.error ?? 'session failed';
      return { ok: false, files: files.map((f) => f.result), sessions, error };
    }
    if (!waiting() || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))));
  }

  const results = files.map((f) => f.result);
  const refused = results.filter((r) => r.status !== 'sent');
  const nerps = results.filter((r) => r.receipt?.type === 'NERP');
  const missing = config.waitEerpMs ? results.filter((r) => r.status === 'sent' && !r.receipt) : [];
  const badSignature = results.filter((r) => r.receipt?.signature && !r.receipt.signature.valid);
  let error: string | undefined;
  if (refused.length) {
    const r = refused[0]!;
    error = r.refusal ? `${r.path}: ${r.refusal.command} ${describeReason(r.refusal.command, r.refusal.reason)}${r.refusal.text ? ` (${r.refusal.text})` : ''}` : `${r.path}: not sent`;
  } else if (nerps.length) {
    const r = nerps[0]!;
    error = `${r.path}: NERP ${describeReason('NERP', r.receipt!.reason!)}${r.receipt!.text ? ` (${r.receipt!.text})` : ''}`;
  } else if (badSignature.length) {
    const r = badSignature[0]!;
    error = `${r.path}: ${r.receipt!.type} not accepted as proof of delivery: ${r.receipt!.signature!.detail}`;
  } else if (missing.length) {
    error = `${missing.map((m) => m.path).join(', ')}: no EERP within ${Math.round((config.waitEerpMs ?? 0) / 1000)} s`;
  }
  return { ok: !error, files: results, sessions, ...(error ? { error } : {}) };
}
