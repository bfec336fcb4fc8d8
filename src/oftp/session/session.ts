// One ODETTE-FTP session, for either role (RFC 5024 §9): start-session negotiation, then turns as Speaker
// (send receipts and files, change direction, release) and Listener (accept files, acknowledge receipts),
// with credit, restart and every failure ending in the right ESID. Storage and policy live in the hooks.
import type { Duplex } from 'node:stream';
import { hasFileServices, type Eerp, type FileFormat, type Nerp, type OftpCommand, type Sfid, type Ssid } from '../codec/commands';
import { VirtualFileReader, VirtualFileWriter, type RecordLayout } from '../codec/data';
import { OftpDecodeError, OftpEncodeError } from '../codec/errors';
import { describeReason } from '../codec/reasons';
import type { Tolerance } from '../codec/tolerances';
import { answerChallenge, ChallengeError, makeChallenge, responseMatches, type AuthKeys, type ChallengeCipher } from '../security/auth';
import type { TraceSink } from '../trace';
import { ChannelClosedError, CommandChannel, type Received } from './channel';
import { acceptResponder, answerInitiator, type Capabilities, type SessionParameters } from './negotiate';

export type Role = 'initiator' | 'responder';

/** A file this side wants to send. */
export interface OutboundFile {
  kind: 'file';
  /** Every SFID field but the restart position, which the session fills in. */
  sfid: Omit<Sfid, 'type' | 'restartPosition'>;
  /** Restart position to propose (units of the whole file: records for F/V, 1K blocks for U/T); 0 for none. */
  restartProposal: number;
  recordLayout?: RecordLayout;
  /** The file as it goes on the wire (after any file services): what a signed receipt's hash covers. */
  transmittedPath?: string;
  /** Opens the local file after `units` restart units; `skipped` are the records/octets before that point.
   *  A chunk may be reused by the source once the next one is asked for. */
  open(units: number): Promise<{ chunks: AsyncIterable<Uint8Array>; skipped: { records: number; units: number } }>;
}
export interface OutboundReceipt {
  kind: 'receipt';
  receipt: Eerp | Nerp;
}
export type Outbound = OutboundFile | OutboundReceipt;

export type OutboundResult =
  | { status: 'sent' }
  | { status: 'refused'; command: 'SFNA' | 'EFNA'; reason: number; retry: boolean; text: string };

/** Where an accepted incoming file goes. */
export interface FileSink {
  /** Restart position to answer in SFPA (≤ the SFID's proposal). */
  restartCount: number;
  /** Records and octets already held from an earlier session, for the EFID totals. */
  restartTotals: { records: number; units: number };
  recordLayout?: RecordLayout;
  write(bytes: Buffer): Promise<void>;
  /** The EFID counts matched: make the file final. A failure is answered with EFNA. */
  commit(summary: { recordCount: number; unitCount: number; tolerances: Tolerance[] }): Promise<{ ok: true } | { ok: false; reason: number; text: string }>;
  /** The transfer did not complete: keep what is safely written for a restart, or discard it. */
  abort(keepForRestart: boolean, why: string): Promise<void>;
}

export type FileDecision = { accept: true; sink: FileSink } | { accept: false; reason: number; retry: boolean; text: string };

export interface SessionInfo {
  id: string;
  role: Role;
  /** The partner's Odette ID from its SSID. */
  partner: string;
  params: SessionParameters;
}

/** Whether a partner must, may or must not use secure authentication (SSIDAUTH). */
export type SecureAuthPolicy = 'required' | 'optional' | 'off';

/**
 * The responder's verdict on an initiator's SSID. A server that listens for several processes answers with
 * the identity (our Odette ID, password, challenge key) of the one this partner belongs to.
 */
export type AuthenticateResult =
  | { ok: true; secureAuth?: SecureAuthPolicy; local?: { code: string; password: string; authKeys?: AuthKeys } }
  | { ok: false; esidReason: number; text: string };

