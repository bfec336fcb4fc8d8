// The visual process editor's webview: the canvas (@xyflow/react) with a palette, a toolbar and a properties
// panel. It renders what the host parses and never changes the model itself: every action is an operation the
// host turns into a text edit, and the next `document` message shows the result.
import { memo, StrictMode, useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { createRoot } from 'react-dom/client';
import {
  Background,
  Controls,
  Handle,
  MiniMap,
  Position as Side,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection as FlowConnection,
  type Edge,
  type Node,
  type NodeProps,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import '@vscode/codicons/dist/codicon.css';
import './editor.css';
import type { EditOperation, EditorDiagnostic, RunDocument, ToWebviewMessage } from '../../src/process/editor-protocol';
import type { ProcessFile, ProcessingStep } from '../../src/process/model';
import { Button, loadControls, loadControlsAfterDrawing } from './controls';
import { PropertiesPanel, type Ctx } from './forms';
import {
  centredPosition,
  copyPayload,
  keyboardMove,
  outputHandleTop,
  PALETTE_GROUPS,
  parseClipboard,
  pasteOperation,
  STEP_META,
  TARGET_HANDLE,
  toFlowEdges,
  toFlowNodes,
  type StepNodeData,
} from './graph';
import { loadState, onMessage, post, saveState } from './vscode-api';

type DocumentMessage = Extract<ToWebviewMessage, { type: 'document' }>;

const edit = (operation: EditOperation): void => post({ type: 'edit', operation });

/**
 * The previous render's objects for those whose content did not change, so React Flow (and the memoized
 * step nodes) redraw only what an edit touched: on a 250-step process one move would otherwise re-render and
 * re-measure every node and edge.
 */
function keepUnchanged<T extends { id: string }>(cache: Map<string, { key: string; value: T }>, next: T[]): T[] {
  const seen = new Set<string>();
  const out = next.map((value) => {
    seen.add(value.id);
    const key = JSON.stringify(value);
    const old = cache.get(value.id);
    if (old && old.key === key) return old.value;
    cache.set(value.id, { key, value });
    return value;
  });
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
  return out;
}

/**
 * Above this many steps only what is in view is drawn (React Flow culling), and the canvas opens at 100 %
 * with the top-left step in the corner, as Boomi opens a process, instead of fitting everything at a zoom
 * where nothing can be read.
 */
const CULL_ABOVE = 80;

/** When the host last asked for a fit (Arrange), and how long a document arriving after it still gets one. */
let fitRequestedAt = -Infinity;
const FIT_WINDOW_MS = 2000;

function startViewport(nodes: ReadonlyArray<{ position: { x: number; y: number } }>): { x: number; y: number; zoom: number } {
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  return { x: 24 - minX, y: 24 - minY, zoom: 1 };
}

/**
 * Marks for benchmarks and tests: `oftp2:drawn` once the steps in view of a document version are on screen.
 * React Flow keeps a node hidden until it has measured it, so "drawn" is: some nodes, none hidden.
 */
function DrawnMark({ version }: { version: number }) {
  useEffect(() => {
    let frame = 0;
    let tries = 0;
    const check = (): void => {
      const nodes = document.querySelectorAll<HTMLElement>('.react-flow__node');
      if ((nodes.length && ![...nodes].some((n) => n.style.visibility === 'hidden')) || ++tries > 600) {
        performance.mark('oftp2:drawn', { detail: { version, nodes: nodes.length } });
        return;
      }
      frame = requestAnimationFrame(check);
    };
    frame = requestAnimationFrame(check);
    return () => cancelAnimationFrame(frame);
  }, [version]);
  return null;
}

const StepNode = memo(function StepNode({ data, selected }: NodeProps<Node<StepNodeData>>) {
  const { step, outputs, connected, diagnostics, breakpoint, runCount, failedCount, paused } = data;
  const meta = STEP_META[step.type];
  return (
    <div className={`step-node type-${step.type}${selected ? ' selected' : ''}${paused ? ' paused' : ''}${diagnostics.errors ? ' has-errors' : diagnostics.warnings ? ' has-warnings' : ''}`}>
      {step.type !== 'start' && <Handle type="target" position={Side.Left} id={TARGET_HANDLE} className="handle-in" />}
      <div className="step-icon">
        <span className={`codicon codicon-${meta?.icon ?? 'symbol-misc'}`} />
      </div>
      <div className="step-text">
        <div className="step-name">{step.name ?? step.id}</div>
        <div className="step-type">{meta?.label}</div>
      </div>
      <div className="step-badges">
        {breakpoint && <span className="badge breakpoint" title="Breakpoint" aria-label="breakpoint" />}
        {diagnostics.errors > 0 && <span className="badge errors" title={`${diagnostics.errors} error(s)`}><span className="codicon codicon-error" />{diagnostics.errors}</span>}
        {diagnostics.errors === 0 && diagnostics.warnings > 0 && <span className="badge warnings" title={`${diagnostics.warnings} warning(s)`}><span className="codicon codicon-warning" />{diagnostics.warnings}</span>}
        {runCount !== undefined && <span className="badge count" title={`${runCount} document(s) passed this step in this run`}>{runCount}</span>}
        {failedCount ? <span className="badge failed" title={`${failedCount} document(s) failed at this step`}><span className="codicon codicon-error" />{failedCount}</span> : null}
      </div>
      {outputs.map((o, i) => (
        <Handle key={o} type="source" position={Side.Right} id={o} style={{ top: outputHandleTop(i, outputs.length) }} className="handle-out">
          {/* A connected output is named on its edge; an open one beside its handle. */}
          {!connected.includes(o) && o !== 'next' ? <span className="handle-label">{o}</span> : null}
        </Handle>
      ))}
    </div>
  );
});

const nodeTypes = { step: StepNode };

function Canvas({ doc, runCounts, runFailed, paused, breakpoints, selected, setSelected }: {
  doc: DocumentMessage & { process: ProcessFile };
  runCounts: Record<string, number>;
  runFailed: Record<string, number>;
  paused: Set<string>;
  breakpoints: Set<string>;
  selected: Set<string>;
  setSelected: (ids: Set<string>) => void;
}) {
  const flow = useReactFlow();
  const process = doc.process;
  const readOnly = doc.readOnly;
  const [dragging, setDragging] = useState<Record<string, { x: number; y: number }>>({});
  const wrapper = useRef<HTMLDivElement>(null);
  const clipboard = useRef<string | undefined>(undefined);
  // Until the user pans or zooms, the diagram keeps fitting the canvas as the editor settles to its size
  // (the first fit can happen while the editor area is still being laid out, leaving it tiny).
  const userMoved = useRef(!!loadState().viewport);
  useEffect(() => {
    const el = wrapper.current?.querySelector('.flow');
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (!userMoved.current && flow.getNodes().length <= CULL_ABOVE) void flow.fitView({ padding: 0.08, maxZoom: 1 });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [flow]);

  // A fit asked for with an edit (Arrange) races the edited document: fit again once that document is drawn.
  useEffect(() => {
    if (performance.now() - fitRequestedAt > FIT_WINDOW_MS) return;
    const frame = requestAnimationFrame(() => {
      fitRequestedAt = -Infinity;
      void flow.fitView({ padding: 0.08, maxZoom: 1, duration: 200 });
    });
    return () => cancelAnimationFrame(frame);
  }, [process, flow]);

  // The overview draws every step (React Flow culls only the canvas): on a large process it follows a moment
  // after the steps in view, which draws them 60-130 ms sooner at 250 steps.
  const [overview, setOverview] = useState(() => process.steps.length < CULL_ABOVE);
  useEffect(() => {
    if (overview) return;
    const timer = setTimeout(() => setOverview(true), 300);
    return () => clearTimeout(timer);
  }, [overview]);

  const nodeCache = useRef(new Map<string, { key: string; value: Node<StepNodeData> }>());
  const edgeCache = useRef(new Map<string, { key: string; value: Edge }>());
  const nodes = useMemo(() => {
    const n = toFlowNodes(process, { selected, diagnostics: doc.diagnostics, breakpoints, counts: runCounts, failed: runFailed, paused, readOnly });
    return keepUnchanged(nodeCache.current, n.map((x) => ({ ...x, position: dragging[x.id] ?? x.position, draggable: !readOnly, connectable: !readOnly, focusable: true })) as unknown as Node<StepNodeData>[]);
  }, [process, selected, doc.diagnostics, breakpoints, runCounts, runFailed, paused, readOnly, dragging]);
  const edges = useMemo(() => keepUnchanged(edgeCache.current, toFlowEdges(process).map((e) => ({ ...e, className: 'step-edge', reconnectable: !readOnly, ...(e.label ? { labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3 } : {}) })) as unknown as Edge[]), [process, readOnly]);

  // The drag ends: write the positions once. Until the document comes back, keep drawing them where dropped.
  useEffect(() => setDragging({}), [process]);
  const onNodesChange = useCallback((changes: NodeChange[]) => {
    const moving: Record<string, { x: number; y: number }> = {};
    let next: Set<string> | undefined;
    for (const c of changes) {
      if (c.type === 'position' && c.position) moving[c.id] = c.position;
      if (c.type === 'select') {
        next ??= new Set(selected);
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
    }
    if (Object.keys(moving).length) setDragging((d) => ({ ...d, ...moving }));
    if (next && (next.size !== selected.size || [...next].some((id) => !selected.has(id)))) setSelected(next);
  }, [selected, setSelected]);
  const onNodeDragStop = useCallback((_e: unknown, _n: Node, moved: Node[]) => {
    if (readOnly) return;
    edit({ kind: 'moveSteps', moves: moved.map((n) => ({ id: n.id, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } })) });
  }, [readOnly]);

  const onConnect = useCallback((c: FlowConnection) => {
    if (!readOnly && c.source && c.target && c.sourceHandle) edit({ kind: 'connect', from: c.source, output: c.sourceHandle, to: c.target });
  }, [readOnly]);
  const onReconnect = useCallback((old: Edge, c: FlowConnection) => {
    if (readOnly || !c.source || !c.target || !c.sourceHandle) return;
    if (old.source !== c.source || old.sourceHandle !== c.sourceHandle) edit({ kind: 'disconnect', from: old.source, output: old.sourceHandle! });
    edit({ kind: 'connect', from: c.source, output: c.sourceHandle, to: c.target });
  }, [readOnly]);
  const reconnected = useRef(false);
  const onReconnectStart = useCallback(() => (reconnected.current = false), []);
  const onReconnectEnd = useCallback((_e: unknown, old: Edge) => {
    // Dropped on empty canvas: the connection is removed.
    if (!reconnected.current && !readOnly) edit({ kind: 'disconnect', from: old.source, output: old.sourceHandle! });
  }, [readOnly]);
  // One handler for both: deleting a step also removes its edges, and those must not go out as separate
  // disconnects (the host's deleteSteps removes them in the same undo step).
  const onDelete = useCallback(({ nodes: deletedNodes, edges: deletedEdges }: { nodes: Node[]; edges: Edge[] }) => {
    if (readOnly) return;
    const ids = deletedNodes.map((n) => n.id).filter((id) => id !== process.start.id);
    const gone = new Set(ids);
    for (const e of deletedEdges) if (!gone.has(e.source) && !gone.has(e.target)) edit({ kind: 'disconnect', from: e.source, output: e.sourceHandle! });
    if (ids.length) edit({ kind: 'deleteSteps', ids });
  }, [process, readOnly]);

  const addAt = useCallback((stepType: ProcessingStep['type'], position: { x: number; y: number }) => {
    const from = selected.size === 1 ? [...selected][0] : undefined;
    const free = from ? toFlowNodes(process, { selected, diagnostics: [], breakpoints, counts: {}, paused, readOnly }).find((n) => n.id === from)?.data : undefined;
    const output = free?.outputs.find((o) => !free.connected.includes(o));
    edit({ kind: 'addStep', stepType, position, ...(from && output ? { connectFrom: { step: from, output } } : {}) });
  }, [process, selected, breakpoints, paused, readOnly]);

  const addFromPalette = (stepType: ProcessingStep['type']): void => {
    const rect = (wrapper.current?.querySelector('.flow') ?? wrapper.current)?.getBoundingClientRect();
    const centre = flow.screenToFlowPosition({ x: (rect?.left ?? 0) + (rect?.width ?? 400) / 2, y: (rect?.top ?? 0) + (rect?.height ?? 300) / 2 });
    addAt(stepType, centredPosition(centre));
  };
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    const stepType = e.dataTransfer.getData('application/x-oftp2-step') as ProcessingStep['type'];
    if (stepType && !readOnly) addAt(stepType, centredPosition(flow.screenToFlowPosition({ x: e.clientX, y: e.clientY })));
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if ((e.target as HTMLElement).closest('.properties-pane')) return;
    const ids = [...selected];
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key === 'c') {
      const payload = copyPayload(process, ids);
      if (payload) {
        clipboard.current = JSON.stringify(payload);
        void navigator.clipboard?.writeText(clipboard.current).catch(() => undefined);
      }
      return;
    }
    if (mod && e.key === 'v' && !readOnly) {
      const payload = parseClipboard(clipboard.current);
      if (payload) edit(pasteOperation(payload));
      return;
    }
    if (e.key === 'F9' && ids.length === 1) {
      post({ type: 'toggleBreakpoint', id: ids[0]! });
      return;
    }
    if (e.key === 'Enter' && ids.length === 1) {
      (document.querySelector('#properties') as HTMLElement | null)?.focus();
      return;
    }
    if (!readOnly) {
      const positions = new Map(nodes.map((n) => [n.id, n.position]));
      const move = keyboardMove(e.key, ids, positions, e.shiftKey);
      if (move) {
        e.preventDefault();
        // Drawn where it goes at once, as a drag is; the document coming back confirms it.
        setDragging((d) => ({ ...d, ...Object.fromEntries(move.moves.map((m) => [m.id, m.position])) }));
        edit(move);
      }
    }
  };

  return (
    <div className="canvas" ref={wrapper} onDragOver={(e) => e.preventDefault()} onDrop={onDrop} onKeyDown={onKeyDown}>
      {!readOnly && (
        // A strip above the canvas rather than an overlay, so it never hides steps.
        <div className="palette" role="toolbar" aria-label="Add a step (click, or drag onto the canvas)">
          {PALETTE_GROUPS.map((g) => (
            <div key={g.group} className="palette-group" role="group" aria-label={g.group}>
              <span className="palette-title">{g.group}</span>
              {g.types.map((t) => (
                <button key={t} className={`palette-item type-${t}`} draggable title={`${STEP_META[t].description} (click to add, or drag onto the canvas)`}
                  onDragStart={(e) => e.dataTransfer.setData('application/x-oftp2-step', t)} onClick={() => addFromPalette(t)}>
                  <span className={`codicon codicon-${STEP_META[t].icon}`} />
                  <span>{STEP_META[t].label}</span>
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
      <div className="flow">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onReconnect={(old, c) => {
          reconnected.current = true;
          onReconnect(old, c);
        }}
        onReconnectStart={onReconnectStart}
        onReconnectEnd={onReconnectEnd}
        onDelete={onDelete}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={!readOnly}
        multiSelectionKeyCode="Shift"
        selectionKeyCode="Shift"
        fitView={!loadState().viewport && nodes.length <= CULL_ABOVE}
        fitViewOptions={{ padding: 0.08, maxZoom: 1 }}
        {...(loadState().viewport ? { defaultViewport: loadState().viewport! } : nodes.length > CULL_ABOVE ? { defaultViewport: startViewport(nodes) } : {})}
        onMoveStart={(e) => {
          if (e) userMoved.current = true;
        }}
        onMoveEnd={(_e, viewport) => saveState({ viewport })}
        minZoom={0.2}
        onlyRenderVisibleElements={nodes.length > CULL_ABOVE}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ type: 'smoothstep' }}
      >
        <DrawnMark version={doc.version} />
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        {overview && <MiniMap pannable zoomable nodeStrokeWidth={2} ariaLabel="Overview" style={{ width: 160, height: 100 }} />}
      </ReactFlow>
      </div>
    </div>
  );
}

/**
 * The host answers `ready` with the document the page already holds: keep the drawn process (and diagnostics,
 * if equal) so nothing is recomputed while the first drawing is under way.
 */
function sameVersion(old: DocumentMessage | undefined, m: DocumentMessage): DocumentMessage {
  if (!old?.process || !m.process || old.version !== m.version || old.fileName !== m.fileName) return m;
  const diagnostics = JSON.stringify(old.diagnostics) === JSON.stringify(m.diagnostics) ? old.diagnostics : m.diagnostics;
  if (diagnostics === old.diagnostics && old.readOnly === m.readOnly) return old;
  return { ...m, process: old.process, diagnostics };
}

/** The document the host put in the page, so the first drawing needs no round trip. */
function initialDocument(): DocumentMessage | undefined {
  const text = document.getElementById('initial-document')?.textContent;
  if (!text) return undefined;
  try {
    const m = JSON.parse(text) as ToWebviewMessage;
    if (m.type !== 'document') return undefined;
    performance.mark('oftp2:document', { detail: { version: m.version } });
    return m;
  } catch {
    return undefined;
  }
}

function App() {
  const [doc, setDoc] = useState<DocumentMessage | undefined>(initialDocument);
  const [selected, setSelectedState] = useState<Set<string>>(new Set(loadState().selected ?? []));
  const [runCounts, setRunCounts] = useState<Record<string, number>>({});
  const [runFailed, setRunFailed] = useState<Record<string, number>>({});
  const [runDocuments, setRunDocuments] = useState<Record<string, RunDocument[]>>({});
  const [paused, setPaused] = useState<Set<string>>(new Set());
  const [breakpoints, setBreakpoints] = useState<Set<string>>(new Set());
  const picks = useRef(new Map<number, (path: string | undefined) => void>());
  const nextPick = useRef(1);
  const flowRef = useRef<{ fit: () => void; centre: (id: string) => void } | undefined>(undefined);
  const setSelected = useCallback((ids: Set<string>) => {
    setSelectedState(ids);
    saveState({ selected: [...ids] });
    post({ type: 'selected', ids: [...ids] });
  }, []);

  useEffect(() => {
    const off = onMessage((m) => {
      switch (m.type) {
        case 'document':
          performance.mark('oftp2:document', { detail: { version: m.version } });
          setDoc((old) => sameVersion(old, m));
          break;
        case 'select':
          setSelectedState(new Set(m.ids));
          if (m.ids[0]) flowRef.current?.centre(m.ids[0]);
          break;
        case 'pickedFile':
          picks.current.get(m.requestId)?.(m.path);
          picks.current.delete(m.requestId);
          break;
        case 'runState':
          setRunCounts(m.counts);
          setRunFailed(m.failed ?? {});
          setRunDocuments(m.documents ?? {});
          setPaused(new Set(m.paused ?? []));
          break;
        case 'breakpoints':
          setBreakpoints(new Set(m.ids));
          break;
        case 'fit':
          flowRef.current?.fit();
          break;
      }
    });
    post({ type: 'ready' });
    return off;
  }, []);

  if (!doc) return <div className="loading">Loading…</div>;
  if (doc.error || !doc.process) return <NotAProcess doc={doc} />;
  const process = doc.process;
  const ctx: Ctx = {
    process,
    diagnostics: doc.diagnostics as EditorDiagnostic[],
    readOnly: doc.readOnly,
    edit,
    pick: (purpose) =>
      new Promise((resolve) => {
        const requestId = nextPick.current++;
        picks.current.set(requestId, resolve);
        post({ type: 'pickFile', requestId, purpose });
      }),
    select: (ids) => setSelected(new Set(ids)),
  };
  const errors = doc.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = doc.diagnostics.filter((d) => d.severity === 'warning').length;
  return (
    <ReactFlowProvider>
      <FlowControls refObj={flowRef} />
      <div className="editor">
        <header className="toolbar">
          <span className="codicon codicon-type-hierarchy" />
          <span className="title">{process.name}</span>
          {doc.readOnly && <span className="readonly-banner"><span className="codicon codicon-lock" /> read-only</span>}
          <span className="spacer" />
          <span className={`status ${errors ? 'error' : warnings ? 'warning' : 'ok'}`} title="Problems in this file">
            <span className={`codicon codicon-${errors ? 'error' : warnings ? 'warning' : 'pass'}`} /> {errors} error(s), {warnings} warning(s)
          </span>
          {!doc.readOnly && <Button secondary onClick={() => edit({ kind: 'arrange' })} title="Lay the steps out left to right">Arrange</Button>}
          <Button secondary onClick={() => post({ type: 'openAsText' })} title="Open the JSON beside">Open as Text</Button>
        </header>
        <div className="main">
          <Canvas doc={doc as DocumentMessage & { process: ProcessFile }} runCounts={runCounts} runFailed={runFailed} paused={paused} breakpoints={breakpoints} selected={selected} setSelected={setSelected} />
          <aside className="properties-pane" aria-label="Properties">
            {selected.size === 1 && runDocuments[[...selected][0]!]?.length ? <RunDocuments documents={runDocuments[[...selected][0]!]!} /> : null}
            <PropertiesPanel ctx={ctx} selected={selected.size === 1 ? [...selected][0] : undefined} />
          </aside>
        </div>
      </div>
    </ReactFlowProvider>
  );
}

/** The documents of the debug run that reached the selected step, newest first, each with its properties. */
function RunDocuments({ documents }: { documents: RunDocument[] }) {
  return (
    <section className="run-documents" aria-label="Documents in this run">
      <h3>
        <span className="codicon codicon-debug" /> Documents in this run ({documents.length})
      </h3>
      {documents.map((d) => (
        <details key={d.id} className={`run-document ${d.status}`}>
          <summary>
            <span className={`codicon codicon-${d.status === 'failed' ? 'error' : d.status === 'paused' ? 'debug-pause' : 'pass'}`} /> <strong>{d.name}</strong> <span className="muted">{d.status}{d.detail ? ` ${d.detail}` : ''}</span>
          </summary>
          <table>
            <tbody>
              {Object.entries(d.properties).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}

/** Gives App the fit/centre actions of the flow instance inside the provider. */
function FlowControls({ refObj }: { refObj: { current: { fit: () => void; centre: (id: string) => void } | undefined } }) {
  const flow = useReactFlow();
  useEffect(() => {
    refObj.current = {
      fit: () => {
        fitRequestedAt = performance.now();
        // After the next paint, so that React Flow's store holds whatever document came with the request.
        requestAnimationFrame(() => requestAnimationFrame(() => void flow.fitView({ padding: 0.08, maxZoom: 1, duration: 200 })));
      },
      centre: (id) => {
        const n = flow.getNode(id);
        if (n) void flow.setCenter(n.position.x + 100, n.position.y + 30, { zoom: flow.getZoom(), duration: 200 });
      },
    };
  }, [flow, refObj]);
  return null;
}

/** A file that does not parse, or is not a process: the message and Open as Text, never the canvas. */
function NotAProcess({ doc }: { doc: Pick<DocumentMessage, 'error' | 'fileName'> }) {
  // Nothing to draw first: the button is wanted now.
  useEffect(loadControls, []);
  return (
    <div className="invalid" role="alert">
      <span className="codicon codicon-error" />
      <h2>{doc.fileName} cannot be shown as a process</h2>
      <p>
        {doc.error?.message ?? 'This is not a process file.'} (line {(doc.error?.line ?? 0) + 1}, column {(doc.error?.character ?? 0) + 1})
      </p>
      <p>The file is left as it is. Fix it in the text editor; the diagram comes back as soon as it parses.</p>
      <Button onClick={() => post({ type: 'openAsText' })}>Open as Text</Button>
    </div>
  );
}

loadControlsAfterDrawing();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
