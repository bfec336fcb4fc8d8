// The messages between the visual process editor's webview and the extension host: one typed union each
// way, shared by both sides (like vscode-hexeditor's shared/protocol.ts). The text document stays the single
// source of truth: the host parses it and sends the model; the webview asks for edits as operations, which
// the host turns into minimal text edits (src/process/edits.ts).
import type { Diagnostic } from './diagnostics';
import type { Position, ProcessFile, ProcessingStep } from './model';

/** A JSON path into the process file, e.g. ['steps', 2, 'condition', 'value'] or ['start', 'operation', 'acknowledge']. */
export type JsonPath = Array<string | number>;

/** What the webview asks the host to change. Each becomes one undoable text edit. */
export type EditOperation =
  /** Adds a step of a type with default settings at a canvas position, optionally connected from an output. */
  | { kind: 'addStep'; stepType: ProcessingStep['type']; position: Position; connectFrom?: { step: string; output: string } }
  /** Moves steps on the canvas (writes their `position`). */
  | { kind: 'moveSteps'; moves: Array<{ id: string; position: Position }> }
  /** Deletes steps and every connection to or from them. The Start step cannot be deleted. */
  | { kind: 'deleteSteps'; ids: string[] }
  /** Connects an output to a step; an existing connection from that output is replaced (reconnect). */
  | { kind: 'connect'; from: string; output: string; to: string }
  /** Removes the connection leaving an output. */
  | { kind: 'disconnect'; from: string; output: string }
  /** Sets (or, with value undefined, removes) one value. Secrets never travel this way: see setSecret. */
  | { kind: 'setValue'; path: JsonPath; value: unknown }
  /** Pastes copied steps (ids are made unique) and the connections among them, offset on the canvas. */
  | { kind: 'pasteSteps'; steps: ProcessingStep[]; connections: Array<{ from: string; output: string; to: string }>; offset: Position }
  /** Renames a step id and every connection that refers to it. */
  | { kind: 'renameStep'; from: string; to: string }
  /** Lays out every step (or only those without a position) with the automatic layout. */
  | { kind: 'arrange'; onlyUnplaced?: boolean };

/** A problem of the document, as the editor shows it on the canvas and beside form fields. */
export interface EditorDiagnostic extends Diagnostic {
  /** The JSON path of the value the diagnostic is about, so the form can show it beside the field. */
  path?: JsonPath;
}

/** A document of a debug run as a step's list shows it. */
export interface RunDocument {
  id: string;
  /** The virtual file name (SFIDDSN). */
  name: string;
  /** passed (went on), failed (an error at this step), paused (waiting here at a breakpoint). */
  status: 'passed' | 'failed' | 'paused';
  /** The output it left through, or the error. */
  detail?: string;
  properties: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------
// host → webview

export type ToWebviewMessage =
  /** The document as parsed now. `process` is absent when the text is not a process file (see `error`). */
  | {
      type: 'document';
      version: number;
      process?: ProcessFile;
      /** Why the text cannot be shown as a diagram (JSON syntax, not a process file), with the first position. */
      error?: { message: string; line: number; character: number };
      diagnostics: EditorDiagnostic[];
      readOnly: boolean;
      /** The file's name, for titles. */
      fileName: string;
    }
  /** Select steps (a problem clicked in the Problems panel, a debugger stop). */
  | { type: 'select'; ids: string[] }
  /** Answer to pickFile: a path relative to the process file, or undefined when cancelled. */
  | { type: 'pickedFile'; requestId: number; path?: string }
  /**
   * A debug run on the canvas: documents counted per step (all that passed, and those that failed there), the
   * steps a paused document waits at, and per step the latest documents that passed it with their properties.
   */
  | { type: 'runState'; counts: Record<string, number>; failed?: Record<string, number>; paused?: string[]; documents?: Record<string, RunDocument[]> }
  /** Steps that carry a breakpoint. */
  | { type: 'breakpoints'; ids: string[] }
  /** Fit the diagram into view (command). */
  | { type: 'fit' };

// ---------------------------------------------------------------------------------------------------------
// webview → host

export type FromWebviewMessage =
  /** The webview is loaded and wants the document. */
  | { type: 'ready' }
  | { type: 'edit'; operation: EditOperation }
  /** The selection changed (the host reveals the step's line in a text editor open beside). */
  | { type: 'selected'; ids: string[] }
  | { type: 'openAsText' }
  /** Pick a file from the workspace for a certificate field. */
  | { type: 'pickFile'; requestId: number; purpose: 'certificate' | 'privateKey' | 'pkcs12' | 'folder' }
  /**
   * Store a secret's value in SecretStorage under `name` and write the reference {"secret": name} at `path`.
   * The value never reaches the text document.
   */
  | { type: 'setSecret'; path: JsonPath; name: string; value: string }
  | { type: 'toggleBreakpoint'; id: string }
  /** Something the user should see (e.g. a paste that could not be read). */
  | { type: 'error'; message: string };