export interface SessionHooks {
  /** Responder: is the initiator known and its password right? And its secure-authentication policy. */
  authenticate?(ssid: Ssid): Promise<AuthenticateResult>;
  /** Initiator: is the responder who we expected? */
  verifyResponder?(ssid: Ssid): { ok: true } | { ok: false; esidReason: number; text: string };
  startFile(sfid: Sfid, session: SessionInfo): Promise<FileDecision>;
  receivedReceipt(receipt: Eerp | Nerp, session: SessionInfo): Promise<void>;
  /** What to send next while we are Speaker (receipts first); undefined when nothing is left this session. */
  nextOutbound(session: SessionInfo): Promise<Outbound | undefined>;
  outboundResult(item: Outbound, result: OutboundResult, session: SessionInfo): Promise<void>;
}

export interface SessionConfig {
  id: string;
  role: Role;
  localCode: string;
  localPassword: string;
  capabilities: Capabilities;
  /** Inactivity timeout, ms (default 90 s, as Accord). */
  timeoutMs?: number;
  hooks: SessionHooks;
  trace?: TraceSink;
  /** false: trace only events, not every command (see ChannelOptions.traceCommands). */
  traceCommands?: boolean;
  userData?: string;
  /** Secure authentication: our key for challenges sent to us, and the partner's certificate to challenge it. */
  secureAuth?: { keys?: AuthKeys; peerCertPem: (partner: string) => string | undefined; cipher?: ChallengeCipher };
}

export interface SessionOutcome {
  ok: boolean;
  /** The ESID that ended the session and who sent it; absent when the connection just dropped. */
  esid?: { reason: number; text: string; by: 'us' | 'partner' };
  /** Why it failed, for people. */
  error?: string;
  partner?: string;
  params?: SessionParameters;
  tolerances: Tolerance[];
}

/** Unwinds the session after an ESID was sent or received. */
class SessionEnded extends Error {
  constructor(readonly outcome: SessionOutcome) {
    super(outcome.error ?? 'session ended');
  }
}

export class OftpSession {
  readonly channel: CommandChannel;
  private params: SessionParameters | undefined;
  private partner = '';
  private readonly tolerances: Tolerance[] = [];
  private readonly timeoutMs: number;
  /** Who we are in this session: the configured identity, or the one authenticate chose. */
  private local: { code: string; password: string; authKeys?: AuthKeys };

  constructor(
    socket: Duplex,
    private readonly config: SessionConfig,
  ) {
    this.timeoutMs = config.timeoutMs ?? 90_000;
    this.local = { code: config.localCode, password: config.localPassword, ...(config.secureAuth?.keys ? { authKeys: config.secureAuth.keys } : {}) };
    this.channel = new CommandChannel(socket, { sessionId: config.id, timeoutMs: this.timeoutMs, trace: config.trace, traceCommands: config.traceCommands });
  }

  /** Ends the session from our side at once (server shutdown): ESID with the reason, then disconnect. */
  shutdown(reason: number, text: string): void {
    if (this.channel.closed) return;
    this.channel.send({ type: 'ESID', reason, text: this.channel.level >= 5 ? text : '' }).catch(() => undefined);
    this.event('aborted', `ended locally with ESID ${describeReason('ESID', reason)}: ${text}`, undefined, { kind: 'ESID', code: reason });
    this.channel.fail(new ChannelClosedError('closed', `ended locally: ESID ${describeReason('ESID', reason)} (${text})`));
  }

  get info(): SessionInfo {
    return { id: this.config.id, role: this.config.role, partner: this.partner, params: this.params! };
  }

  private event(command: string, summary: string, detail?: Record<string, unknown>, reason?: { kind: 'ESID' | 'SFNA' | 'EFNA' | 'NERP'; code: number }): void {
    this.channel.trace({
      direction: 'event',
      command,
      summary,
      ...(detail ? { detail } : {}),
      ...(reason ? { reason: { ...reason, text: describeReason(reason.kind, reason.code).slice(3) } } : {}),
    });
  }

  private tolerate(t: Tolerance, why: string): void {
    if (!this.tolerances.includes(t)) this.tolerances.push(t);
    this.event('tolerated', `${t}: ${why}`, { tolerance: t });
  }

