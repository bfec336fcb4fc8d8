// The one place that knows the form controls are @vscode-elements/elements web components: small React
// adapters that set their properties and listen to their `change` events, so swapping the kit costs this file.
import { useEffect, useRef, type ReactNode } from 'react';

/** elements.js (elements.ts: the controls' definitions) as the page names it, once known; and whether it is on its way. */
let controls: { src: string; nonce: string } | undefined;
let controlsRequested = false;

/**
 * Notes the controls' script (the editor script's `data-elements`) and loads it once the canvas has drawn, or
 * after a second at the latest. Until then a control is an undefined element, hidden by editor.css; defined, it
 * upgrades in place and lit re-applies the properties set on it before. Call while the editor script runs.
 */
export function loadControlsAfterDrawing(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script?.dataset.elements) return;
  controls = { src: script.dataset.elements, nonce: script.nonce ?? '' };
  const observer = new PerformanceObserver((list) => {
    if (!list.getEntriesByName('oftp2:drawn').length) return;
    observer.disconnect();
    loadControls();
  });
  observer.observe({ type: 'mark' });
  setTimeout(loadControls, 1000);
}

/** Loads the controls' script now (once). */
export function loadControls(): void {
  if (!controls || controlsRequested) return;
  controlsRequested = true;
  const el = document.createElement('script');
  el.src = controls.src;
  // The page's content security policy admits scripts by nonce: the editor script's own.
  el.nonce = controls.nonce;
  document.head.appendChild(el);
}

/* eslint-disable @typescript-eslint/no-namespace */
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'vscode-textfield': Record<string, unknown>;
      'vscode-single-select': Record<string, unknown>;
      'vscode-option': Record<string, unknown>;
      'vscode-checkbox': Record<string, unknown>;
      'vscode-button': Record<string, unknown>;
      'vscode-label': Record<string, unknown>;
      'vscode-collapsible': Record<string, unknown>;
    }
  }
}

type El = HTMLElement & { value?: string; checked?: boolean; disabled?: boolean; open?: boolean };

/**
 * Sets element properties and a change listener after each render. While the user is in the control, a
 * property whose value has not changed since it was last set is left alone: a document arriving for another
 * reason (diagnostics, an edit elsewhere) must not wipe what they are typing.
 */
function useElement(props: Record<string, unknown>, onChange?: (el: El) => void, event = 'change') {
  const ref = useRef<El>(null);
  const applied = useRef(new Map<string, unknown>());
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const focused = document.activeElement === el;
    for (const [k, v] of Object.entries(props)) {
      const typing = focused && applied.current.has(k) && applied.current.get(k) === v;
      applied.current.set(k, v);
      if (!typing && (el as unknown as Record<string, unknown>)[k] !== v) (el as unknown as Record<string, unknown>)[k] = v;
    }
  });
  useEffect(() => {
    const el = ref.current;
    if (!el || !onChange) return;
    const listener = (): void => onChange(el);
    el.addEventListener(event, listener);
    return () => el.removeEventListener(event, listener);
  }, [onChange, event]);
  return ref;
}

export function TextField(p: { id?: string; value: string; placeholder?: string; disabled?: boolean; invalid?: boolean; type?: 'text' | 'number' | 'password'; onCommit: (value: string) => void; label?: string }) {
  const ref = useElement({ value: p.value, disabled: !!p.disabled, invalid: !!p.invalid }, (el) => p.onCommit(el.value ?? ''));
  return <vscode-textfield ref={ref} id={p.id} placeholder={p.placeholder} type={p.type ?? 'text'} aria-label={p.label} class="field-input" />;
}

export function Select(p: { id?: string; value: string; options: Array<{ value: string; label: string }>; disabled?: boolean; onCommit: (value: string) => void; label?: string }) {
  const ref = useElement({ value: p.value, disabled: !!p.disabled }, (el) => p.onCommit(el.value ?? ''));
  return (
    <vscode-single-select ref={ref} id={p.id} aria-label={p.label} class="field-input">
      {p.options.map((o) => (
        <vscode-option key={o.value} value={o.value} selected={o.value === p.value ? true : undefined}>
          {o.label}
        </vscode-option>
      ))}
    </vscode-single-select>
  );
}

export function Checkbox(p: { id?: string; checked: boolean; label: string; disabled?: boolean; onCommit: (checked: boolean) => void }) {
  const ref = useElement({ checked: p.checked, disabled: !!p.disabled }, (el) => p.onCommit(!!el.checked));
  return <vscode-checkbox ref={ref} id={p.id} label={p.label} />;
}

export function Button(p: { children: ReactNode; onClick: () => void; secondary?: boolean; disabled?: boolean; title?: string; icon?: string }) {
  const ref = useElement({ disabled: !!p.disabled }, () => p.onClick(), 'click');
  return (
    <vscode-button ref={ref} secondary={p.secondary ? true : undefined} title={p.title} icon={p.icon}>
      {p.children}
    </vscode-button>
  );
}

export function Section(p: { title: string; open?: boolean; children: ReactNode; description?: string }) {
  const ref = useElement({ open: p.open ?? true });
  return (
    <vscode-collapsible ref={ref} heading={p.title} description={p.description} class="section">
      <div className="section-body">{p.children}</div>
    </vscode-collapsible>
  );
}
