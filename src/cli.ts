// The `oftp2` command line: a thin face over src/oftp. `oftp2 decode` prints a captured OFTP stream command
// by command with every field; later subcommands (serve, send) drive the same engine.
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { formatTraceRecord, jsonLinesToTrace, TRACE_FILE_EXTENSION, traceFileHeader } from './oftp/trace-file';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCapture, CaptureFormatError, type CaptureFormat } from './oftp/capture';
import { OftpDecodeError } from './oftp/codec/errors';
import { showField, summarizeCommand } from './oftp/codec/describe';
import { TOLERANCES } from './oftp/codec/tolerances';
import { OftpStreamDecoder, type StreamEntry } from './oftp/stream-decoder';
import { runClient, type ClientResult } from './oftp/client';
import { describeReason } from './oftp/codec/reasons';
import { OftpServer, type PartnerConfig } from './oftp/server';
import { jsonLinesSink, type TraceSink } from './oftp/trace';
import { fingerprint, writeDevCertificates } from './oftp/security/certs';
import type { TlsIdentity } from './oftp/security/tls';
import { randomBytes } from 'node:crypto';
import { formatDiagnostic } from './process/diagnostics';
import { ProcessRuntime, readProcess, type DocumentEnd } from './process/runtime';
import { chainResolvers, envSecretResolver, promptSecretResolver } from './process/secrets';
import { validateFiles } from './process/validate';

const USAGE = `usage: oftp2 <command> [options]

commands:
  validate FILE...  check process files (*.oftp2.json): prints file:line:col: severity code message
    --no-files                   skip reading certificate files
    --json                       one JSON object per diagnostic

  serve PROCESS.oftp2.json...   run processes on the embedded OFTP2 server, printing each step run;
                    partners, identities and certificates come from the processes; the runtime-level
                    settings from --host --port --inbox --tls --cert/--key/--pfx --require-client-cert
                    --ca --secure-auth required --cipher NN --timeout --trace --buffer --credit.
                    Secrets: environment variables OFTP2_SECRET_<NAME> (e.g. {"secret": "oem-a-password"}
                    is OFTP2_SECRET_OEM_A_PASSWORD), else a prompt on a terminal.

  serve             run an OFTP2 server (responder) until SIGINT/SIGTERM
    --local ID[:PASSWORD]        our Odette ID, and the password we send (required)
    --partner ID:PASSWORD        a partner we accept, repeatable (at least one)
    --host H --port N            where to listen (default 127.0.0.1:3305; --port 0 picks a free port)
    --inbox DIR                  received files (default ./inbox), one folder per partner
    --outbox DIR                 files in DIR/<PARTNER ID>/ are sent to that partner
    --buffer N --credit N        largest data buffer (default 99999) and credit window (default 999)
    --no-compress --no-restart   refuse buffer compression / restart
    --max-file-size SIZE         refuse larger files (SFNA/EFNA 06), e.g. 500M
    --allow-duplicates           accept a file again (default: SFNA 13)
    --timeout S                  inactivity timeout in seconds (default 90)
    --grace S                    on SIGINT/SIGTERM, let sessions finish this long, then ESID 05 (default 5)
    --trace FILE                 append every command and decision as JSON lines
    --tls                        TLS 1.2/1.3 (default port 6619) with --cert FILE --key FILE or --pfx FILE
    --require-client-cert        partners must present a TLS client certificate ...
    --partner-cert ID=FILE       ... and it must be this one (PEM), repeatable
    --ca FILE                    CA for client certificates, repeatable
    --passphrase-file FILE       key/PKCS#12 passphrase (or OFTP2_KEY_PASSPHRASE)
    --secure-auth POLICY         secure authentication (SSIDAUTH): required, optional or off (default)
    --partner-secure-auth ID=POLICY   the same for one partner, overriding --secure-auth
    --auth-key FILE              our key that opens partners' challenges (default: --key)
    --partner-auth-cert ID=FILE  a partner's session-authentication certificate, repeatable
    --decrypt-key FILE           our key for encrypted files (default: --key)
    --partner-sign-cert ID=FILE  a partner's signature-verification certificate, repeatable
    --require-signed --require-encrypted --no-zlib --ciphers 02,04,06   file service policy (SFNA 15-20)
    --ack-sign-cert FILE --ack-sign-key FILE   sign receipts partners ask to be signed (default --cert/--key)
    --partner-enc-cert ID=FILE   encrypt outbox files for that partner; --sign-outbound signs them with
                                 --cert/--key; --zlib-outbound compresses them; --cipher NN (default 02)

  send FILE...      send files to a partner (initiator)
    --to H:N                     the partner's server (required)
    --local ID:PASSWORD          our Odette ID and password (required)
    --partner ID[:PASSWORD]      the partner's Odette ID, and the password it must answer with
    --dsn NAME                   virtual file name (one file only; default from the file name)
    --format U|F|V|T             file format (default U); --record-length N for F and V
    --buffer N --credit N        offer these (default 99999 and 999)
    --compress                   offer buffer compression
    --no-restart                 do not offer restart
    --level N                    offer protocol level N (5 = OFTP 2.0, 4 = 1.4, 2/1 = 1.3)
    --wait-eerp S                wait up to S seconds for every EERP (polling in new sessions)
    --inbox DIR                  accept files the partner has for us into DIR
    --timeout S                  inactivity timeout in seconds (default 90)
    --trace FILE                 append every command and decision as JSON lines
    --tls                        connect with TLS; verify the server with --ca FILE or --pin SHA256
    --cert FILE --key FILE       our TLS client certificate (or --pfx FILE, --passphrase-file FILE)
    --secure-auth                secure authentication with --auth-key FILE (default --key) and
    --partner-auth-cert FILE     the partner's session-authentication certificate
    --sign                       sign the file (CMS) with --sign-cert/--sign-key (default --cert/--key)
    --encrypt                    encrypt the file (CMS) for --partner-enc-cert FILE
    --zlib                       compress the file (CMS, ZLIB); --cipher NN: suite 01-06 (default 02)
    --sign-eerp                  ask for a signed EERP, verified with --partner-ack-cert FILE
    --decrypt-key FILE           with --inbox: our key for files the partner encrypts (default --key);
    --partner-sign-cert FILE     and its certificate for files it signs

  trace FILE.jsonl  turn a --trace JSON-lines file into the readable .oftptrace format (VS Code opens it
                    in the Session Trace panel and highlights it); -o FILE to write it; - reads stdin.
                    (--trace FILE.oftptrace on serve and send writes that format directly.)

  certs DIR         write a development CA and certificates (PEM, PKCS#12) for every role
    --local NAME --partner NAME  certificate names (default server, partner); --partner repeatable
    --host H                     names the TLS server certificates answer on (default localhost, 127.0.0.1)
    --passphrase-file FILE       PKCS#12 passphrase (default: a random one, written to DIR/p12-passphrase.txt)
    --days N                     validity of the certificates (default 365)

  decode [FILE|-]   decode one side of a captured OFTP stream (binary or hex dump) command by command
    --format F      auto (default), hex or binary
    --level N       protocol level to decode at (1, 2, 4, 5); default: from the SSID in the stream
    --json          one JSON object per command
    --brief         one line per command, without the field listing
    --show-secrets  print passwords instead of ********
    --extract DIR   write each virtual file carried by DATA to DIR

exit status: 0 success; 1 failure (malformed input, refused file, failed session: the reason code
and text are printed); 2 bad arguments`;