  /** Runs the session to its end. Never throws: the outcome says how it ended. */
  async run(): Promise<SessionOutcome> {
    this.event('connected', `${this.config.role} session started`, { role: this.config.role });
    let outcome: SessionOutcome;
    try {
      if (this.config.role === 'responder') {
        await this.startAsResponder();
        outcome = await this.turns('listen', false);
      } else {
        await this.startAsInitiator();
        outcome = await this.turns('speak', false);
      }
    } catch (e) {
      outcome = await this.failed(e);
    }
    await this.channel.close();
    outcome.tolerances = this.tolerances;
    if (this.partner) outcome.partner = this.partner;
    if (this.params) outcome.params = this.params;
    this.event('ended', outcome.ok ? 'session ended normally' : `session failed: ${outcome.error}`, { ok: outcome.ok, ...(outcome.esid ? { esid: outcome.esid } : {}) });
    return outcome;
  }

  /** Turns the failure into an outcome, sending the ESID the RFC asks for when the line is still up. */
  private async failed(e: unknown): Promise<SessionOutcome> {
    if (e instanceof SessionEnded) return e.outcome;
    if (e instanceof ChannelClosedError) {
      if (e.kind === 'timeout') return this.abortQuietly(9, e.message);
      if (e.kind === 'decode' && e.decodeError) return this.abortQuietly(e.decodeError.esidReason, e.decodeError.message);
      return { ok: false, error: e.message, tolerances: [] };
    }
    if (e instanceof OftpDecodeError) return this.abortQuietly(e.esidReason, e.message);
    return this.abortQuietly(99, `internal error: ${(e as Error)?.message ?? String(e)}`);
  }

  private async abortQuietly(reason: number, text: string): Promise<SessionOutcome> {
    try {
      await this.sendEsid(reason, text);
    } catch {
      // The line is gone; the outcome still says why.
    }
    this.event('aborted', `aborted with ESID ${describeReason('ESID', reason)}: ${text}`, undefined, { kind: 'ESID', code: reason });
    return { ok: false, esid: { reason, text, by: 'us' }, error: `we ended the session with ESID ${describeReason('ESID', reason)}: ${text}`, tolerances: [] };
  }

  private async sendEsid(reason: number, text: string): Promise<void> {
    // A 1.x partner gets the short ESID, which has no room for a text.
    const bytesOk = Buffer.byteLength(text, 'utf8') <= 999 ? text : text.slice(0, 300);
    await this.channel.send({ type: 'ESID', reason, text: this.channel.level >= 5 ? bytesOk : '' });
  }

  /** Sends ESID and unwinds. */
  private async abort(reason: number, text: string): Promise<never> {
    const outcome = await this.abortQuietly(reason, text);
    throw new SessionEnded(outcome);
  }

  private partnerEnded(esid: { reason: number; text: string }): never {
    const error = `partner ended the session: ESID ${describeReason('ESID', esid.reason)}${esid.text ? ` (${esid.text})` : ''}`;
    this.event('partner-ended', error, undefined, { kind: 'ESID', code: esid.reason });
    throw new SessionEnded({ ok: esid.reason === 0, esid: { ...esid, by: 'partner' }, ...(esid.reason === 0 ? {} : { error }), tolerances: [] });
  }

  /** Receives the next command; an ESID from the partner ends the session. */
  private async receive(): Promise<Received> {
    const r = await this.channel.receive();
    if (r.tolerances.length) for (const t of r.tolerances) this.tolerate(t, `in ${r.command.type}`);
    return r;
  }

  private async expect<T extends OftpCommand['type']>(type: T, state: string): Promise<Extract<OftpCommand, { type: T }>> {
    const r = await this.receive();
    if (r.command.type === type) return r.command as Extract<OftpCommand, { type: T }>;
    if (r.command.type === 'ESID') this.partnerEnded(r.command);
    return this.abort(2, `${r.command.type} received while waiting for ${type} (${state})`);
  }

  // ------------------------------------------------------------------------------------------------------
  // Start session

