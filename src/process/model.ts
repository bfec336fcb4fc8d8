// The integration-process model: what a `*.oftp2.json` file holds (a Start step of type Trading Partner
// listening with the OFTP2 Server operation, then processing steps and their connections), plus the
// runtime-level server settings that live outside any process. Shared by the validator, the runtime,
// the CLI and (later) the visual editor; the JSON Schema in schemas/oftp2-process.schema.json mirrors it.

/** The file format's version; a file with another value is refused with a clear message. */
export const SCHEMA_VERSION = 1;

/** A secret is never written in clear text: the file names it, a resolver supplies the value. */
export interface SecretRef {
  secret: string;
}

/**
 * A certificate with a private key we hold (To block): PEM certificate + PEM key, or one PKCS#12 file.
 * Paths are relative to the process file.
 */
export type PrivateCertificateRef =
  | { certificate: string; privateKey: string; passphrase?: SecretRef }
  | { pkcs12: string; passphrase?: SecretRef };

/** A partner's public certificate (From block): a PEM or DER file path relative to the process file. */
export type PublicCertificateRef = string;

/** The partner's side of a session: Boomi's "From" identifiers on the OFTP2 Server operation. */
export interface TradingPartner {
  /** A label for people (Boomi's Trading Partner component name). */
  name: string;
  odetteId: string;
  password: SecretRef;
  /** Verifies signed EERPs/NERPs the partner sends us. */
  acknowledgmentVerificationCertificate?: PublicCertificateRef;
  /** Verifies files the partner signs. */
  signatureVerificationCertificate?: PublicCertificateRef;
  /** We encrypt our secure-authentication challenge to it. */
  sessionAuthenticationEncryptingCertificate?: PublicCertificateRef;
  /** The TLS client certificate the partner connects with, when the server requires one. */
  clientSslCertificate?: PublicCertificateRef;
  /** Overrides the server's "require secure authentication" for this partner. */
  secureAuthentication?: 'required' | 'optional' | 'off';
}

/** Our side: Boomi's "To" identifiers (the My Company profile). */
export interface MyCompany {
  name: string;
  odetteId: string;
  password: SecretRef;
  /** Decrypts files partners encrypt to us. */
  decryptionCertificate?: PrivateCertificateRef;
  /** Signs the EERPs/NERPs we send when a partner asks for signed ones. */
  acknowledgmentSigningCertificate?: PrivateCertificateRef;
  /** Opens the secure-authentication challenges partners send us. */
  sessionAuthenticationChallengeCertificate?: PrivateCertificateRef;
}

export type Standard = 'ODETTE' | 'EDIFACT' | 'X12' | 'custom';

/** When the partner gets its end-to-end response. */
export type AcknowledgeMode =
  /** EERP as soon as the file is stored (before the process runs). */
  | 'onReceipt'
  /** EERP once the process finished the document without error; NERP with the reason when it failed. */
  | 'afterProcessing'
  /** No EERP at all (the partner will wait for it in vain; for tests and one-way gateways). */
  | 'never';

/** Boomi's OFTP2 Server operation, action Listen, plus the checks other products offer. */
export interface Oftp2ServerListenOperation {
  type: 'oftp2ServerListen';
  /** Regular expression the virtual file name (SFIDDSN) must match, else SFNA 01. */
  virtualFileNamePattern?: string;
  /** SFIDORIG values accepted (default: any); others are refused with SFNA 03. */
  originators?: string[];
  /** SFIDDEST values accepted (default: My Company's Odette ID); others are refused with SFNA 02. */
  destinations?: string[];
  /** Refuse a file already received (same name, date, time, originator) with SFNA 13. Default true. */
  duplicateCheck?: boolean;
  /** Refuse files above this many octets (SFNA 06 / EFNA 06). */
  maxFileSize?: number;
  /** Refuse unsigned files (SFNA 20). */
  requireSigned?: boolean;
  /** Refuse unencrypted files (SFNA 17). */
  requireEncrypted?: boolean;
  /** Accept buffer/CMS compression. Default true (false: SFNA 18 for CMS-compressed files). */
  allowCompression?: boolean;
  /** Cipher suites (1-6) accepted for signed/encrypted files; default all. Others: SFNA 15. */
  cipherSuites?: number[];
  /** Sign the EERP/NERP when the partner asks (SFIDSIGN = Y). Default true; needs the acknowledgment signing certificate. */
  signedEerpOnRequest?: boolean;
  /** When the EERP goes out (default afterProcessing: only a file the process finished is confirmed). */
  acknowledge?: AcknowledgeMode;
  /** NERP reason when processing fails without an Exception step's own reason (default 34, file processing failed). */
  failureNerpReason?: number;
}