class UsageError extends Error {}

function main(argv: string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'decode':
        return decode(rest);
      case 'serve':
        return serve(rest);
      case 'validate':
        return validate(rest);
      case 'trace':
        return trace(rest);
      case 'send':
        return send(rest);
      case 'certs':
        return certs(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`oftp2: ${(e as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

function decode(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'auto' },
      level: { type: 'string' },
      json: { type: 'boolean', default: false },
      brief: { type: 'boolean', default: false },
      'show-secrets': { type: 'boolean', default: false },
      extract: { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError('decode takes one input file');
  const format = values.format;
  if (format !== 'auto' && format !== 'hex' && format !== 'binary') throw new UsageError(`--format must be auto, hex or binary, not ${JSON.stringify(format)}`);
  let level: number | undefined;
  if (values.level !== undefined) {
    level = Number(values.level);
    if (![1, 2, 4, 5].includes(level)) throw new UsageError(`--level must be 1, 2, 4 or 5, not ${JSON.stringify(values.level)}`);
  }
  const input = positionals[0] ?? '-';
  let raw: Buffer;
  try {
    raw = readFileSync(input === '-' ? 0 : input);
  } catch (e) {
    process.stderr.write(`oftp2: cannot read ${input}: ${(e as Error).message}\n`);
    return 2;
  }

  const showSecrets = values['show-secrets'];
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  let data: Buffer;
  let used: CaptureFormat;
  try {
    ({ data, format: used } = readCapture(raw, format === 'auto' ? undefined : format));
  } catch (e) {
    if (e instanceof CaptureFormatError) {
      process.stderr.write(`oftp2: ${input}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }

  if (values.extract) mkdirSync(values.extract, { recursive: true });
  const extracted = new Set<string>();
  const decoder = new OftpStreamDecoder({
    level,
    onFileData: values.extract
      ? (_sfid, bytes, index) => {
          // The name is ours, never the partner's dataset name, so nothing in the capture picks the path.
          const path = join(values.extract!, `${String(index).padStart(3, '0')}.bin`);
          if (extracted.has(path)) appendFileSync(path, bytes);
          else writeFileSync(path, bytes);
          extracted.add(path);
        }
      : undefined,
  });

  let commands = 0;
  let mismatches = 0;
  try {
    decoder.push(data, (entry) => {
      commands++;
      if (entry.efidCheck && !entry.efidCheck.ok) mismatches++;
      if (values.json) out(JSON.stringify(entryJson(entry, showSecrets)));
      else printEntry(entry, out, { brief: values.brief, showSecrets });
    });
    decoder.end();
  } catch (e) {
    if (!(e instanceof OftpDecodeError)) throw e;
    const where = e.streamOffset ?? e.offset;
    if (values.json) {
      out(JSON.stringify({ error: { kind: e.kind, command: e.command, field: e.field, offset: e.offset, streamOffset: where, esidReason: e.esidReason, message: e.message } }));
    }
    process.stderr.write(`oftp2: malformed input at stream offset ${where}: ${e.message} (a receiver would end the session with ESID ${String(e.esidReason).padStart(2, '0')})\n`);
    return 1;
  }
  if (!values.json) out(`-- ${commands} command(s) decoded from ${data.length} octets (${used})${mismatches ? `, ${mismatches} EFID count mismatch(es)` : ''}`);
  if (mismatches) {
    process.stderr.write(`oftp2: ${mismatches} file(s) whose EFID counts do not match the data\n`);
    return 1;
  }
  return 0;
}