  private localSsid(params: { level: number; bufferSize: number; mode: Ssid['mode']; compression: boolean; restart: boolean; credit: number; secureAuthentication: boolean }): Ssid {
    return {
      type: 'SSID',
      level: params.level,
      code: this.local.code,
      password: this.local.password,
      bufferSize: params.bufferSize,
      mode: params.mode,
      compression: params.compression,
      restart: params.restart,
      specialLogic: false,
      credit: params.credit,
      secureAuthentication: params.secureAuthentication,
      userData: this.config.userData ?? '',
    };
  }

  private async startAsResponder(): Promise<void> {
    await this.channel.send({ type: 'SSRM' });
    const ssid = await this.expect('SSID', 'A_NC_ONLY');
    this.partner = ssid.code;
    const auth = this.config.hooks.authenticate ? await this.config.hooks.authenticate(ssid) : { ok: true as const };
    if (!auth.ok) return this.abort(auth.esidReason, auth.text);
    if (auth.local) this.local = { ...this.local, ...auth.local };
    // SSIDAUTH is not negotiated: we answer what the initiator asked if our policy for it allows that.
    const policy: SecureAuthPolicy = auth.secureAuth ?? (this.config.capabilities.secureAuthentication ? 'required' : 'off');
    const wanted = ssid.secureAuthentication;
    if (wanted && policy === 'off') await this.abort(12, `${ssid.code} asks for secure authentication, which is off for it here`);
    if (!wanted && policy === 'required') await this.abort(12, `secure authentication is required for ${ssid.code}`);
    if (wanted && (ssid.level < 5 || !this.config.secureAuth?.peerCertPem(ssid.code))) {
      await this.abort(12, ssid.level < 5 ? 'secure authentication needs OFTP 2.0' : `no session-authentication certificate is configured for ${ssid.code}`);
    }
    const n = answerInitiator(ssid, { ...this.config.capabilities, secureAuthentication: wanted });
    if (!n.ok) return this.abort(n.esidReason, n.text);
    this.params = n.params;
    this.channel.level = n.params.level;
    await this.channel.send(this.localSsid(n.params));
    this.negotiated();
    if (n.params.secureAuthentication) await this.authenticateAsResponder();
  }

  /** Responder side of §4.2.3: challenge the initiator first, then answer its challenge. */
  private async authenticateAsResponder(): Promise<void> {
    await this.expect('SECD', 'WF_SECD');
    await this.challengePeer();
    await this.channel.send({ type: 'SECD' });
    await this.answerPeer();
    this.event('authenticated', `secure authentication with ${this.partner} succeeded both ways`);
  }

  /** Initiator side: answer the responder's challenge, then challenge it. */
  private async authenticateAsInitiator(): Promise<void> {
    await this.channel.send({ type: 'SECD' });
    await this.answerPeer();
    await this.expect('SECD', 'WF_SECD');
    await this.challengePeer();
    this.event('authenticated', `secure authentication with ${this.partner} succeeded both ways`);
  }

  private async challengePeer(): Promise<void> {
    const cert = this.config.secureAuth?.peerCertPem(this.partner);
    if (!cert) return this.abort(12, `no session-authentication certificate is configured for ${this.partner}`);
    const { challenge, expected } = makeChallenge(cert, this.config.secureAuth!.cipher);
    await this.channel.send({ type: 'AUCH', challenge });
    const aurp = await this.expect('AURP', 'WF_AURP');
    if (!responseMatches(expected, aurp.response)) {
      await this.abort(11, `${this.partner}'s response does not match our challenge: it holds a different key than the certificate we have for it`);
    }
  }

  private async answerPeer(): Promise<void> {
    const auch = await this.expect('AUCH', 'WF_AUCH');
    const keys = this.local.authKeys;
    if (!keys) return this.abort(12, 'secure authentication is not configured here');
    let response: Buffer;
    try {
      response = answerChallenge(auch.challenge, keys);
    } catch (e) {
      if (!(e instanceof ChallengeError)) throw e;
      return this.abort(11, `cannot answer ${this.partner}'s challenge: ${e.message}`);
    }
    await this.channel.send({ type: 'AURP', response });
  }

