// TEMPORARY stub until the process-edits branch merges.
import type { EditOperation } from './editor-protocol';
export function applyOperation(_text: string, _op: EditOperation, _o?: unknown): { edits: Array<{ offset: number; length: number; content: string }>; selection?: string[] } { throw new Error('not yet'); }
