// The command channel of one session: frames and decodes commands on a socket, queues what arrives (pausing
// the socket when the queue is long, so a fast peer cannot fill memory), writes with backpressure, runs the
// inactivity timer, and traces every command both ways.
import type { Duplex } from 'node:stream';
import { decodeCommand, encodeCommand, OFTP2_LEVEL, type DecodedCommand, type OftpCommand } from '../codec/commands';
import { OftpDecodeError } from '../codec/errors';
import type { FieldInfo } from '../codec/fields';
import { StbParser, STH_LENGTH } from '../codec/stb';
import type { Tolerance } from '../codec/tolerances';
import { commandRecord, type TraceRecord, type TraceSink } from '../trace';

/** Why a receive or a send could not complete. */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
  constructor(
    readonly kind: 'timeout' | 'closed' | 'decode',
    message: string,
    readonly decodeError?: OftpDecodeError,
  ) {
    super(message);
  }
}

export interface Received {
  command: OftpCommand;
  raw: Buffer;
  fields: FieldInfo[];
  tolerances: Tolerance[];
}

export interface ChannelOptions {
  sessionId: string;
  /** Inactivity timeout in milliseconds: nothing received or written for this long aborts the session. */
  timeoutMs: number;
  trace?: TraceSink;
  /** Trace every command (default), or only the session's events (cheaper: no record per DATA buffer). */
  traceCommands?: boolean;
}

const HIGH_WATER = 4 * 1024 * 1024;

export class CommandChannel {
  /** Negotiated protocol level: selects the 1.x or 2.0 layouts for everything after the SSIDs. */
  level = OFTP2_LEVEL;
  private readonly parser = new StbParser();
  private readonly queue: Received[] = [];
  private queuedBytes = 0;
  private waiter: { resolve: (r: Received) => void; reject: (e: Error) => void } | undefined;
  private failure: ChannelClosedError | undefined;
  private lastActivity = Date.now();
  private readonly timer: NodeJS.Timeout;
  private paused = false;
  private drainWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(
    readonly socket: Duplex,
    private readonly options: ChannelOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.fail(new ChannelClosedError('closed', 'the partner closed the connection')));
    socket.on('close', () => this.fail(new ChannelClosedError('closed', 'the connection closed')));
    socket.on('error', (e) => this.fail(new ChannelClosedError('closed', `connection error: ${e.message}`)));
    socket.on('drain', () => {
      this.touch();
      for (const w of this.drainWaiters.splice(0)) w.resolve();
    });
    const tick = Math.max(50, Math.min(1000, Math.floor(options.timeoutMs / 4)));
    this.timer = setInterval(() => {
      if (Date.now() - this.lastActivity >= this.options.timeoutMs) {
        this.fail(new ChannelClosedError('timeout', `no activity for ${Math.round(this.options.timeoutMs / 1000)} s (inactivity timeout)`));
      }
    }, tick);
    this.timer.unref();
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  get sessionId(): string {
    return this.options.sessionId;
  }

  trace(record: Omit<TraceRecord, 'time' | 'session'> & Partial<Pick<TraceRecord, 'time' | 'session'>>): void {
    this.options.trace?.({ time: new Date().toISOString(), session: this.options.sessionId, ...record });
  }

  touch(): void {
    this.lastActivity = Date.now();
  }

  private onData(chunk: Buffer): void {
    this.touch();
    if (this.failure) return;
    try {
      // Socket chunks are fresh buffers that Node never reuses, so frames can keep pointing into them.
      this.parser.push(chunk, (raw) => {
        let decoded: DecodedCommand;
        try {
          decoded = decodeCommand(raw, { level: this.level });
        } catch (e) {
          if (e instanceof OftpDecodeError) {
            this.trace({ direction: 'in', command: raw.length ? String.fromCharCode(raw[0]!) : '?', summary: `malformed: ${e.message}`, raw: raw.subarray(0, 256).toString('hex'), length: raw.length });
          }
          throw e;
        }
        const received: Received = { command: decoded.command, raw, fields: decoded.fields, tolerances: decoded.tolerances };
        if (this.options.trace && this.options.traceCommands !== false) this.options.trace(commandRecord(this.options.sessionId, 'in', decoded.command, raw, decoded.fields, decoded.tolerances));
        this.deliver(received);
      });
    } catch (e) {
      if (e instanceof OftpDecodeError) this.fail(new ChannelClosedError('decode', e.message, e));
      else throw e;
    }
  }

  private deliver(r: Received): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(r);
      return;
    }
    this.queue.push(r);
    this.queuedBytes += r.raw.length;
    if (this.queuedBytes > HIGH_WATER && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** The next command from the partner. Rejects with ChannelClosedError on timeout, close or bad input. */
  receive(): Promise<Received> {
    // Every receive is a new state for the RFC's inactivity timer.
    this.touch();
    const next = this.queue.shift();
    if (next) {
      this.queuedBytes -= next.raw.length;
      if (this.paused && this.queuedBytes < HIGH_WATER / 2) {
        this.paused = false;
        this.socket.resume();
      }
      return Promise.resolve(next);
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Encodes, frames and writes a command. Resolves once the socket can take more (backpressure). */
  async send(command: OftpCommand): Promise<void> {
    const buf = encodeCommand(command, { level: this.level });
    await this.sendBuffer(command, buf);
  }

  /**
   * Writes an exchange buffer that is already encoded (DATA from the packer). `written` is called once the
   * socket no longer needs `buf`, so its memory can be reused.
   */
  async sendBuffer(command: OftpCommand, buf: Buffer, fields?: FieldInfo[], written?: () => void): Promise<void> {
    // After a timeout or bad input the line is still up, and the ESID saying why must still go out.
    if (this.socket.destroyed || !this.socket.writable) throw this.failure ?? new ChannelClosedError('closed', 'the connection is closed');
    if (this.options.trace && this.options.traceCommands !== false) {
      const f = fields ?? (command.type === 'DATA' ? [] : decodeCommand(buf, { level: this.level }).fields);
      this.options.trace(commandRecord(this.options.sessionId, 'out', command, buf, f));
    }
    const header = Buffer.allocUnsafe(STH_LENGTH);
    header.writeUInt32BE(0x10000000 | (buf.length + STH_LENGTH), 0);
    this.socket.cork();
    this.socket.write(header);
    const ok = written ? this.socket.write(buf, (e) => e || written()) : this.socket.write(buf);
    this.socket.uncork();
    this.touch();
    if (!ok && !this.failure) await this.drain();
  }

  private drain(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  /** Ends the channel: stops the timer, fails pending waits. */
  fail(error: ChannelClosedError): void {
    if (this.failure) return;
    this.failure = error;
    clearInterval(this.timer);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(error);
    }
    for (const w of this.drainWaiters.splice(0)) w.reject(error);
  }

  /** Half-closes after the last command, then destroys the socket if the partner does not close. */
  close(graceMs = 2000): Promise<void> {
    this.fail(new ChannelClosedError('closed', 'session ended'));
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      const t = setTimeout(() => {
        this.socket.destroy();
      }, graceMs);
      t.unref();
      this.socket.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      this.socket.end();
    });
  }

  get failureReason(): ChannelClosedError | undefined {
    return this.failure;
  }
}