  private async startAsInitiator(): Promise<void> {
    await this.expect('SSRM', 'I_WF_RM');
    const caps = this.config.capabilities;
    await this.channel.send(this.localSsid(caps));
    const answer = await this.expect('SSID', 'I_WF_SSID');
    this.partner = answer.code;
    const who = this.config.hooks.verifyResponder?.(answer) ?? { ok: true as const };
    if (!who.ok) await this.abort(who.esidReason, who.text);
    const n = acceptResponder(caps, answer);
    if (!n.ok) return this.abort(n.esidReason, n.text);
    this.params = n.params;
    this.channel.level = n.params.level;
    this.negotiated();
    if (n.params.secureAuthentication) {
      if (n.params.level < 5) await this.abort(12, 'secure authentication needs OFTP 2.0');
      await this.authenticateAsInitiator();
    }
  }

  private negotiated(): void {
    const p = this.params!;
    this.event('negotiated', `partner ${this.partner}: level ${p.level}, buffer ${p.bufferSize}, credit ${p.credit}, mode ${p.mode}, compression ${p.compression ? 'Y' : 'N'}, restart ${p.restart ? 'Y' : 'N'}`, { partner: this.partner, ...p });
  }

  // ------------------------------------------------------------------------------------------------------
  // Turns

  private async turns(first: 'speak' | 'listen', unsolicitedCd: boolean): Promise<SessionOutcome> {
    let next: 'speak' | 'listen' | 'end' = first;
    let unsolicited = unsolicitedCd;
    let justSentCd = false;
    // Only the partner's ESID(00) leaves this loop; our own release throws SessionEnded.
    while (next !== 'end') {
      if (next === 'speak') {
        next = await this.speak(unsolicited);
        justSentCd = next === 'listen';
      } else {
        const r = await this.listen(justSentCd);
        next = r === 'end' ? 'end' : 'speak';
        unsolicited = r === 'unsolicited-cd';
      }
    }
    return { ok: true, esid: { reason: 0, text: '', by: 'partner' }, tolerances: [] };
  }

  /** Speaker: receipts, then files; then CD, or ESID(00) when the turn came unasked and we had nothing. */
  private async speak(unsolicitedCd: boolean): Promise<'listen' | 'end'> {
    let sentSomething = false;
    for (;;) {
      const item = await this.config.hooks.nextOutbound(this.info);
      if (!item) break;
      if (item.kind === 'receipt') {
        if (item.receipt.type === 'NERP' && this.channel.level < 4) {
          await this.config.hooks.outboundResult(item, { status: 'refused', command: 'SFNA', reason: 99, retry: true, text: 'NERP needs OFTP 1.4 or later' }, this.info);
          continue;
        }
        try {
          await this.channel.send(item.receipt);
        } catch (e) {
          if (!(e instanceof OftpEncodeError)) throw e;
          // A receipt we cannot encode must not block every later session of this partner.
          this.event('receipt-failed', `${item.receipt.type} for ${item.receipt.datasetName} cannot be sent: ${e.message}`);
          await this.config.hooks.outboundResult(item, { status: 'refused', command: 'SFNA', reason: 99, retry: false, text: e.message }, this.info);
          continue;
        }
        await this.expect('RTR', 'WF_RTR');
        this.event('receipt-sent', `${item.receipt.type} for ${item.receipt.datasetName} ${item.receipt.date} ${item.receipt.time} to ${item.receipt.destination}`, { datasetName: item.receipt.datasetName, type: item.receipt.type });
        sentSomething = true;
        await this.config.hooks.outboundResult(item, { status: 'sent' }, this.info);
        continue;
      }
      if (this.params!.mode === 'R') {
        await this.config.hooks.outboundResult(item, { status: 'refused', command: 'SFNA', reason: 14, retry: true, text: 'session is receive-only for us' }, this.info);
        continue;
      }
      sentSomething = true;
      const wantsTurn = await this.sendFile(item);
      if (wantsTurn) {
        await this.channel.send({ type: 'CD' });
        return 'listen';
      }
    }
    if (unsolicitedCd && !sentSomething) {
      await this.channel.send({ type: 'ESID', reason: 0, text: '' });
      this.event('released', 'nothing more to send either way: normal end of session');
      throw new SessionEnded({ ok: true, esid: { reason: 0, text: '', by: 'us' }, tolerances: [] });
    }
    await this.channel.send({ type: 'CD' });
    return 'listen';
  }