export interface Position {
  x: number;
  y: number;
}

interface StepBase {
  /** Unique in the process; connections refer to it. */
  id: string;
  /** Label shown on the canvas and in logs (Boomi's step label). */
  name?: string;
  position?: Position;
}

export interface StartStep extends StepBase {
  type: 'start';
  startType: 'tradingPartner';
  standard: Standard;
  myCompany: MyCompany;
  /** The partners this process listens for: a list, or a group file (path relative to the process file). */
  tradingPartners: TradingPartner[] | { group: string };
  communicationMethod: 'OFTP2';
  /**
   * stopProcessOnError: a document that is not valid for the standard fails (NERP);
   * continueProcessOnError: it leaves through the "errors" output instead.
   */
  errorHandling?: 'stopProcessOnError' | 'continueProcessOnError';
  operation: Oftp2ServerListenOperation;
}

export type ComparisonOperator =
  | 'equals'
  | 'notEquals'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | 'matches'
  | 'greaterThan'
  | 'lessThan'
  | 'exists'
  | 'notExists';

export interface Condition {
  /** A document property name (see DOCUMENT_PROPERTIES, or one set by a Set Properties step). */
  property: string;
  operator: ComparisonOperator;
  /** A template (`${property}` placeholders allowed); not used by exists/notExists. */
  value?: string;
}

export interface DecisionStep extends StepBase {
  type: 'decision';
  condition: Condition;
}

export interface RouteStep extends StepBase {
  type: 'route';
  /** partner: the session partner's Odette ID; virtualFileName: SFIDDSN; documentType: detected message type; property: any. */
  routeBy: 'partner' | 'virtualFileName' | 'documentType' | 'property';
  /** With routeBy = property. */
  property?: string;
  /**
   * First match wins. `output` names the output; `equals` compares exactly, `pattern` is a regular
   * expression (virtual file names) — one of the two.
   */
  routes: Array<{ output: string; equals?: string; pattern?: string }>;
  /** Documents that match no route leave through the output "default". */
}

export interface SetPropertiesStep extends StepBase {
  type: 'setProperties';
  /** Each value is a template: `${sfid.datasetName}-${document.type}`. */
  properties: Array<{ name: string; value: string }>;
}

export interface DiskStep extends StepBase {
  type: 'disk';
  /** Folder, relative to the process file's folder unless absolute; a template. */
  folder: string;
  /** File name template, e.g. `${sfid.originator}_${sfid.datasetName}_${sfid.date}${sfid.time}.edi`. */
  fileName: string;
  /** What to do when the file exists: fail the document, overwrite it, or add a counter. Default unique. */
  ifExists?: 'fail' | 'overwrite' | 'unique';
}

export interface NotifyStep extends StepBase {
  type: 'notify';
  level: 'info' | 'warning' | 'error';
  /** A template. */
  message: string;
}

export interface ExceptionStep extends StepBase {
  type: 'exception';
  /** A template; becomes the NERP text. */
  message: string;
  /** NERP reason code sent to the partner (RFC 5024 §5.3.14; default 34, file processing failed). */
  nerpReason?: number;
}

export interface StopStep extends StepBase {
  type: 'stop';
}

export interface ReturnDocumentsStep extends StepBase {
  type: 'returnDocuments';
}

export type ProcessingStep =
  | DecisionStep
  | RouteStep
  | SetPropertiesStep
  | DiskStep
  | NotifyStep
  | ExceptionStep
  | StopStep
  | ReturnDocumentsStep;

export type Step = StartStep | ProcessingStep;
export type StepType = Step['type'];

export interface Connection {
  from: string;
  /** The output of the `from` step (see outputsOf). */
  output: string;
  to: string;
}

/** Boomi's process options that make sense for a listener process. */
export interface ProcessOptions {
  /** Run documents of several sessions at once (Boomi recommends it for listeners). Default true. */
  allowSimultaneousExecutions?: boolean;
}

export interface ProcessFile {
  $schema?: string;
  schemaVersion: number;
  name: string;
  description?: string;
  options?: ProcessOptions;
  start: StartStep;
  steps: ProcessingStep[];
  connections: Connection[];
}

