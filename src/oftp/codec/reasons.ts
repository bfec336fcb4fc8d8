// Reason codes of ESID, SFNA/EFNA and NERP (RFC 5024 §5.3.5, §5.3.10, §5.3.11, §5.3.14) with the RFC's text
// and a plain-language hint of what usually causes them, for traces and error messages.

export interface ReasonCode {
  code: number;
  /** The RFC's wording. */
  text: string;
  /** What usually causes it and what to check, for people debugging a partner connection. */
  hint: string;
}

export interface AnswerReasonCode extends ReasonCode {
  /** Valid in SFNA (all but 21-23) and EFNA (all). */
  sfna: boolean;
  efna: boolean;
  /** First protocol level that defines the code (1.x knows 01-13 and 99; 1.4 adds 14). */
  since: number;
}

const table = <T extends ReasonCode>(rows: T[]): ReadonlyMap<number, T> => new Map(rows.map((r) => [r.code, r]));

export const ESID_REASONS = table<ReasonCode & { since: number }>([
  { code: 0, since: 1, text: 'Normal session termination', hint: 'The session ended normally.' },
  { code: 1, since: 1, text: 'Command not recognised', hint: 'An exchange buffer started with an octet that is no ODETTE-FTP command: framing is off, or the peer is not speaking OFTP (TLS to a plain port, or the reverse?).' },
  { code: 2, since: 1, text: 'Protocol violation', hint: 'A valid command arrived in the wrong state, e.g. DATA beyond the credit window, CDT while not waiting for credit, or a restart position without restart negotiated.' },
  { code: 3, since: 1, text: 'User code not known', hint: 'The SSIDCODE (Odette ID) is not configured as a partner at the receiving side. Check the ID spelling and padding on both sides.' },
  { code: 4, since: 1, text: 'Invalid password', hint: 'The SSIDPSWD does not match the password the receiving side has for this Odette ID. Passwords are case-sensitive, at most 8 characters.' },
  { code: 5, since: 1, text: 'Local site emergency close down', hint: 'The peer is shutting down; try again later.' },
  { code: 6, since: 1, text: 'Command contained invalid data', hint: 'A field held characters or values the RFC does not allow (letters in a numeric field, an unknown flag value, bad UTF-8).' },
  { code: 7, since: 1, text: 'Exchange Buffer size error', hint: 'The length in the Stream Transmission Header does not match the command, or a DATA buffer exceeded the negotiated SSIDSDEB.' },
  { code: 8, since: 1, text: 'Resources not available', hint: 'The peer refused for lack of resources (sessions, disk). Retry later.' },
  { code: 9, since: 1, text: 'Time out', hint: 'Nothing arrived within the inactivity timeout: a peer stalled, a firewall dropped the connection, or file processing took too long.' },
  { code: 10, since: 1, text: 'Mode or capabilities incompatible', hint: 'Both sides are send-only or both receive-only, the credit answer was larger than offered, or a capability could not be agreed.' },
  { code: 11, since: 5, text: 'Invalid challenge response', hint: 'Secure authentication failed: the AURP did not match the challenge. The peer decrypted with the wrong private key, or we encrypted to the wrong certificate.' },
  { code: 12, since: 5, text: 'Secure authentication requirements incompatible', hint: 'One side asked for secure authentication (SSIDAUTH=Y) and the other did not. Both sides must agree.' },
  { code: 99, since: 1, text: 'Unspecified Abort code', hint: 'An error for which the RFC defines no specific code; the reason text may say more.' },
]);

const answer = (code: number, text: string, hint: string, since = 1, sfna = true): AnswerReasonCode => ({ code, text, hint, since, sfna, efna: true });

export const ANSWER_REASONS = table<AnswerReasonCode>([
  answer(1, 'Invalid filename', 'The virtual file name (SFIDDSN) is not accepted by the receiver, or cannot be mapped to a real file.'),
  answer(2, 'Invalid destination', 'The SFIDDEST Odette ID is not the receiver (or a destination it routes to).'),
  answer(3, 'Invalid origin', 'The SFIDORIG Odette ID is not a partner the receiver accepts files from.'),
  answer(4, 'Storage record format not supported', 'The receiver does not accept this file format (F, V, U or T).'),
  answer(5, 'Maximum record length not supported', 'The record length (SFIDLRECL) is too long for the receiver, or a record exceeded it.'),
  answer(6, 'File size is too big', 'The file is larger than the receiver accepts (size limit or free space).'),
  answer(10, 'Invalid record count', 'The EFID record count does not match the records received.'),
  answer(11, 'Invalid byte count', 'The EFID octet count does not match the data received.'),
  answer(12, 'Access method failure', 'The receiver could not write the file (disk, permissions), or the data was malformed.'),
  answer(13, 'Duplicate file', 'A file with the same name, date, time and originator was already received.'),
  answer(14, 'File direction refused', 'The receiver does not accept files in this direction in this session.', 4),
  answer(15, 'Cipher suite not supported', 'The SFIDCIPH cipher suite is not allowed by the receiver.', 5),
  answer(16, 'Encrypted file not allowed', 'The receiver does not accept encrypted files from this partner.', 5),
  answer(17, 'Unencrypted file not allowed', 'The receiver requires files from this partner to be encrypted.', 5),
  answer(18, 'Compression not allowed', 'The receiver does not accept compressed files from this partner.', 5),
  answer(19, 'Signed file not allowed', 'The receiver does not accept signed files from this partner.', 5),
  answer(20, 'Unsigned file not allowed', 'The receiver requires files from this partner to be signed.', 5),
  { ...answer(21, 'Invalid file signature', 'The signature did not verify against the partner\'s signature certificate.', 5), sfna: false },
  { ...answer(22, 'File decryption failure', 'The file could not be decrypted with our private key: wrong certificate used by the sender?', 5), sfna: false },
  { ...answer(23, 'File decompression failure', 'The file\'s ZLIB/CMS compressed data could not be expanded.', 5), sfna: false },
  answer(99, 'Unspecified reason', 'No specific code applies; the reason text may say more.'),
]);

