// What the validator reports: a diagnostic at a 0-based range (as VS Code counts), its stable code, and a
// one-line text form for the command line. DIAGNOSTIC_CODES is the catalogue the docs are made from.

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column, as VS Code counts. */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Diagnostic {
  file: string;
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** The step the problem belongs to, so the visual editor can mark it. */
  stepId?: string;
}

/** Every code the validator emits, with its usual severity and what it means. Codes never change meaning. */
export const DIAGNOSTIC_CODES = {
  'file-unreadable': { severity: 'error', summary: 'A file given to validate (or a partner group file it names) cannot be read.' },
  'json-syntax': { severity: 'error', summary: 'The file is not valid JSON (comments and trailing commas are not allowed either).' },
  'duplicate-key': { severity: 'error', summary: 'A property appears twice in one object; JSON readers would silently keep only the last one.' },
  'schema-version': { severity: 'error', summary: 'schemaVersion is not a version this release understands (1); nothing else is checked.' },
  schema: { severity: 'error', summary: 'The file does not match the schema: a missing or unknown property, a wrong type or a value outside its list.' },
  'secret-in-clear': { severity: 'error', summary: 'A password or passphrase is written in the file instead of a {"secret": "name"} reference.' },
  'secret-unresolved': { severity: 'warning', summary: 'A referenced secret has no value (checked only when a secret resolver is given).' },
  'password-too-long': { severity: 'error', summary: 'A password secret is longer than the 8 characters SSIDPSWD holds.' },
  'odette-id': { severity: 'error', summary: 'An Odette ID is malformed: O + 4-digit ICD + organisation code + sub-address, at most 25 characters of A-Z 0-9 / - . & ( ).' },
  'odette-id-not-odette': { severity: 'warning', summary: "An Odette ID does not start with 'O', so it is not an ODETTE-assigned code (allowed for other code lists)." },
  'duplicate-step-id': { severity: 'error', summary: 'Two steps have the same id; connections could not tell them apart.' },
  'connection-unknown-step': { severity: 'error', summary: "A connection's from or to names no step." },
  'connection-unknown-output': { severity: 'error', summary: 'A connection leaves a step through an output the step does not have.' },
  'connection-duplicate': { severity: 'error', summary: 'Two connections leave the same step through the same output; an output leads to one step.' },
  'connection-to-start': { severity: 'error', summary: 'A connection leads back into the Start step.' },
  'step-unreachable': { severity: 'warning', summary: 'No path leads from the Start step to this step; it never runs.' },
  'output-not-connected': { severity: 'warning', summary: 'An output of a step leads nowhere: documents that take it end there.' },
  'no-path-to-end': { severity: 'error', summary: 'From this step no path reaches an end (an end step or an open output): documents would circle forever.' },
  cycle: { severity: 'error', summary: 'Steps form a loop, so a document could pass through them forever.' },
  'invalid-pattern': { severity: 'error', summary: 'A regular expression (virtual file name pattern, route pattern, matches condition) does not compile.' },
  'template-syntax': { severity: 'error', summary: "A template has a '${' without its closing '}' or an empty placeholder." },
  'unknown-property': { severity: 'warning', summary: 'A template or condition refers to a document property that is neither built in nor set by any Set Properties step.' },
  'readonly-property': { severity: 'error', summary: 'A Set Properties step tries to set a built-in (read-only) document property.' },
  'certificate-missing': { severity: 'error', summary: 'A certificate, key or PKCS#12 file does not exist.' },
  'certificate-unreadable': { severity: 'error', summary: 'A certificate, key or PKCS#12 file cannot be read or is not a certificate (or the passphrase is wrong).' },
  'certificate-expired': { severity: 'error', summary: 'A certificate is past its notAfter date.' },
  'certificate-not-yet-valid': { severity: 'error', summary: 'A certificate is before its notBefore date.' },
  'certificate-expiring-soon': { severity: 'warning', summary: 'A certificate expires within 30 days.' },
  'certificate-role': { severity: 'error', summary: 'A certificate does not fit its role: key does not match, key usage or extended key usage forbids the use, or not RSA where CMS needs RSA.' },
  'partner-group-missing': { severity: 'error', summary: 'The partner group file named by tradingPartners.group does not exist.' },
  'duplicate-partner': { severity: 'error', summary: 'The same partner Odette ID appears twice in one process or partner group.' },
  'duplicate-listener-credentials': { severity: 'error', summary: 'Two processes listen for the same (partner Odette ID, password) pair; Boomi refuses to start such a listener.' },
  'acknowledge-needs-signing-cert': { severity: 'warning', summary: 'Signed EERPs are offered on request but My Company has no acknowledgment signing certificate.' },
  'requires-decryption-cert': { severity: 'error', summary: 'The operation requires encrypted files but My Company has no decryption certificate.' },
  'requires-signature-cert': { severity: 'error', summary: 'The operation requires signed files but a partner has no signature verification certificate.' },
  'requires-session-auth-cert': { severity: 'error', summary: 'A partner requires secure authentication but the certificates it needs (partner encrypting, My Company challenge) are missing.' },
  'exception-without-nerp': { severity: 'warning', summary: "An Exception step is reachable while acknowledge is not 'afterProcessing': the partner never hears of the failure." },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** `file:line:col: severity code message`, 1-based as compilers print it. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`;
}

/** By file, then position, then code, so output is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code);
}

/** The codes table as Markdown, for the README and docs. */
export function diagnosticCodesMarkdown(): string {
  const rows = Object.entries(DIAGNOSTIC_CODES).map(([code, { severity, summary }]) => `| \`${code}\` | ${severity} | ${summary.replace(/\|/g, '\\|')} |`);
  return ['| Code | Severity | Meaning |', '|---|---|---|', ...rows].join('\n');
}
