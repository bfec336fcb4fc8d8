// The webview's side of the editor protocol: a typed wrapper of acquireVsCodeApi (messages and saved UI state).
import type { FromWebviewMessage, ToWebviewMessage } from '../../src/process/editor-protocol';

export interface UiState {
  viewport?: { x: number; y: number; zoom: number };
  selected?: string[];
  panelWidth?: number;
}

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): UiState | undefined;
  setState(state: UiState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export const post = (m: FromWebviewMessage): void => api.postMessage(m);
export const loadState = (): UiState => api.getState() ?? {};
export const saveState = (patch: Partial<UiState>): void => api.setState({ ...loadState(), ...patch });

export function onMessage(handler: (m: ToWebviewMessage) => void): () => void {
  const listener = (e: MessageEvent<ToWebviewMessage>): void => handler(e.data);
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}
