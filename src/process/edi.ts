// Recognises what kind of EDI document a received file holds (EDIFACT, ODETTE, ANSI X12 or a VDA flat
// file) from its first bytes, and reads the interchange header fields routing needs. Best effort and
// total: anything it does not recognise is 'unknown', and it never throws.

export type DetectedStandard = 'EDIFACT' | 'ODETTE' | 'X12' | 'VDA' | 'unknown';

export interface DetectedDocument {
  standard: DetectedStandard;
  /** Message type: DELFOR, INVOIC, 810, VDA4905... */
  type?: string;
  /** EDIFACT version:release (D:96A), X12 GS08 (004010), VDA record version (01). */
  version?: string;
  sender?: string;
  recipient?: string;
  /** UNB interchange control reference, ISA13, or the VDA transmission number. */
  controlReference?: string;
}

/** How much of a file detection looks at; callers read this much and pass it in. */
export const DETECT_HEAD_SIZE = 64 * 1024;

const UNKNOWN: DetectedDocument = { standard: 'unknown' };

/**
 * Message types published by ODETTE itself (the pre-EDIFACT ODETTE messages). Only ones whose names are
 * not also UN/EDIFACT messages, so that a UN message is never mistaken for ODETTE.
 */
const ODETTE_MESSAGE_TYPES = new Set(['DELINS', 'CALDEL', 'AVIEXP', 'KANBAN', 'SYNCRO', 'SYNPAC']);

export function detectDocument(head: Buffer): DetectedDocument {
  try {
    // latin1 maps every octet to one character, so binary garbage cannot make decoding throw and the
    // ISA's fixed positions stay positions; header fields are ASCII in all these syntaxes anyway.
    let text = head.subarray(0, DETECT_HEAD_SIZE).toString('latin1');
    if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
    text = text.replace(/^[\s\u0000]+/, '');
    if (text.length < 3) return UNKNOWN;
    const tag = text.slice(0, 3);
    if (tag === 'UNA' || tag === 'UNB' || (tag === 'UNH' && /^UNH\W/.test(text))) return detectEdifact(text);
    if (tag === 'ISA') return detectX12(text);
    return detectVda(text);
  } catch {
    return UNKNOWN;
  }
}

// ---------------------------------------------------------------------------------------------- EDIFACT

interface EdifactSyntax {
  component: string;
  element: string;
  /** Empty when the interchange declares no release character. */
  release: string;
  terminator: string;
}

function detectEdifact(text: string): DetectedDocument {
  // ISO 9735 defaults; a UNA overrides every one of them for the rest of the interchange.
  const syntax: EdifactSyntax = { component: ':', element: '+', release: '?', terminator: "'" };
  let body = text;
  if (text.startsWith('UNA')) {
    if (text.length < 9) return UNKNOWN;
    // UNA1 component, UNA2 element, UNA3 decimal mark, UNA4 release, UNA5 reserved, UNA6 terminator.
    syntax.component = text[3]!;
    syntax.element = text[4]!;
    // A space in UNA4 means the interchange uses no release character (ISO 9735-1 §10).
    syntax.release = text[6] === ' ' ? '' : text[6]!;
    syntax.terminator = text[8]!;
    const seps = [syntax.component, syntax.element, syntax.terminator];
    if (new Set(seps).size !== 3 || seps.some((c) => /[A-Za-z0-9]/.test(c))) return UNKNOWN;
    body = text.slice(9);
  }
  const segments = edifactSegments(body, syntax, 50);
  const unb = segments.find((s) => s.tag === 'UNB');
  const unh = segments.find((s) => s.tag === 'UNH');
  // Both must be real segments: the first one has to be the interchange or message header.
  if (!segments.length || (segments[0]!.tag !== 'UNB' && segments[0]!.tag !== 'UNH')) return UNKNOWN;
  // The syntax identifier is four letters (UNOA..UNOY, or a private one such as IATB).
  if (unb && !/^[A-Z]{4}$/.test(unb.elements[0]?.[0] ?? '')) return UNKNOWN;
  const out: DetectedDocument = { standard: 'EDIFACT' };
  if (unb) {
    setIf(out, 'sender', unb.elements[1]?.[0]);
    setIf(out, 'recipient', unb.elements[2]?.[0]);
    setIf(out, 'controlReference', unb.elements[4]?.[0]);
  }
  if (unh) {
    // UNH+reference+type:version:release:agency
    const id = unh.elements[1] ?? [];
    setIf(out, 'type', id[0]);
    const version = [id[1], id[2]].filter((v) => v !== undefined && v !== '').join(':');
    setIf(out, 'version', version);
    const agency = (id[3] ?? '').toUpperCase();
    if (agency === 'OD' || ODETTE_MESSAGE_TYPES.has((id[0] ?? '').toUpperCase())) out.standard = 'ODETTE';
  }
  return out;
}

interface EdifactSegment {
  tag: string;
  /** elements[0] is the first data element after the tag; each is a list of components. */
  elements: string[][];
}

