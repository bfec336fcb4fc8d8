// A scripted OFTP peer for tests: a raw TCP connection that sends exactly the bytes a test gives it and
// decodes what comes back, so tests can play partners that bend or break the rules.
import { connect, type Socket } from 'node:net';
import { decodeCommand, encodeCommand, type OftpCommand } from '../../src/oftp/codec/commands';
import { encodeStb, StbParser } from '../../src/oftp/codec/stb';

export class ScriptedPeer {
  private readonly parser = new StbParser();
  private readonly inbox: Buffer[] = [];
  private waiting: ((b: Buffer | undefined) => void) | undefined;
  private ended = false;
  level = 5;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => this.parser.push(d, (buf) => this.deliver(Buffer.from(buf))));
    socket.on('close', () => {
      this.ended = true;
      this.waiting?.(undefined);
    });
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number): Promise<ScriptedPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(new ScriptedPeer(s)));
      s.once('error', reject);
    });
  }

  private deliver(b: Buffer): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w(b);
    } else this.inbox.push(b);
  }

  /** The next exchange buffer from the other side, or undefined once the connection is closed. */
  nextRaw(timeoutMs = 10000): Promise<Buffer | undefined> {
    const b = this.inbox.shift();
    if (b) return Promise.resolve(b);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`nothing received within ${timeoutMs} ms`)), timeoutMs);
      this.waiting = (v) => {
        clearTimeout(t);
        resolve(v);
      };
    });
  }

  async next(timeoutMs?: number): Promise<OftpCommand | undefined> {
    const raw = await this.nextRaw(timeoutMs);
    return raw && decodeCommand(raw, { level: this.level }).command;
  }

  async expect<T extends OftpCommand['type']>(type: T, timeoutMs?: number): Promise<Extract<OftpCommand, { type: T }>> {
    const c = await this.next(timeoutMs);
    if (c?.type !== type) throw new Error(`expected ${type}, got ${c ? JSON.stringify(c) : 'connection closed'}`);
    return c as Extract<OftpCommand, { type: T }>;
  }

  sendRaw(exchangeBuffer: Buffer): void {
    this.socket.write(encodeStb(exchangeBuffer));
  }

  send(command: OftpCommand): void {
    this.sendRaw(encodeCommand(command, { level: this.level }));
  }

  /** Resolves when the other side has closed the connection. */
  closed(timeoutMs = 10000): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('connection still open')), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** An initiator SSID with sensible defaults. */
export function ssid(code: string, password: string, over: Partial<Extract<OftpCommand, { type: 'SSID' }>> = {}): Extract<OftpCommand, { type: 'SSID' }> {
  return { type: 'SSID', level: 5, code, password, bufferSize: 4096, mode: 'S', compression: false, restart: false, specialLogic: false, credit: 10, secureAuthentication: false, userData: '', ...over };
}
