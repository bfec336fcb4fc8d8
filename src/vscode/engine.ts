// The heavy part of the extension (OFTP2 engine, process validation and editing, certificates, the debug
// adapter; node-forge, ajv, dagre, jsonc-parser, @vscode/debugadapter), bundled apart into dist/engine.js
// and loaded on first use through lazy.ts, so that activation only loads the small dist/extension.js.
// Pure Node: nothing here imports `vscode`.
export { getLocation } from 'jsonc-parser';
export { validateWorkspace } from '../process/validate';
export { applyOperation } from '../process/edits';
export { parseProcessText } from '../process/load';
export { locateStep, stepAtLine } from '../process/locate';
export { readCapture } from '../oftp/capture';
export { summarizeCommand } from '../oftp/codec/describe';
export { describeReason } from '../oftp/codec/reasons';
export { OftpStreamDecoder } from '../oftp/stream-decoder';
export { writeDevCertificates } from '../oftp/security/certs';
export { formatTrace, parseJsonLines, parseTrace } from '../oftp/trace-file';
export { partnersOf, readProcess } from '../process/runtime';
export { sendTestFile } from '../process/test-client';
export { OftpDebugSession } from './debug/oftp-debug-session';