function fieldValue(value: string, max = 72): string {
  return value.length > max ? `${value.slice(0, max)}... (${value.length} chars)` : value;
}

function printEntry(e: StreamEntry, out: (line: string) => void, opts: { brief: boolean; showSecrets: boolean }): void {
  const c = e.decoded.command;
  out(`#${e.index} @${e.streamOffset} ${c.type} (${e.exchangeBuffer.length}) ${summarizeCommand(c, { showSecrets: opts.showSecrets })}`);
  if (!opts.brief) {
    for (const f of e.decoded.fields) {
      const shown = f.name === 'DATABUF' ? `${f.length} octets` : fieldValue(showField(f, opts.showSecrets));
      out(`    ${String(f.offset).padStart(4)} ${f.name.padEnd(10)} ${shown}`);
    }
  }
  for (const t of e.tolerances) out(`    tolerated ${t}: ${TOLERANCES[t]}`);
  if (e.efidCheck) out(`    ${e.efidCheck.ok ? 'ok' : 'MISMATCH'}: ${e.efidCheck.text}`);
}

function entryJson(e: StreamEntry, showSecrets: boolean): object {
  const c = e.decoded.command;
  return {
    index: e.index,
    streamOffset: e.streamOffset,
    length: e.exchangeBuffer.length,
    level: e.level,
    command: c.type,
    summary: summarizeCommand(c, { showSecrets }),
    fields: e.decoded.fields.map((f) => ({
      name: f.name,
      offset: f.offset,
      length: f.length,
      value: f.secret && !showSecrets ? showField(f) : f.value,
    })),
    tolerances: e.tolerances,
    ...(e.efidCheck ? { efidCheck: e.efidCheck } : {}),
  };
}

async function runMain(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`oftp2: ${(e as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`oftp2: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}


// ---------------------------------------------------------------------------------------------------------
// serve and send

function splitId(value: string, option: string, passwordRequired: boolean): { code: string; password?: string } {
  const at = value.indexOf(':');
  const code = at < 0 ? value : value.slice(0, at);
  const password = at < 0 ? undefined : value.slice(at + 1);
  if (!code) throw new UsageError(`${option} needs an Odette ID`);
  if (passwordRequired && password === undefined) throw new UsageError(`${option} must be ID:PASSWORD`);
  if (code.length > 25) throw new UsageError(`${option}: Odette ID ${JSON.stringify(code)} is longer than 25 characters`);
  if (password !== undefined && password.length > 8) throw new UsageError(`${option}: password is longer than 8 characters`);
  return password === undefined ? { code } : { code, password };
}

function intOption(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${option} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return n;
}

function sizeOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)([KMG]?)$/i.exec(value);
  if (!m) throw new UsageError(`${option} must be a size like 1048576, 512K, 100M or 2G`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

/** --trace FILE: JSON lines, or the readable .oftptrace format when the name ends so. */
function traceOption(path: string | undefined): { sink?: TraceSink; close: () => Promise<void> } {
  if (!path) return { close: async () => undefined };
  if (!path.endsWith(TRACE_FILE_EXTENSION)) return jsonLinesSink(path);
  const fresh = !existsSync(path) || statSync(path).size === 0;
  if (fresh) writeFileSync(path, traceFileHeader());
  return { sink: (r) => appendFileSync(path, formatTraceRecord(r)), close: async () => undefined };
}

function trace(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { output: { type: 'string', short: 'o' } } });
  if (positionals.length !== 1) throw new UsageError('trace needs one JSON-lines file (from --trace), or - for standard input');
  const input = positionals[0] === '-' ? readFileSync(0, 'utf8') : readText(positionals[0]!, 'trace');
  const { text, records, errors } = jsonLinesToTrace(input);
  if (values.output) writeFileSync(values.output, text);
  else process.stdout.write(text);
  for (const e of errors) process.stderr.write(`oftp2: line ${e.line}: ${e.message}\n`);
  if (values.output) process.stderr.write(`${records.length} record(s) written to ${values.output}\n`);
  return errors.length ? 1 : 0;
}

/** Values of a repeatable `--option ID=VALUE` for configured partners, by partner ID. */
function perPartner(option: string, entries: string[] | undefined, partners: Array<{ code: string }>, what = 'FILE'): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of entries ?? []) {
    const eq = entry.indexOf('=');
    const id = entry.slice(0, Math.max(eq, 0));
    if (eq < 1 || !partners.some((p) => p.code === id)) throw new UsageError(`--${option} must be ID=${what} for a --partner ID, not ${JSON.stringify(entry)}`);
    out.set(id, entry.slice(eq + 1));
  }
  return out;
}

/** Reads each FILE of a per-partner option. */
function perPartnerFiles(option: string, entries: string[] | undefined, partners: Array<{ code: string }>): Map<string, string> {
  return new Map([...perPartner(option, entries, partners)].map(([id, file]) => [id, readText(file, `--${option}`)]));
}

