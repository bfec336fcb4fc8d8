// Decodes one direction of an OFTP byte stream into commands: framing, the level each command is read at
// (taken from the SSID seen unless fixed), and the virtual files carried by DATA with their EFID check.
import { decodeCommand, hasFileServices, OFTP2_LEVEL, type DecodedCommand, type Sfid } from './codec/commands';
import { VirtualFileReader } from './codec/data';
import { OftpDecodeError } from './codec/errors';
import { StbParser, STH_LENGTH } from './codec/stb';
import type { Tolerance } from './codec/tolerances';

export interface StreamEntry {
  /** 1-based position of the command in the stream. */
  index: number;
  /** Offset of the Stream Transmission Header in the stream. */
  streamOffset: number;
  /** The exchange buffer (without header); a copy, safe to keep. */
  exchangeBuffer: Buffer;
  /** Protocol level the command was decoded at. */
  level: number;
  decoded: DecodedCommand;
  /** Tolerances of the frame and the command together. */
  tolerances: Tolerance[];
  /** For EFID: whether its counts match the DATA that came before it. */
  efidCheck?: { ok: boolean; text: string };
}

export interface StreamDecoderOptions {
  /** Level to decode at; by default the SSID seen in the stream decides (OFTP 2.0 until then). */
  level?: number;
  /** Receives the virtual file content rebuilt from DATA buffers, per SFID. */
  onFileData?: (sfid: Sfid, bytes: Buffer, fileIndex: number) => void;
}

export class OftpStreamDecoder {
  private readonly parser = new StbParser();
  private level: number;
  private readonly fixedLevel: boolean;
  private index = 0;
  private file: { sfid: Sfid; reader: VirtualFileReader; index: number } | undefined;
  private files = 0;

  constructor(private readonly options: StreamDecoderOptions = {}) {
    this.level = options.level ?? OFTP2_LEVEL;
    this.fixedLevel = options.level !== undefined;
  }

  /**
   * Decodes every complete command in the chunk, handing each to `onEntry` as soon as it is decoded, so
   * what came before a malformed command is still seen. Throws OftpDecodeError on malformed input.
   */
  push(chunk: Uint8Array, onEntry: (entry: StreamEntry) => void): void {
    this.parser.push(chunk, (buf, info) => {
      const exchangeBuffer = Buffer.from(buf);
      let decoded: DecodedCommand;
      try {
        decoded = decodeCommand(exchangeBuffer, { level: this.level });
      } catch (e) {
        if (e instanceof OftpDecodeError) e.streamOffset = info.streamOffset + STH_LENGTH + e.offset;
        throw e;
      }
      const entry: StreamEntry = {
        index: ++this.index,
        streamOffset: info.streamOffset,
        exchangeBuffer,
        level: this.level,
        decoded,
        tolerances: [...info.tolerances, ...decoded.tolerances],
      };
      try {
        this.follow(entry);
      } catch (e) {
        // DATA content errors carry offsets within the payload, after the 'D'.
        if (e instanceof OftpDecodeError) e.streamOffset = info.streamOffset + STH_LENGTH + 1 + e.offset;
        throw e;
      }
      onEntry(entry);
    });
  }

  end(): void {
    this.parser.end();
  }

  private follow(entry: StreamEntry): void {
    const c = entry.decoded.command;
    switch (c.type) {
      case 'SSID':
        if (!this.fixedLevel) this.level = Math.min(c.level, OFTP2_LEVEL);
        break;
      case 'SFID': {
        const format = hasFileServices(c) ? 'U' : c.format;
        this.file = {
          sfid: c,
          reader: new VirtualFileReader({ format, maxRecordLength: format === 'F' || format === 'V' ? c.maxRecordLength : 0 }),
          index: ++this.files,
        };
        break;
      }
      case 'DATA':
        if (this.file) {
          const bytes = this.file.reader.push(c.payload);
          if (bytes.length) this.options.onFileData?.(this.file.sfid, bytes, this.file.index);
          entry.tolerances.push(...this.file.reader.tolerances.filter((t) => !entry.tolerances.includes(t)));
        }
        break;
      case 'EFID':
        if (this.file) {
          const tail = this.file.reader.finish();
          if (tail.length) this.options.onFileData?.(this.file.sfid, tail, this.file.index);
          if (this.file.sfid.restartPosition > 0) {
            entry.efidCheck = { ok: true, text: 'restarted transfer: counts cover data from an earlier session, not checked' };
          } else {
            const mismatch = this.file.reader.checkEfid(c);
            entry.efidCheck = mismatch
              ? { ok: false, text: `${mismatch.text} (the receiver should answer EFNA ${String(mismatch.reason).padStart(2, '0')})` }
              : { ok: true, text: 'counts match the data received' };
          }
          this.file = undefined;
        }
        break;
      default:
        break;
    }
  }
}
