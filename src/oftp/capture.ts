// Reads one side of a captured OFTP stream from a file: raw binary (e.g. Wireshark "Follow TCP Stream" saved
// as Raw) or a hex dump (plain hex, xxd, hexdump -C, od -x1 / Wireshark hex dump layouts).

export type CaptureFormat = 'binary' | 'hex';

export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
}

/** True when the bytes look like text (printable ASCII and whitespace only): then they are a hex dump. */
export function looksLikeText(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

const XXD = /^\s*[0-9a-fA-F]{4,16}:\s(.*)$/;
const HEXDUMP_C = /^\s*[0-9a-fA-F]{4,16}\s+((?:[0-9a-fA-F]{2}\s+)*[0-9a-fA-F]{2})\s+\|.*\|\s*$/;
const OFFSET_BYTES = /^\s*[0-9a-fA-F]{4,16}\s+((?:[0-9a-fA-F]{2}(?:\s+|$))+)/;

/** Parses a hex dump into bytes; a line it cannot read is an error naming the line. */
export function parseHexDump(text: string): Buffer {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/(#|\/\/).*$/, '').trimEnd();
    if (!line.trim()) return;
    let hex: string;
    let m: RegExpMatchArray | null;
    if ((m = XXD.exec(line))) hex = m[1]!.split(/\s{2,}/)[0]!;
    else if ((m = HEXDUMP_C.exec(line))) hex = m[1]!;
    else if ((m = OFFSET_BYTES.exec(line)) && /\s/.test(line.trim())) hex = m[1]!;
    else hex = line;
    hex = hex.replace(/0x/gi, '').replace(/[\s,:]/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) {
      throw new CaptureFormatError(`line ${index + 1}: not a hex dump: ${JSON.stringify(raw.slice(0, 60))}`);
    }
    if (hex.length % 2 !== 0) throw new CaptureFormatError(`line ${index + 1}: odd number of hex digits`);
    out.push(hex);
  });
  return Buffer.from(out.join(''), 'hex');
}

/** Decides the format (unless given) and returns the stream's bytes. */
export function readCapture(bytes: Buffer, format?: CaptureFormat): { data: Buffer; format: CaptureFormat } {
  const f = format ?? (bytes.length > 0 && looksLikeText(bytes) ? 'hex' : 'binary');
  return { data: f === 'hex' ? parseHexDump(bytes.toString('latin1')) : bytes, format: f };
}
