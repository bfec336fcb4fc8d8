// Received files for process tests: a sidecar (ReceivedFileMeta) like the inbox writes, and the stored file.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReceivedFileMeta } from '../../src/oftp/inbox';
import { sha256 } from '../helpers/files';

export const DELFOR = Buffer.from("UNB+UNOA:3+O0013000093:OD+O0013000001VW:OD+260115:0830+778'\nUNH+1+DELFOR:D:96A:UN'\nBGM+241+1'\nUNT+3+1'\nUNZ+1+778'\n");

export function receivedMeta(over: Partial<ReceivedFileMeta> = {}, content: Buffer = DELFOR): ReceivedFileMeta {
  return {
    file: 'O0013THEM/DELFOR.0001_20261128_1200000001',
    partner: 'O0013THEM',
    session: 'S7',
    sfid: {
      datasetName: 'DELFOR.0001',
      date: '20261128',
      time: '1200000001',
      userData: 'U1',
      destination: 'O0013US',
      originator: 'O0013THEM',
      format: 'U',
      maxRecordLength: 0,
      fileSize: 1,
      originalFileSize: 2,
      restartPosition: 0,
      securityLevel: 3,
      cipherSuite: 2,
      compression: 1,
      envelope: 1,
      signedEerp: true,
      description: 'delivery schedule',
    },
    startedAt: '2026-11-28T12:00:00.000Z',
    receivedAt: '2026-11-28T12:00:01.000Z',
    size: content.length,
    records: 0,
    units: content.length,
    sha256: sha256(content),
    services: [
      { kind: 'enveloped', algorithm: 'aes256-cbc' },
      { kind: 'compressed', algorithm: 'zlib' },
      { kind: 'signed', algorithm: 'sha256', signer: 'CN=Partner Ltd' },
    ],
    tolerances: [],
    eerp: { status: 'pending' },
    ...over,
  };
}

export async function storeReceived(inbox: string, meta: ReceivedFileMeta, content: Buffer): Promise<void> {
  const path = join(inbox, meta.file);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
}