  /** Listener: until the partner hands over the turn (CD) or ends the session. */
  private async listen(justSentCd: boolean): Promise<'unsolicited-cd' | 'solicited-cd' | 'end'> {
    let idleAfterCd = justSentCd;
    for (;;) {
      const r = await this.receive();
      const c = r.command;
      switch (c.type) {
        case 'SFID': {
          const wantTurn = await this.receiveFile(c);
          idleAfterCd = false;
          if (wantTurn) {
            await this.expect('CD', 'WF_CD');
            return 'solicited-cd';
          }
          break;
        }
        case 'EERP':
        case 'NERP':
          this.event('receipt-received', `${c.type} for ${c.datasetName} ${c.date} ${c.time} from ${c.originator}${c.type === 'NERP' ? `: ${describeReason('NERP', c.reason)}${c.text ? ` (${c.text})` : ''}` : ''}`, { datasetName: c.datasetName, type: c.type }, c.type === 'NERP' ? { kind: 'NERP', code: c.reason } : undefined);
          await this.config.hooks.receivedReceipt(c, this.info);
          await this.channel.send({ type: 'RTR' });
          idleAfterCd = false;
          break;
        case 'CD':
          if (idleAfterCd) {
            // RFC 5024 §3.3.4: a Speaker that got an unsolicited CD must not answer with CD.
            await this.abort(2, 'CD received right after we sent CD: the partner must send something or end the session');
          }
          return 'unsolicited-cd';
        case 'ESID':
          if (c.reason === 0) {
            if (!idleAfterCd) this.tolerate('esid-without-cd', 'partner ended with ESID 00 while holding the turn, without CD');
            this.event('partner-ended', 'partner ended the session normally', undefined, { kind: 'ESID', code: 0 });
            return 'end';
          }
          return this.partnerEnded(c);
        default:
          return this.abort(2, `${c.type} is not valid while we are Listener`);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // Files

  /** Receives one file after its SFID; returns true when we answered EFPA with a change-direction request. */
  private async receiveFile(sfid: Sfid): Promise<boolean> {
    const p = this.params!;
    if (p.mode === 'S') await this.abort(2, 'SFID received but this session is send-only for us');
    if (sfid.restartPosition > 0 && !p.restart) await this.abort(2, `SFID asks to restart at ${sfid.restartPosition} but restart was not negotiated`);
    const decision = await this.config.hooks.startFile(sfid, this.info);
    if (!decision.accept) {
      await this.channel.send({ type: 'SFNA', reason: decision.reason, retry: decision.retry, text: this.channel.level >= 5 ? decision.text : '' });
      this.event('file-refused', `${sfid.datasetName}: SFNA ${describeReason('SFNA', decision.reason)}${decision.text ? ` (${decision.text})` : ''}`, { datasetName: sfid.datasetName }, { kind: 'SFNA', code: decision.reason });
      return false;
    }
    const sink = decision.sink;
    const restartCount = p.restart ? Math.min(sink.restartCount, sfid.restartPosition) : 0;
    const format: FileFormat = hasFileServices(sfid) ? 'U' : sfid.format;
    const reader = new VirtualFileReader({ format, maxRecordLength: format === 'F' || format === 'V' ? sfid.maxRecordLength : 0, recordLayout: format === 'V' ? sink.recordLayout : undefined });
    let done = false;
    try {
      await this.channel.send({ type: 'SFPA', restartCount });
      const window = p.credit;
      let credit = window;
      let dataError: OftpDecodeError | undefined;
      for (;;) {
        const r = await this.receive();
        const c = r.command;
        if (c.type === 'DATA') {
          if (credit === 0) await this.abort(2, `DATA beyond the credit window of ${window}`);
          if (r.raw.length > p.bufferSize) {
            if (r.raw.length === p.bufferSize + 1) this.tolerate('data-buffer-one-over', `DATA buffer of ${r.raw.length} octets, ${p.bufferSize} negotiated`);
            else await this.abort(7, `DATA buffer of ${r.raw.length} octets, negotiated ${p.bufferSize}`);
          }
          if (!dataError) {
            try {
              // The DATA buffer is ours and used once: the reader may compact it in place.
              const bytes = reader.push(c.payload, { reuse: true });
              if (bytes.length) await sink.write(bytes);
            } catch (e) {
              if (!(e instanceof OftpDecodeError)) throw e;
              dataError = e;
              this.event('data-error', `${sfid.datasetName}: ${e.message}; the file will be refused at EFID`);
            }
          }
          credit--;
          if (credit === 0) {
            await this.channel.send({ type: 'CDT' });
            credit = window;
          }
          continue;
        }
        if (c.type === 'EFID') {
          let refusal: { reason: number; text: string } | undefined;
          if (!dataError) {
            try {
              const tail = reader.finish();
              if (tail.length) await sink.write(tail);
            } catch (e) {
              if (!(e instanceof OftpDecodeError)) throw e;
              dataError = e;
            }
          }
          if (dataError) refusal = { reason: dataError.answerReason ?? 12, text: dataError.message };
          refusal ??= reader.checkEfid(c, sink.restartTotals);
          for (const t of reader.tolerances) this.tolerate(t, `in ${sfid.datasetName}`);
          if (!refusal) {
            const committed = await sink.commit({ recordCount: c.recordCount, unitCount: c.unitCount, tolerances: reader.tolerances });
            if (!committed.ok) refusal = committed;
          } else {
            await sink.abort(false, refusal.text);
          }
          done = true;
          if (refusal) {
            await this.channel.send({ type: 'EFNA', reason: refusal.reason, text: this.channel.level >= 5 ? refusal.text : '' });
            this.event('file-refused', `${sfid.datasetName}: EFNA ${describeReason('EFNA', refusal.reason)} (${refusal.text})`, { datasetName: sfid.datasetName }, { kind: 'EFNA', code: refusal.reason });
            return false;
          }
          await this.channel.send({ type: 'EFPA', changeDirection: false });
          this.event('file-received', `${sfid.datasetName}: ${c.unitCount} octets${c.recordCount ? `, ${c.recordCount} records` : ''}`, { datasetName: sfid.datasetName, date: sfid.date, time: sfid.time, originator: sfid.originator, units: c.unitCount, records: c.recordCount, restartCount });
          return false;
        }
        if (c.type === 'ESID') this.partnerEnded(c);
        await this.abort(2, `${c.type} received during a file transfer`);
      }
    } finally {
      if (!done) await sink.abort(true, 'transfer interrupted');
    }
  }

  /** Sends one file; returns true when the listener asked for the turn (EFPA with CD=Y). */
  private async sendFile(item: OutboundFile): Promise<boolean> {
    const p = this.params!;
    const proposal = p.restart ? item.restartProposal : 0;
    const sfid: Sfid = { type: 'SFID', ...item.sfid, restartPosition: proposal };
    if (this.channel.level < 5) {
      if (hasFileServices(sfid) || sfid.fileSize > 9_999_999) {
        const text = hasFileServices(sfid)
          ? `${sfid.datasetName} needs OFTP 2.0 file services; the partner speaks level ${this.channel.level}`
          : `${sfid.datasetName} is too large for OFTP 1.x size fields`;
        this.event('file-refused', text, { datasetName: sfid.datasetName });
        await this.config.hooks.outboundResult(item, { status: 'refused', command: 'SFNA', reason: 99, retry: false, text }, this.info);
        return false;
      }
      // OFTP 1.x has no description, no original size, and OFTP 1.3 has 6-digit dates and times.
      Object.assign(sfid, { description: '', originalFileSize: 0, cipherSuite: 0, signedEerp: false });
      if (this.channel.level < 4) Object.assign(sfid, { date: sfid.date.slice(-6), time: sfid.time.slice(0, 6) });
    }
    await this.channel.send(sfid);
    const answer = await this.receive();
    if (answer.command.type === 'SFNA') {
      const a = answer.command;
      this.event('file-refused', `${sfid.datasetName}: partner answered SFNA ${describeReason('SFNA', a.reason)}, retry ${a.retry ? 'Y' : 'N'}${a.text ? ` (${a.text})` : ''}`, { datasetName: sfid.datasetName }, { kind: 'SFNA', code: a.reason });
      await this.config.hooks.outboundResult(item, { status: 'refused', command: 'SFNA', reason: a.reason, retry: a.retry, text: a.text }, this.info);
      return false;
    }
    if (answer.command.type === 'ESID') this.partnerEnded(answer.command);
    if (answer.command.type !== 'SFPA') return this.abort(2, `${answer.command.type} received while waiting for SFPA or SFNA (OPOP)`);
    const count = answer.command.restartCount;
    if (count > proposal) await this.abort(2, `SFPA restart count ${count} is more than the ${proposal} proposed`);
    if (count > 0) this.event('restart', `${sfid.datasetName}: partner already has ${count} ${sfid.format === 'F' || sfid.format === 'V' ? 'records' : 'KiB'}; resuming`, { datasetName: sfid.datasetName, restartCount: count });
    const format: FileFormat = hasFileServices(sfid) ? 'U' : sfid.format;
    const { chunks, skipped } = await item.open(count);
    const writer = new VirtualFileWriter({
      format,
      maxRecordLength: format === 'F' || format === 'V' ? sfid.maxRecordLength : 0,
      recordLayout: format === 'V' ? item.recordLayout : undefined,
      bufferSize: p.bufferSize,
      compression: p.compression,
    });
    const window = p.credit;
    let credit = window;
    const waitCredit = async (): Promise<void> => {
      await this.expect('CDT', 'OPOWFC');
      credit = window;
    };
    const sendData = async (buf: Buffer): Promise<void> => {
      if (credit === 0) await waitCredit();
      // Once written, the buffer's memory goes back to the packer for a later DATA buffer.
      await this.channel.sendBuffer({ type: 'DATA', payload: buf.subarray(1) }, buf, undefined, () => writer.recycle(buf));
      credit--;
    };
    for await (const chunk of chunks) for (const buf of writer.write(chunk)) await sendData(buf);
    for (const buf of writer.end()) await sendData(buf);
    // EFID may not be sent while waiting for credit (state OPOWFC).
    if (credit === 0) await waitCredit();
    const counts = writer.counts;
    const efid = { type: 'EFID' as const, recordCount: counts.recordCount + (format === 'F' || format === 'V' ? skipped.records : 0), unitCount: counts.unitCount + skipped.units };
    await this.channel.send(efid);
    const end = await this.receive();
    if (end.command.type === 'EFPA') {
      this.event('file-sent', `${sfid.datasetName}: ${efid.unitCount} octets accepted`, { datasetName: sfid.datasetName, units: efid.unitCount, records: efid.recordCount, restartCount: count });
      await this.config.hooks.outboundResult(item, { status: 'sent' }, this.info);
      return end.command.changeDirection;
    }
    if (end.command.type === 'EFNA') {
      const a = end.command;
      this.event('file-refused', `${sfid.datasetName}: partner answered EFNA ${describeReason('EFNA', a.reason)}${a.text ? ` (${a.text})` : ''}`, { datasetName: sfid.datasetName }, { kind: 'EFNA', code: a.reason });
      await this.config.hooks.outboundResult(item, { status: 'refused', command: 'EFNA', reason: a.reason, retry: false, text: a.text }, this.info);
      return false;
    }
    if (end.command.type === 'ESID') this.partnerEnded(end.command);
    return this.abort(2, `${end.command.type} received while waiting for EFPA or EFNA (CLOP)`);
  }
}