/** A partner group file (`*.oftp2-partners.json`): partners shared by several processes. */
export interface PartnerGroupFile {
  $schema?: string;
  schemaVersion: number;
  name: string;
  partners: TradingPartner[];
}

/**
 * Runtime-level OFTP2 server settings (Boomi's Atom-level OFTP2 Server): not part of any process; the
 * extension reads them from VS Code settings / launch configurations, the CLI from flags.
 */
export interface ServerSettings {
  host: string;
  port: number;
  /** Session-level encryption (TLS, RFC 5024 §7). */
  tls: boolean;
  /** With TLS: the partner must present its configured client certificate. */
  requireClientCertificate: boolean;
  /** With TLS: our server certificate. */
  serverCertificate?: PrivateCertificateRef;
  /** Cipher suite (1-6) for signed receipts and secure authentication we originate. */
  cipherSuite: number;
  requireSecureAuthentication: boolean;
  /** Where received files are stored before processing (the inbox, with sidecars). */
  inbox: string;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  host: '127.0.0.1',
  port: 3305,
  tls: false,
  requireClientCertificate: false,
  cipherSuite: 2,
  requireSecureAuthentication: false,
  inbox: '.oftp2/inbox',
};

/** The outputs a step has, by name; connections must leave from one of them. */
export function outputsOf(step: Step): string[] {
  switch (step.type) {
    case 'start':
      return step.errorHandling === 'continueProcessOnError' ? ['documents', 'errors'] : ['documents'];
    case 'decision':
      return ['true', 'false'];
    case 'route':
      return [...new Set([...step.routes.map((r) => r.output), 'default'])];
    case 'setProperties':
    case 'disk':
    case 'notify':
      return ['next'];
    case 'exception':
    case 'stop':
    case 'returnDocuments':
      return [];
  }
}

/** Steps where a document's path ends. */
export const END_STEP_TYPES: ReadonlySet<StepType> = new Set(['exception', 'stop', 'returnDocuments']);

/**
 * Document properties the runtime sets on every received file. Read-only: a Set Properties step may not
 * overwrite them. Templates and conditions refer to them by these names.
 */
export const DOCUMENT_PROPERTIES: Readonly<Record<string, string>> = {
  partner: 'Odette ID of the session partner (SSIDCODE)',
  'partner.name': 'the trading partner\'s name in the process',
  myCompany: 'our Odette ID in the session',
  session: 'session id on the server',
  virtualFileName: 'virtual file dataset name (SFIDDSN)',
  'sfid.datasetName': 'SFIDDSN',
  'sfid.date': 'SFIDDATE (CCYYMMDD)',
  'sfid.time': 'SFIDTIME (HHMMSScccc)',
  'sfid.originator': 'SFIDORIG',
  'sfid.destination': 'SFIDDEST',
  'sfid.userData': 'SFIDUSER',
  'sfid.format': 'SFIDFMT (F, V, U, T)',
  'sfid.maxRecordLength': 'SFIDLRECL',
  'sfid.fileSize': 'SFIDFSIZ (1K blocks)',
  'sfid.originalSize': 'SFIDOSIZ (1K blocks)',
  'sfid.security': 'SFIDSEC (00 none, 01 encrypted, 02 signed, 03 both)',
  'sfid.cipherSuite': 'SFIDCIPH',
  'sfid.compression': 'SFIDCOMP (0 none, 1 ZLIB)',
  'sfid.envelope': 'SFIDENV (0 none, 1 CMS)',
  'sfid.signedEerp': 'SFIDSIGN (Y, N)',
  'sfid.description': 'SFIDDESC',
  size: 'size of the stored (plain) file in octets',
  sha256: 'SHA-256 of the stored file, hex',
  receivedAt: 'when the file was stored (ISO 8601)',
  fileName: 'the stored file\'s name in the inbox',
  signed: 'true when the file was signed and the signature verified',
  encrypted: 'true when the file was encrypted',
  compressed: 'true when the file was CMS-compressed',
  signer: 'subject of the certificate that signed the file',
  'document.standard': 'detected standard: EDIFACT, ODETTE, X12, VDA or unknown',
  'document.type': 'detected message type, e.g. DELFOR, INVOIC, 810',
  'document.version': 'detected message version, e.g. D:96A or 004010',
  'document.sender': 'interchange sender from UNB/ISA',
  'document.recipient': 'interchange recipient from UNB/ISA',
  'document.controlReference': 'interchange control reference from UNB/ISA',
};
