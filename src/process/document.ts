// A received file as the process sees it: the stored file plus its document properties (the built-in
// ones from the inbox sidecar and EDI detection, then whatever Set Properties steps add), and the
// `${property}` templates that steps use to build values, messages, folders and file names.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ReceivedFileMeta } from '../oftp/inbox';
import { DETECT_HEAD_SIZE, detectDocument } from './edi';

export interface ProcessDocument {
  /** Stable for the same received file, unique across files. */
  id: string;
  /** Absolute path of the stored (plain) file. */
  path: string;
  /** Built-in properties (see DOCUMENT_PROPERTIES) and those set by steps; absent values are ''. */
  properties: Record<string, string>;
}

/**
 * The document a received file becomes. Every built-in property is present (an unknown value is the
 * empty string) so that templates and conditions behave the same for every file.
 */
export async function documentFromReceived(meta: ReceivedFileMeta, inboxDir: string, context: { partnerName?: string; myCompany: string }): Promise<ProcessDocument> {
  const path = resolve(inboxDir, meta.file);
  const detected = detectDocument(await readHead(path, DETECT_HEAD_SIZE));
  const s = meta.sfid;
  const layers = meta.services ?? [];
  const signedLayer = layers.find((l) => l.kind === 'signed');
  const properties: Record<string, string> = {
    partner: meta.partner,
    'partner.name': context.partnerName ?? '',
    myCompany: context.myCompany,
    session: meta.session,
    virtualFileName: s.datasetName,
    'sfid.datasetName': s.datasetName,
    'sfid.date': s.date,
    'sfid.time': s.time,
    'sfid.originator': s.originator,
    'sfid.destination': s.destination,
    'sfid.userData': s.userData,
    'sfid.format': s.format,
    'sfid.maxRecordLength': String(s.maxRecordLength),
    'sfid.fileSize': String(s.fileSize),
    'sfid.originalSize': String(s.originalFileSize),
    // Two digits as on the wire (SFIDSEC and SFIDCIPH are 9(2)), so conditions compare with '03', '02'.
    'sfid.security': String(s.securityLevel).padStart(2, '0'),
    'sfid.cipherSuite': String(s.cipherSuite).padStart(2, '0'),
    'sfid.compression': String(s.compression),
    'sfid.envelope': String(s.envelope),
    'sfid.signedEerp': s.signedEerp ? 'Y' : 'N',
    'sfid.description': s.description,
    size: String(meta.size),
    sha256: meta.sha256,
    receivedAt: meta.receivedAt,
    fileName: basename(meta.file),
    // The inbox records a layer only once it was undone successfully: a signed layer is a verified one.
    signed: String(signedLayer !== undefined),
    encrypted: String(layers.some((l) => l.kind === 'enveloped')),
    compressed: String(layers.some((l) => l.kind === 'compressed')),
    signer: signedLayer?.signer ?? '',
    'document.standard': detected.standard,
    'document.type': detected.type ?? '',
    'document.version': detected.version ?? '',
    'document.sender': detected.sender ?? '',
    'document.recipient': detected.recipient ?? '',
    'document.controlReference': detected.controlReference ?? '',
  };
  // The same sidecar always gives the same id (re-runs, the debugger); the file's place in the inbox and
  // its arrival time tell apart two files with equal content in one session.
  const digest = createHash('sha256').update(`${meta.file}\n${meta.receivedAt}\n${meta.sha256}`).digest('hex').slice(0, 16);
  return { id: `${meta.session}-${digest}`, path, properties };
}

/** Up to `size` octets from the start of a file (fewer when it is shorter). */
export async function readHead(path: string, size: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export interface RenderOptions {
  /** The clock for `${now:...}` (tests pass a fixed one). */
  now?: Date;
  /** Applied to every substituted value, not to the template's own text (e.g. to defuse path separators). */
  escape?: (value: string) => string;
}

/**
 * Fills a template:
 * - `${name}` is the document property `name`; an unknown property gives '' and is listed in `missing`.
 * - `${now}` is the current time in ISO 8601; `${now:yyyyMMdd-HHmmss}` formats it in local time with the
 *   tokens yyyy, yy, MM, dd, HH, mm, ss, SSS (other characters are kept).
 * - `$${` writes a literal `${` (so `$${name}` gives the text `${name}`); a `${` without its `}` is text.
 */
export function renderTemplate(template: string, properties: Record<string, string>, options: RenderOptions = {}): { text: string; missing: string[] } {
  const missing: string[] = [];
  const escape = options.escape ?? ((v: string) => v);
  const text = template.replace(/\$\$\{|\$\{([^{}]*)\}/g, (_match, inner: string | undefined) => {
    if (inner === undefined) return '${';
    const name = inner.trim();
    if (name === 'now' || name.startsWith('now:')) {
      const now = options.now ?? new Date();
      return escape(name === 'now' ? now.toISOString() : formatDate(now, name.slice(4)));
    }
    if (Object.hasOwn(properties, name)) return escape(properties[name]!);
    if (!missing.includes(name)) missing.push(name);
    return '';
  });
  return { text, missing };
}

function formatDate(d: Date, format: string): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const tokens: Record<string, string> = {
    yyyy: pad(d.getFullYear(), 4),
    yy: pad(d.getFullYear() % 100),
    MM: pad(d.getMonth() + 1),
    dd: pad(d.getDate()),
    HH: pad(d.getHours()),
    mm: pad(d.getMinutes()),
    ss: pad(d.getSeconds()),
    SSS: pad(d.getMilliseconds(), 3),
  };
  return format.replace(/yyyy|yy|MM|dd|HH|mm|ss|SSS/g, (t) => tokens[t]!);
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Makes a string one harmless path component on any OS: no separators, no '..', no leading dot, no
 * control or Windows-forbidden characters, no reserved device name, no trailing dot or blank, at most
 * 200 characters. Letters of any script and blanks inside the name are kept. '' when nothing is left.
 */
export function safePathComponent(untrusted: string): string {
  let s = untrusted
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .replace(/\.{2,}/g, '_')
    .trim()
    .replace(/^\./, '_')
    .replace(/[. ]+$/, '');
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  if (s.length > 200) {
    // Keep a short extension: it usually decides which program opens the file.
    const ext = /\.[A-Za-z0-9]{1,10}$/.exec(s)?.[0] ?? '';
    s = s.slice(0, 200 - ext.length) + ext;
  }
  return s;
}
