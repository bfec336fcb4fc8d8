// Human-readable one-line summaries and field listings of decoded commands, shared by the CLI and traces.
import type { OftpCommand } from './commands';
import { parseSubrecords } from './data';
import type { FieldInfo } from './fields';
import { describeReason } from './reasons';

export const SECRET_MASK = '********';

const LEVEL_NAMES: Record<number, string> = { 1: 'OFTP 1.2/1.3', 2: 'OFTP 1.3', 4: 'OFTP 1.4', 5: 'OFTP 2.0' };
const yn = (b: boolean): string => (b ? 'Y' : 'N');
const kib = (blocks: number): string => `${blocks} KiB`;

export function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? (level > 5 ? `level ${level} (newer than OFTP 2.0)` : `level ${level}`);
}

/** A short description of a DATA payload: subrecords, data octets, end-of-record marks. */
export function describeDataPayload(payload: Buffer): string {
  try {
    const subs = parseSubrecords(payload);
    let octets = 0;
    let compressed = 0;
    let eor = 0;
    for (const s of subs) {
      octets += s.count;
      if (s.compressed) compressed++;
      if (s.endOfRecord) eor++;
    }
    return `${octets} data octets in ${subs.length} subrecords${compressed ? ` (${compressed} compressed)` : ''}${eor ? `, ${eor} end-of-record` : ''}`;
  } catch (e) {
    return `malformed: ${(e as Error).message}`;
  }
}

/** One line saying what the command means, with secrets masked unless asked. */
export function summarizeCommand(c: OftpCommand, options: { showSecrets?: boolean } = {}): string {
  switch (c.type) {
    case 'SSRM':
      return 'responder ready';
    case 'SSID':
      return `${levelName(c.level)}, id ${c.code || '(blank)'}, password ${options.showSecrets ? JSON.stringify(c.password) : c.password ? SECRET_MASK : '(blank)'}, buffer ${c.bufferSize}, mode ${c.mode}, credit ${c.credit}, compression ${yn(c.compression)}, restart ${yn(c.restart)}, special logic ${yn(c.specialLogic)}, secure auth ${yn(c.secureAuthentication)}${c.userData ? `, user data ${JSON.stringify(c.userData)}` : ''}`;
    case 'SECD':
      return 'security change direction';
    case 'AUCH':
      return `challenge of ${c.challenge.length} octets`;
    case 'AURP':
      return `response ${c.response.toString('hex')}`;
    case 'SFID': {
      const services = [
        c.securityLevel ? `security ${String(c.securityLevel).padStart(2, '0')}` : '',
        c.cipherSuite ? `cipher suite ${String(c.cipherSuite).padStart(2, '0')}` : '',
        c.compression ? 'compressed' : '',
        c.envelope ? 'CMS envelope' : '',
        c.signedEerp ? 'signed EERP requested' : '',
      ].filter(Boolean);
      return `${c.datasetName || '(blank)'} ${c.date} ${c.time}, ${c.originator || '(blank)'} -> ${c.destination || '(blank)'}, format ${c.format}${c.maxRecordLength ? ` lrecl ${c.maxRecordLength}` : ''}, size ${kib(c.fileSize)}${c.originalFileSize && c.originalFileSize !== c.fileSize ? ` (original ${kib(c.originalFileSize)})` : ''}, restart ${c.restartPosition}${services.length ? `, ${services.join(', ')}` : ''}${c.userData ? `, user data ${JSON.stringify(c.userData)}` : ''}${c.description ? `, description ${JSON.stringify(c.description)}` : ''}`;
    }
    case 'SFPA':
      return `accepted, restart count ${c.restartCount}`;
    case 'SFNA':
      return `refused: ${describeReason('SFNA', c.reason)}, retry ${yn(c.retry)}${c.text ? `: ${JSON.stringify(c.text)}` : ''}`;
    case 'DATA':
      return describeDataPayload(c.payload);
    case 'CDT':
      return 'credit';
    case 'EFID':
      return `end of file: ${c.recordCount} records, ${c.unitCount} octets`;
    case 'EFPA':
      return `accepted${c.changeDirection ? ', listener wants to speak (CD requested)' : ''}`;
    case 'EFNA':
      return `refused: ${describeReason('EFNA', c.reason)}${c.text ? `: ${JSON.stringify(c.text)}` : ''}`;
    case 'ESID':
      return `${describeReason('ESID', c.reason)}${c.text ? `: ${JSON.stringify(c.text)}` : ''}`;
    case 'CD':
      return 'change direction';
    case 'EERP':
      return `receipt for ${c.datasetName} ${c.date} ${c.time} from ${c.originator} to ${c.destination}${c.signature.length ? `, signed (hash ${c.hash.length}, signature ${c.signature.length} octets)` : ''}`;
    case 'NERP':
      return `negative receipt for ${c.datasetName} ${c.date} ${c.time}: ${describeReason('NERP', c.reason)}${c.text ? `: ${JSON.stringify(c.text)}` : ''}, created by ${c.creator} for ${c.destination}${c.signature.length ? ', signed' : ''}`;
    case 'RTR':
      return 'ready to receive';
  }
}

/** A field's value as shown to people, masked when secret. */
export function showField(f: FieldInfo, showSecrets = false): string {
  if (f.secret && !showSecrets) return f.value === '' ? '(blank)' : SECRET_MASK;
  return typeof f.value === 'string' ? JSON.stringify(f.value) : String(f.value);
}