/** Splits EDIFACT text into segments, elements and components, honouring the release character. */
function edifactSegments(body: string, syntax: EdifactSyntax, max: number): EdifactSegment[] {
  const out: EdifactSegment[] = [];
  let elements: string[][] = [];
  let components: string[] = [];
  let current = '';
  let started = false;
  for (let i = 0; i < body.length && out.length < max; i++) {
    const c = body[i]!;
    // Line breaks and indentation between segments are layout, not data (unless the interchange made
    // one of them a separator).
    if (!started && /[\r\n\t ]/.test(c) && c !== syntax.terminator && c !== syntax.element && c !== syntax.component) continue;
    started = true;
    if (syntax.release && c === syntax.release) {
      if (i + 1 < body.length) current += body[++i];
      continue;
    }
    if (c === syntax.component) {
      components.push(current);
      current = '';
    } else if (c === syntax.element) {
      components.push(current);
      elements.push(components);
      components = [];
      current = '';
    } else if (c === syntax.terminator) {
      components.push(current);
      elements.push(components);
      const tagElement = elements.shift() ?? [''];
      // A terminator of LF leaves the CR of a CRLF file at the end of the last component.
      if (syntax.terminator === '\n') {
        const last = elements[elements.length - 1] ?? tagElement;
        last[last.length - 1] = last[last.length - 1]!.replace(/\r$/, '');
      }
      const tag = (tagElement[0] ?? '').replace(/\r$/, '');
      if (tag === '' && elements.length === 0 && tagElement.length === 1) {
        // An empty segment: a blank line when the terminator is a line break.
        elements = [];
        components = [];
        current = '';
        started = false;
        continue;
      }
      if (!/^[A-Z][A-Z0-9]{2}$/.test(tag)) return out;
      out.push({ tag, elements });
      elements = [];
      components = [];
      current = '';
      started = false;
    } else {
      current += c;
    }
  }
  // The last segment cut off by the end of the head is not trusted.
  return out;
}

// ---------------------------------------------------------------------------------------------- X12

function detectX12(text: string): DetectedDocument {
  const element = text[3]!;
  if (/[A-Za-z0-9 ]/.test(element)) return UNKNOWN;
  // ISA is fixed width (106 characters) so its separators sit at fixed places, but some senders do not
  // pad the fields; counting 16 element separators finds the same places in both cases.
  let at = 3;
  for (let n = 1; n < 16; n++) {
    at = text.indexOf(element, at + 1);
    if (at < 0) return UNKNOWN;
  }
  // `at` is the separator before ISA16; ISA16 is the component separator, then the segment terminator.
  const component = text[at + 1];
  const terminator = text[at + 2];
  if (component === undefined || terminator === undefined || terminator === element || /[A-Za-z0-9]/.test(terminator)) return UNKNOWN;
  const isa = text.slice(0, at + 2).split(element);
  if (isa.length !== 17) return UNKNOWN;
  const out: DetectedDocument = { standard: 'X12' };
  setIf(out, 'sender', isa[6]?.trim());
  setIf(out, 'recipient', isa[8]?.trim());
  setIf(out, 'controlReference', isa[13]?.trim());
  let rest = text.slice(at + 3);
  for (let n = 0; n < 50 && rest.length; n++) {
    const end = rest.indexOf(terminator);
    if (end < 0) break; // cut off by the end of the head
    const segment = rest.slice(0, end).replace(/^[\r\n]+/, '').replace(/\r$/, '');
    rest = rest.slice(end + 1);
    const fields = segment.split(element);
    if (fields[0] === 'GS' && out.version === undefined) setIf(out, 'version', fields[8]?.trim());
    if (fields[0] === 'ST') {
      setIf(out, 'type', fields[1]?.trim());
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- VDA

/**
 * The VDA recommendations recognised by their opening record (the "Vorsatz"): 511 opens a VDA 4905
 * delivery schedule (511..519), 711 a VDA 4913 delivery note / despatch advice (711..719). In both the
 * opening record holds: type (3), version (2), customer number (9), supplier number (9), old and new
 * transmission number (5 + 5). Other VDA messages are left 'unknown' rather than guessed.
 */
const VDA_OPENING: Record<string, { type: string; senderIsCustomer: boolean }> = {
  '511': { type: 'VDA4905', senderIsCustomer: true },
  '711': { type: 'VDA4913', senderIsCustomer: false },
};
const VDA_RECORD = 128;

function detectVda(text: string): DetectedDocument {
  const opening = VDA_OPENING[text.slice(0, 3)];
  if (!opening || !/^\d{5}/.test(text)) return UNKNOWN;
  const family = text[0]!;
  let records: string[];
  const firstBreak = text.search(/\r?\n/);
  if (firstBreak >= 0 && firstBreak <= VDA_RECORD) {
    records = text.split(/\r?\n/);
    // Records are 128 characters; some writers strip trailing blanks, so shorter lines are accepted
    // when every following record is still of the same message (same first digit, three digits).
    if (records[0]!.length !== VDA_RECORD) {
      const complete = records.slice(1, -1).filter((r) => r.length);
      if (!complete.length || complete.some((r) => r.length > VDA_RECORD || !new RegExp(`^${family}\\d\\d`).test(r))) return UNKNOWN;
    }
  } else {
    // No line breaks: a stream of fixed 128-character records.
    if (text.length < VDA_RECORD) return UNKNOWN;
    records = [];
    for (let i = 0; i < text.length; i += VDA_RECORD) records.push(text.slice(i, i + VDA_RECORD));
    if (records.length > 1 && !new RegExp(`^${family}\\d\\d`).test(records[1]!)) return UNKNOWN;
  }
  const first = records[0]!;
  if (/[\u0000-\u0008\u000e-\u001f]/.test(first)) return UNKNOWN;
  const customer = first.slice(5, 14).trim();
  const supplier = first.slice(14, 23).trim();
  const out: DetectedDocument = { standard: 'VDA', type: opening.type, version: first.slice(3, 5) };
  setIf(out, 'sender', opening.senderIsCustomer ? customer : supplier);
  setIf(out, 'recipient', opening.senderIsCustomer ? supplier : customer);
  setIf(out, 'controlReference', first.slice(28, 33).trim());
  return out;
}

function setIf<K extends keyof DetectedDocument>(out: DetectedDocument, key: K, value: string | undefined): void {
  if (value !== undefined && value !== '') out[key] = value as DetectedDocument[K];
}