const now = (): string => new Date().toISOString().slice(11, 23);

async function serve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      inbox: { type: 'string', default: 'inbox' },
      outbox: { type: 'string' },
      local: { type: 'string' },
      partner: { type: 'string', multiple: true },
      trace: { type: 'string' },
      timeout: { type: 'string', default: '90' },
      buffer: { type: 'string' },
      credit: { type: 'string' },
      'no-compress': { type: 'boolean', default: false },
      'no-restart': { type: 'boolean', default: false },
      'max-file-size': { type: 'string' },
      'allow-duplicates': { type: 'boolean', default: false },
      grace: { type: 'string', default: '5' },
      ...TLS_OPTIONS,
      'require-client-cert': { type: 'boolean', default: false },
      'partner-cert': { type: 'string', multiple: true },
      'secure-auth': { type: 'string' },
      'partner-secure-auth': { type: 'string', multiple: true },
      'auth-key': { type: 'string' },
      'partner-auth-cert': { type: 'string', multiple: true },
      'decrypt-key': { type: 'string' },
      'partner-sign-cert': { type: 'string', multiple: true },
      'require-signed': { type: 'boolean', default: false },
      'require-encrypted': { type: 'boolean', default: false },
      'no-zlib': { type: 'boolean', default: false },
      ciphers: { type: 'string' },
      'ack-sign-cert': { type: 'string' },
      'ack-sign-key': { type: 'string' },
      'partner-enc-cert': { type: 'string', multiple: true },
      'sign-outbound': { type: 'boolean', default: false },
      'zlib-outbound': { type: 'boolean', default: false },
      cipher: { type: 'string', default: '02' },
    },
  });
  const grace = intOption(values.grace, '--grace', 0, 3600)!;
  if (positionals.length) return serveProcesses(positionals, values, grace);
  if (!values.local) throw new UsageError('serve needs --local ID[:PASSWORD] (or process files)');
  if (!values.partner?.length) throw new UsageError('serve needs at least one --partner ID:PASSWORD');
  const local = splitId(values.local, '--local', false);
  const partners: PartnerConfig[] = values.partner.map((p) => {
    const { code, password } = splitId(p, '--partner', true);
    return { code, password: password! };
  });
  // RFC 5024 §2.4: odette-ftp 3305, odette-ftps 6619.
  const port = intOption(values.port ?? (values.tls ? '6619' : '3305'), '--port', 0, 65535)!;
  const timeout = intOption(values.timeout, '--timeout', 1, 86400)!;
  const identity = tlsIdentity(values);
  if (values.tls && !identity.pfx && !identity.certPem) throw new UsageError('--tls needs our certificate: --cert FILE --key FILE, or --pfx FILE');
  if (!values.tls && (values['require-client-cert'] || values['partner-cert']?.length)) throw new UsageError('--require-client-cert and --partner-cert need --tls');
  for (const [id, pem] of perPartnerFiles('partner-cert', values['partner-cert'], partners)) partners.find((p) => p.code === id)!.clientCertPem = pem;
  const secureAuth = values['secure-auth'];
  if (secureAuth !== undefined && !['required', 'optional', 'off'].includes(secureAuth)) throw new UsageError('--secure-auth must be required, optional or off');
  for (const [id, pem] of perPartnerFiles('partner-auth-cert', values['partner-auth-cert'], partners)) partners.find((p) => p.code === id)!.authCertPem = pem;
  for (const [id, policy] of perPartner('partner-secure-auth', values['partner-secure-auth'], partners, 'required|optional|off')) {
    if (policy !== 'required' && policy !== 'optional' && policy !== 'off') throw new UsageError(`--partner-secure-auth for ${id} must be required, optional or off`);
    partners.find((p) => p.code === id)!.secureAuth = policy;
  }
  const anyAuth = (secureAuth !== undefined && secureAuth !== 'off') || partners.some((p) => p.secureAuth !== undefined && p.secureAuth !== 'off');
  const authKey = values['auth-key'] ?? values.key;
  if (anyAuth && !authKey) throw new UsageError('secure authentication needs our private key: --auth-key FILE (or --key FILE)');
  const signCerts = perPartnerFiles('partner-sign-cert', values['partner-sign-cert'], partners);
  const ciphers = values.ciphers?.split(',').map((c) => Number(c));
  if (ciphers?.some((c) => !Number.isInteger(c) || c < 1 || c > 6)) throw new UsageError('--ciphers must list suites from 01 to 06, e.g. 02,04,06');
  const decryptKeyPath = values['decrypt-key'] ?? values.key;
  const decryptionKey = decryptKeyPath ? { keyPem: readText(decryptKeyPath, '--decrypt-key'), ...(identity.passphrase ? { passphrase: identity.passphrase } : {}) } : undefined;
  const outboundSuite = intOption(values.cipher, '--cipher', 1, 6)!;
  if (values['sign-outbound'] && !(values.cert && values.key)) throw new UsageError('--sign-outbound signs with --cert FILE and --key FILE');
  const encCerts = perPartnerFiles('partner-enc-cert', values['partner-enc-cert'], partners);
  for (const partner of partners) {
    const encryptTo = encCerts.get(partner.code);
    if (encryptTo || values['sign-outbound'] || values['zlib-outbound']) {
      partner.outboundServices = {
        cipherSuite: outboundSuite,
        ...(encryptTo ? { encryptTo } : {}),
        ...(values['sign-outbound'] ? { sign: { certPem: readText(values.cert!, '--cert'), keyPem: readText(values.key!, '--key'), ...(identity.passphrase ? { passphrase: identity.passphrase } : {}) } } : {}),
        compress: values['zlib-outbound'],
      };
    }
  }
  const ackCert = values['ack-sign-cert'] ?? values.cert;
  const ackKey = values['ack-sign-key'] ?? values.key;
  const trace = traceOption(values.trace);
  const server = new OftpServer({
    ...(ackCert && ackKey ? { ackSigner: { certPem: readText(ackCert, '--ack-sign-cert'), keyPem: readText(ackKey, '--ack-sign-key'), ...(identity.passphrase ? { passphrase: identity.passphrase } : {}) } } : {}),
    services: (partner: string) => ({
      ...(decryptionKey ? { decryptionKey } : {}),
      ...(signCerts.has(partner) ? { signerCertPem: signCerts.get(partner)! } : {}),
      ...(ciphers ? { allowedSuites: ciphers } : {}),
      requireSigned: values['require-signed'],
      requireEncrypted: values['require-encrypted'],
      allowCompressed: !values['no-zlib'],
    }),
    ...(anyAuth ? { secureAuth: { policy: (secureAuth ?? 'off') as 'required' | 'optional' | 'off', keyPem: readText(authKey!, '--auth-key'), ...(identity.passphrase ? { passphrase: identity.passphrase } : {}) } } : {}),
    ...(values.tls ? { tls: { ...identity, requireClientCert: values['require-client-cert'], ...(values.ca?.length ? { caPem: values.ca.map((f) => readText(f, '--ca')) } : {}) } } : {}),
    host: values.host,
    port,
    localCode: local.code,
    localPassword: local.password ?? '',
    partners,
    inbox: values.inbox!,
    outbox: values.outbox,
    timeoutMs: timeout * 1000,
    maxFileSize: sizeOption(values['max-file-size'], '--max-file-size'),
    allowDuplicates: values['allow-duplicates'],
    capabilities: {
      ...(values.buffer ? { bufferSize: intOption(values.buffer, '--buffer', 128, 99999)! } : {}),
      ...(values.credit ? { credit: intOption(values.credit, '--credit', 1, 999)! } : {}),
      ...(values['no-compress'] ? { compression: false } : {}),
      ...(values['no-restart'] ? { restart: false } : {}),
    },
    traceCommands: !!trace.sink,
    trace: (r) => {
      trace.sink?.(r);
      if (r.direction === 'event') process.stdout.write(`${now()} ${r.session} ${r.command}: ${r.summary}\n`);
    },
  });
  let address: { host: string; port: number };
  try {
    address = await server.listen();
  } catch (e) {
    process.stderr.write(`oftp2: cannot listen on ${values.host}:${port}: ${(e as Error).message}\n`);
    await trace.close();
    return 1;
  }
  process.stdout.write(`listening on ${address.host}:${address.port}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`${now()} ${signal}: finishing ${server.activeSessions} session(s)\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close(grace * 1000);
  await trace.close();
  process.stdout.write(`${now()} stopped\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// processes: validate and serve

async function validate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'no-files': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  if (!positionals.length) throw new UsageError('validate needs at least one process file');
  const { diagnostics, errors } = await validateFiles(positionals, { checkFiles: !values['no-files'] });
  for (const d of diagnostics) process.stdout.write(`${values.json ? JSON.stringify(d) : formatDiagnostic(d)}\n`);
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (!values.json) process.stderr.write(`${positionals.length} file(s): ${errors} error(s), ${warnings} warning(s)\n`);
  return errors ? 1 : 0;
}

type ServeValues = { [key: string]: string | boolean | string[] | undefined };

async function serveProcesses(files: string[], values: ServeValues, grace: number): Promise<number> {
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const processOnly = ['local', 'partner', 'partner-cert', 'partner-auth-cert', 'partner-sign-cert', 'partner-enc-cert', 'partner-secure-auth', 'decrypt-key', 'ack-sign-cert', 'ack-sign-key', 'auth-key', 'require-signed', 'require-encrypted', 'ciphers', 'max-file-size', 'allow-duplicates', 'outbox'];
  const clash = processOnly.filter((k) => values[k] !== undefined && values[k] !== false && !(Array.isArray(values[k]) && !(values[k] as string[]).length));
  if (clash.length) throw new UsageError(`with process files, partners and their certificates come from the processes: drop ${clash.map((k) => `--${k}`).join(', ')}`);
  const secureAuth = str('secure-auth');
  if (secureAuth !== undefined && secureAuth !== 'required' && secureAuth !== 'optional') throw new UsageError('with process files, --secure-auth is required (or optional, the default)');
  const { diagnostics, errors } = await validateFiles(files, { checkFiles: true });
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (errors) {
    process.stderr.write(`oftp2: not starting: ${errors} error(s) in the process files\n`);
    return 1;
  }
  const identity = tlsIdentity(values as Parameters<typeof tlsIdentity>[0]);
  if (values.tls && !identity.pfx && !identity.certPem) throw new UsageError('--tls needs our certificate: --cert FILE --key FILE, or --pfx FILE');
  if (!values.tls && values['require-client-cert']) throw new UsageError('--require-client-cert needs --tls');
  const port = intOption(str('port') ?? (values.tls ? '6619' : '3305'), '--port', 0, 65535)!;
  const trace = traceOption(str('trace'));
  const loaded = await Promise.all(files.map((file) => readProcess(file)));
  let runtime: ProcessRuntime;
  try {
    runtime = await ProcessRuntime.create(
      loaded,
      {
        host: str('host') ?? '127.0.0.1',
        port,
        inbox: str('inbox') ?? 'inbox',
        ...(values.tls ? { tls: { ...identity, requireClientCert: !!values['require-client-cert'], ...(values.ca ? { caPem: (values.ca as string[]).map((f) => readText(f, '--ca')) } : {}) } } : {}),
        requireSecureAuthentication: secureAuth === 'required',
        cipherSuite: intOption(str('cipher'), '--cipher', 1, 6)!,
        timeoutMs: intOption(str('timeout'), '--timeout', 1, 86400)! * 1000,
        capabilities: {
          ...(str('buffer') ? { bufferSize: intOption(str('buffer'), '--buffer', 128, 99999)! } : {}),
          ...(str('credit') ? { credit: intOption(str('credit'), '--credit', 1, 999)! } : {}),
          ...(values['no-compress'] ? { compression: false } : {}),
          ...(values['no-restart'] ? { restart: false } : {}),
        },
        traceCommands: !!trace.sink,
      },
      { resolveSecret: chainResolvers(envSecretResolver(), promptSecretResolver()) },
    );
  } catch (e) {
    process.stderr.write(`oftp2: cannot start: ${(e as Error).message}\n`);
    await trace.close();
    return 1;
  }
  runtime.on('trace', (r) => {
    trace.sink?.(r);
    if (r.direction === 'event') process.stdout.write(`${now()} ${r.session} ${r.command}: ${r.summary}\n`);
  });
  runtime.on('document-start', ({ process: name, document }) => {
    const p = document.properties;
    process.stdout.write(`${now()} ${name}: document ${document.id}: ${p['virtualFileName']} from ${p['partner']} (${p['size']} octets, ${p['document.standard']}${p['document.type'] ? ` ${p['document.type']}` : ''})\n`);
  });
  runtime.on('step', (e) => {
    const label = e.stepName ? `${e.step} "${e.stepName}"` : e.step;
    const output = e.output ? ` -> ${e.output}` : '';
    const set = e.propertiesSet && Object.keys(e.propertiesSet).length ? ` set ${Object.entries(e.propertiesSet).map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
    process.stdout.write(`${now()} ${e.process}: document ${e.document}: step ${label} (${e.stepType})${output}${e.detail ? `: ${e.detail}` : ''}${set}${e.error ? ` ERROR ${e.error}` : ''} [${e.durationMs.toFixed(1)} ms]\n`);
  });
  runtime.on('notify', (n) => process.stdout.write(`${now()} ${n.process}: document ${n.document}: ${n.level.toUpperCase()} ${n.message}\n`));
  runtime.on('document-end', (d: DocumentEnd) => {
    const o = d.outcome;
    const how = o.status === 'failed' ? `failed at ${o.step}: ${o.text}` : o.status === 'completed' ? `completed at ${o.endedAt}` : `${o.status} at ${o.step}`;
    const receipt = d.receipt.kind === 'NERP' ? `NERP ${String(d.receipt.reason).padStart(2, '0')} (${describeReason('NERP', d.receipt.reason)}) owed` : d.receipt.kind === 'EERP' ? 'EERP owed' : `no receipt now: ${d.receipt.why}`;
    process.stdout.write(`${now()} ${d.process}: document ${d.document.id} ${how}; ${receipt}\n`);
  });
  let address: { host: string; port: number };
  try {
    address = await runtime.listen();
  } catch (e) {
    process.stderr.write(`oftp2: cannot listen on ${str('host') ?? '127.0.0.1'}:${port}: ${(e as Error).message}\n`);
    await trace.close();
    return 1;
  }
  process.stdout.write(`listening on ${address.host}:${address.port} for ${loaded.map((l) => `"${l.process.name}"`).join(', ')}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`${now()} ${signal}: finishing ${runtime.server.activeSessions} session(s)\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await runtime.close(grace * 1000);
  await trace.close();
  process.stdout.write(`${now()} stopped\n`);
  return 0;
}

async function send(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      local: { type: 'string' },
      partner: { type: 'string' },
      dsn: { type: 'string' },
      format: { type: 'string', default: 'U' },
      'record-length': { type: 'string' },
      buffer: { type: 'string' },
      credit: { type: 'string' },
      compress: { type: 'boolean', default: false },
      'no-restart': { type: 'boolean', default: false },
      'wait-eerp': { type: 'string' },
      inbox: { type: 'string' },
      level: { type: 'string' },
      timeout: { type: 'string', default: '90' },
      trace: { type: 'string' },
      ...TLS_OPTIONS,
      pin: { type: 'string' },
      'secure-auth': { type: 'boolean', default: false },
      'auth-key': { type: 'string' },
      'partner-auth-cert': { type: 'string' },
      sign: { type: 'boolean', default: false },
      'sign-cert': { type: 'string' },
      'sign-key': { type: 'string' },
      encrypt: { type: 'boolean', default: false },
      'partner-enc-cert': { type: 'string' },
      zlib: { type: 'boolean', default: false },
      cipher: { type: 'string', default: '02' },
      'sign-eerp': { type: 'boolean', default: false },
      'partner-ack-cert': { type: 'string' },
      'decrypt-key': { type: 'string' },
      'partner-sign-cert': { type: 'string' },
    },
  });
  if (values['sign-eerp'] && !values['partner-ack-cert']) throw new UsageError('--sign-eerp needs --partner-ack-cert FILE to verify the receipt with');
  const suite = intOption(values.cipher, '--cipher', 1, 6)!;
  const signCert = values['sign-cert'] ?? values.cert;
  const signKey = values['sign-key'] ?? values.key;
  if (values.sign && (!signCert || !signKey)) throw new UsageError('--sign needs --sign-cert FILE and --sign-key FILE (or --cert and --key)');
  if (values.encrypt && !values['partner-enc-cert']) throw new UsageError('--encrypt needs --partner-enc-cert FILE');
  const services = values.sign || values.encrypt || values.zlib || values['sign-eerp']
    ? {
        cipherSuite: suite,
        signedEerp: values['sign-eerp'],
        ...(values.sign ? { sign: { certPem: readText(signCert!, '--sign-cert'), keyPem: readText(signKey!, '--sign-key'), ...(process.env.OFTP2_KEY_PASSPHRASE ? { passphrase: process.env.OFTP2_KEY_PASSPHRASE } : {}) } } : {}),
        ...(values.encrypt ? { encryptTo: readText(values['partner-enc-cert']!, '--partner-enc-cert') } : {}),
        compress: values.zlib,
      }
    : undefined;
  if (values['secure-auth'] && (!(values['auth-key'] ?? values.key) || !values['partner-auth-cert'])) {
    throw new UsageError('--secure-auth needs --auth-key FILE (or --key FILE) and --partner-auth-cert FILE');
  }
  if (!values.to) throw new UsageError('send needs --to HOST:PORT');
  if (!values.tls && (values.pin || values.ca?.length)) throw new UsageError('--ca and --pin need --tls');
  const to = /^(.+):(\d+)$/.exec(values.to);
  if (!to) throw new UsageError(`--to must be HOST:PORT, not ${JSON.stringify(values.to)}`);
  const port = intOption(to[2], '--to port', 1, 65535)!;
  if (!values.local) throw new UsageError('send needs --local ID:PASSWORD');
  if (!values.partner) throw new UsageError('send needs --partner ID[:PASSWORD]');
  const local = splitId(values.local, '--local', true);
  const partner = splitId(values.partner, '--partner', false);
  if (values.dsn !== undefined && positionals.length > 1) throw new UsageError('--dsn names one file; give one file with it');
  const format = values.format!.toUpperCase();
  if (!['U', 'F', 'V', 'T'].includes(format)) throw new UsageError(`--format must be U, F, V or T, not ${JSON.stringify(values.format)}`);
  const recordLength = intOption(values['record-length'], '--record-length', 1, 99999);
  if ((format === 'F' || format === 'V') && recordLength === undefined) throw new UsageError(`--format ${format} needs --record-length`);
  const waitEerp = intOption(values['wait-eerp'], '--wait-eerp', 0, 86400);
  const level = values.level === undefined ? undefined : Number(values.level);
  if (level !== undefined && ![1, 2, 4, 5].includes(level)) throw new UsageError(`--level must be 1, 2, 4 or 5, not ${JSON.stringify(values.level)}`);
  if (positionals.length === 0 && !values.inbox) throw new UsageError('send needs at least one FILE (or --inbox DIR to only collect files and receipts)');
  const timeout = intOption(values.timeout, '--timeout', 1, 86400)!;
  const trace = traceOption(values.trace);
  let result: ClientResult;
  try {
    result = await runClient({
      host: to[1]!,
      port,
      localCode: local.code,
      localPassword: local.password!,
      partnerCode: partner.code,
      ...(partner.password !== undefined ? { partnerPassword: partner.password } : {}),
      files: positionals.map((path) => ({
        path,
        format: format as 'U' | 'F' | 'V' | 'T',
        ...(recordLength !== undefined ? { recordLength } : {}),
        ...(values.dsn !== undefined ? { datasetName: values.dsn } : {}),
        ...(services ? { services } : {}),
      })),
      capabilities: {
        ...(values.buffer ? { bufferSize: intOption(values.buffer, '--buffer', 128, 99999)! } : {}),
        ...(values.credit ? { credit: intOption(values.credit, '--credit', 1, 999)! } : {}),
        compression: values.compress,
        ...(level !== undefined ? { level } : {}),
        ...(values['no-restart'] ? { restart: false } : {}),
      },
      timeoutMs: timeout * 1000,
      ...(values.inbox ? { inbox: values.inbox } : {}),
      ...(waitEerp !== undefined ? { waitEerpMs: waitEerp * 1000 } : {}),
      trace: trace.sink,
      ...(values.inbox && (values['decrypt-key'] ?? values.key ?? values['partner-sign-cert'])
        ? {
            inboundServices: {
              ...((values['decrypt-key'] ?? values.key) ? { decryptionKey: { keyPem: readText((values['decrypt-key'] ?? values.key)!, '--decrypt-key') } } : {}),
              ...(values['partner-sign-cert'] ? { signerCertPem: readText(values['partner-sign-cert'], '--partner-sign-cert') } : {}),
            },
          }
        : {}),
      ...(values['partner-ack-cert'] ? { partnerAckCertPem: readText(values['partner-ack-cert'], '--partner-ack-cert') } : {}),
      ...(values['secure-auth'] ? { secureAuth: { keyPem: readText((values['auth-key'] ?? values.key)!, '--auth-key'), partnerCertPem: readText(values['partner-auth-cert']!, '--partner-auth-cert'), ...(tlsIdentity(values).passphrase ? { passphrase: tlsIdentity(values).passphrase } : {}) } } : {}),
      ...(values.tls ? { tls: { ...tlsIdentity(values), ...(values.ca?.length ? { caPem: values.ca.map((f) => readText(f, '--ca')) } : {}), ...(values.pin ? { pinnedFingerprint: values.pin } : {}) } } : {}),
    });
  } finally {
    await trace.close();
  }
  for (const f of result.files) {
    const what = f.status === 'sent' ? `sent as ${f.datasetName} ${f.date} ${f.time}` : f.status === 'refused' && f.refusal ? `refused: ${f.refusal.command} ${describeReason(f.refusal.command, f.refusal.reason)}${f.refusal.text ? ` (${f.refusal.text})` : ''}, retry ${f.refusal.retry ? 'Y' : 'N'}` : 'not sent';
    const signature = f.receipt?.signature ? (f.receipt.signature.valid ? ` (signature valid, ${f.receipt.signature.detail})` : ` (SIGNATURE NOT VALID: ${f.receipt.signature.detail})`) : '';
    const receipt = f.receipt ? (f.receipt.type === 'EERP' ? `, EERP received${signature}` : `, NERP ${describeReason('NERP', f.receipt.reason!)}${signature}`) : f.status === 'sent' ? ', no EERP yet' : '';
    process.stdout.write(`${f.path}: ${what}${receipt}\n`);
  }
  if (!result.ok) {
    process.stderr.write(`oftp2: ${result.error}\n`);
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// TLS and certificates

const TLS_OPTIONS = {
  tls: { type: 'boolean', default: false },
  cert: { type: 'string' },
  key: { type: 'string' },
  pfx: { type: 'string' },
  'passphrase-file': { type: 'string' },
  ca: { type: 'string', multiple: true },
} as const;

function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Our certificate and key from the options; the passphrase from a file or OFTP2_KEY_PASSPHRASE, never argv. */
function tlsIdentity(values: { cert?: string; key?: string; pfx?: string; 'passphrase-file'?: string }): TlsIdentity {
  const passphrase = values['passphrase-file'] ? readText(values['passphrase-file'], '--passphrase-file').trim() : process.env.OFTP2_KEY_PASSPHRASE;
  if (values.pfx && (values.cert || values.key)) throw new UsageError('give --pfx, or --cert with --key, not both');
  if (!!values.cert !== !!values.key) throw new UsageError('--cert and --key go together');
  let pfx: Buffer | undefined;
  if (values.pfx) {
    try {
      pfx = readFileSync(values.pfx);
    } catch (e) {
      throw new UsageError(`--pfx: cannot read ${values.pfx}: ${(e as Error).message}`);
    }
  }
  return {
    ...(pfx ? { pfx } : {}),
    ...(values.cert ? { certPem: readText(values.cert, '--cert'), keyPem: readText(values.key!, '--key') } : {}),
    ...(passphrase ? { passphrase } : {}),
  };
}

async function certs(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      local: { type: 'string' },
      partner: { type: 'string', multiple: true },
      'passphrase-file': { type: 'string' },
      host: { type: 'string', multiple: true },
      days: { type: 'string', default: '365' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('certs needs one folder to write to');
  const days = intOption(values.days, '--days', 1, 36500)!;
  const dir = positionals[0]!;
  const names = [values.local ?? 'server', ...(values.partner ?? ['partner'])];
  for (const n of names) if (!/^[A-Za-z0-9._-]+$/.test(n)) throw new UsageError(`certificate name ${JSON.stringify(n)} may hold only letters, digits, . _ -`);
  let passphrase = values['passphrase-file'] ? readText(values['passphrase-file'], '--passphrase-file').trim() : process.env.OFTP2_KEY_PASSPHRASE;
  const written: string[] = [];
  if (!passphrase) {
    passphrase = randomBytes(12).toString('base64url');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'p12-passphrase.txt'), `${passphrase}\n`, { mode: 0o600 });
    written.push('p12-passphrase.txt');
  }
  const set = await writeDevCertificates(dir, names.map((name) => ({ name })), passphrase, values.host?.length ? values.host : undefined, days);
  written.push(...set.files);
  for (const f of written) process.stdout.write(`${join(dir, f)}\n`);
  for (const n of names) process.stdout.write(`${n}: SHA-256 ${fingerprint(readFileSync(join(dir, `${n}.pem`), 'utf8'))}\n`);
  return 0;
}

void runMain();