const nerp = (code: number, text: string, hint: string): ReasonCode => ({ code, text, hint });

/** NERP 11-16 and 20-30: "SFNA(RETRY=N) received with reason code 'nn' (...)", the parenthesis as the RFC words it. */
const refused = (answerCode: number, rfcWording: string): ReasonCode =>
  nerp(answerCode + 10, `SFNA(RETRY=N) received with reason code '${pad2(answerCode)}' (${rfcWording})`, ANSWER_REASONS.get(answerCode)!.hint);

export const NERP_REASONS = table<ReasonCode>([
  nerp(3, "ESID received with reason code '03' (user code not known)", 'An onward hop refused our Odette ID.'),
  nerp(4, "ESID received with reason code '04' (invalid password)", 'An onward hop refused the password.'),
  nerp(9, "ESID received with reason code '99' (unspecified reason)", 'An onward hop ended the session with an unspecified error.'),
  refused(1, 'invalid file name'),
  refused(2, 'invalid destination'),
  refused(3, 'invalid origin'),
  refused(4, 'invalid storage record format'),
  refused(5, 'maximum record length not supported'),
  refused(6, 'file size too big'),
  refused(10, 'invalid record count'),
  refused(11, 'invalid byte count'),
  refused(12, 'access method failure'),
  refused(13, 'duplicate file'),
  refused(14, 'file direction refused'),
  refused(15, 'cipher suite not supported'),
  refused(16, 'encrypted file not allowed'),
  refused(17, 'unencrypted file not allowed'),
  refused(18, 'compression not allowed'),
  refused(19, 'signed file not allowed'),
  refused(20, 'unsigned file not allowed'),
  nerp(31, 'File signature not valid', 'The final recipient could not verify the file signature.'),
  nerp(32, 'File decompression failed', 'The final recipient could not decompress the file.'),
  nerp(33, 'File decryption failed', 'The final recipient could not decrypt the file.'),
  nerp(34, 'File processing failed', 'The file arrived but the recipient\'s processing (mapping, import) failed.'),
  nerp(35, 'Not delivered to recipient', 'The file could not be delivered onward to its final recipient.'),
  nerp(36, 'Not acknowledged by recipient', 'The final recipient never sent an EERP.'),
  nerp(50, 'Transmission stopped by the operator', 'Someone stopped the transmission by hand.'),
  nerp(90, 'File size incompatible with recipient\'s protocol version', 'The file is too large for the recipient\'s OFTP version (1.x fields are shorter).'),
  nerp(99, 'Unspecified reason', 'No specific code applies; the reason text may say more.'),
]);

export function pad2(code: number): string {
  return String(code).padStart(2, '0');
}

/** NERP reason for a file refused with SFNA(retry N)/EFNA reason 01-20 (RFC 5024 §5.3.14: + 10). */
export function nerpReasonForAnswer(answerReason: number): number {
  return answerReason >= 1 && answerReason <= 20 && ANSWER_REASONS.has(answerReason) ? answerReason + 10 : 99;
}

export function reasonOf(kind: 'ESID' | 'SFNA' | 'EFNA' | 'NERP', code: number): ReasonCode | undefined {
  const row = kind === 'ESID' ? ESID_REASONS.get(code) : kind === 'NERP' ? NERP_REASONS.get(code) : ANSWER_REASONS.get(code);
  if (row && kind === 'SFNA' && !(row as AnswerReasonCode).sfna) return undefined;
  return row;
}

/** "04 Invalid password", or "42 (reason code not defined for ESID)". */
export function describeReason(kind: 'ESID' | 'SFNA' | 'EFNA' | 'NERP', code: number): string {
  const row = reasonOf(kind, code);
  return row ? `${pad2(code)} ${row.text}` : `${pad2(code)} (reason code not defined for ${kind})`;
}
