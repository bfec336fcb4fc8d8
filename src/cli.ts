// The `oftp2` command line: a thin face over src/oftp. `oftp2 decode` prints a captured OFTP stream command
// by command with every field; later subcommands (serve, send) drive the same engine.
import { mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCapture, CaptureFormatError, type CaptureFormat } from './oftp/capture';
import { OftpDecodeError } from './oftp/codec/errors';
import { showField, summarizeCommand } from './oftp/codec/describe';
import { TOLERANCES } from './oftp/codec/tolerances';
import { OftpStreamDecoder, type StreamEntry } from './oftp/stream-decoder';

const USAGE = `usage: oftp2 <command> [options]

commands:
  decode [FILE|-]   decode one side of a captured OFTP stream (binary or hex dump) command by command
    --format F      auto (default), hex or binary
    --level N       protocol level to decode at (1, 2, 4, 5); default: from the SSID in the stream
    --json          one JSON object per command
    --brief         one line per command, without the field listing
    --show-secrets  print passwords instead of ********
    --extract DIR   write each virtual file carried by DATA to DIR

exit status: 0 decoded, 1 malformed input, 2 bad arguments`;

class UsageError extends Error {}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'decode':
        return decode(rest);
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
      ? (sfid, bytes, index) => {
          // The name is ours, never the partner's dataset name, so nothing in the capture picks the path.
          const path = join(values.extract!, `${String(index).padStart(3, '0')}.bin`);
          if (extracted.has(path)) appendFileSync(path, bytes);
          else writeFileSync(path, bytes);
          extracted.add(path);
          void sfid;
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

process.exitCode = main(process.argv.slice(2));
