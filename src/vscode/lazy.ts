// Loads the engine (engine.ts, bundled as dist/engine.js) the first time a command, an editor, the trace
// panel, a debug session or the Problems-panel validation needs it. Activation never does: VS Code counts
// the loading of dist/extension.js in the extension's activation time, and the engine's libraries (node-forge,
// ajv, dagre, the debug adapter) took about 270 ms of it.
import type * as Engine from './engine';

let loaded: typeof Engine | undefined;

/** The engine module, loaded on first call. */
export function engine(): typeof Engine {
  // A plain require on purpose: the build keeps it as a runtime require of dist/engine.js (scripts/build.mjs).
  return (loaded ??= require('./engine') as typeof Engine);
}

/** Whether the engine has been loaded (activation-time tests check it has not). */
export function engineLoaded(): boolean {
  return loaded !== undefined;
}
