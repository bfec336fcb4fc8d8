// The text of a new process file ("OFTP2: New Process"): a listening Start step with placeholder identities
// whose passwords are secret references, a Disk step that stores each file and a Stop, laid out left to right.
import { SCHEMA_VERSION, type ProcessFile } from './model';

/** A lower-case, dash-separated id fragment from a display name. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'process';
}

export function newProcess(name: string): ProcessFile {
  return {
    schemaVersion: SCHEMA_VERSION,
    name,
    description: 'Receives files from a trading partner over OFTP2 and stores them.',
    options: { allowSimultaneousExecutions: true },
    start: {
      id: 'start',
      type: 'start',
      startType: 'tradingPartner',
      name: 'Receive files',
      standard: 'custom',
      communicationMethod: 'OFTP2',
      errorHandling: 'stopProcessOnError',
      myCompany: { name: 'My Company', odetteId: 'O0013MYCOMPANY', password: { secret: 'my-company-password' } },
      tradingPartners: [{ name: 'Partner', odetteId: 'O0013PARTNER', password: { secret: 'partner-password' } }],
      // No signed EERPs on request until My Company has an acknowledgment signing certificate (otherwise the
      // new file starts with an acknowledge-needs-signing-cert warning).
      operation: { type: 'oftp2ServerListen', duplicateCheck: true, signedEerpOnRequest: false, acknowledge: 'afterProcessing' },
      position: { x: 40, y: 120 },
    },
    steps: [
      { id: 'store', type: 'disk', name: 'Store file', folder: 'received/${partner}', fileName: '${virtualFileName}_${sfid.date}${sfid.time}', ifExists: 'unique', position: { x: 300, y: 120 } },
      { id: 'done', type: 'stop', name: 'Done', position: { x: 560, y: 120 } },
    ],
    connections: [
      { from: 'start', output: 'documents', to: 'store' },
      { from: 'store', output: 'next', to: 'done' },
    ],
  };
}

export function newProcessText(name: string): string {
  return `${JSON.stringify(newProcess(name), null, 2)}\n`;
}
