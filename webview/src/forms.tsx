// The properties panel: a form for every setting of the selected step — the Start step's Trading Partner,
// My Company (To) and partner (From) blocks and the OFTP2 Server operation first, then each step type.
// Every change is one setValue operation at the value's JSON path; passwords only ever go out as setSecret.
import { useState, type ReactNode } from 'react';
import type { EditOperation, EditorDiagnostic, JsonPath } from '../../src/process/editor-protocol';
import type { ProcessFile, Step, TradingPartner } from '../../src/process/model';
import { Button, Checkbox, Section, Select, TextField } from './controls';
import { diagnosticStepId, diagnosticsAt, diagnosticsOfStep, propertyChoices, secretNameFor, stepPath, STEP_META, validateStepId } from './graph';
import { post } from './vscode-api';

type Edit = (op: EditOperation) => void;

interface Ctx {
  process: ProcessFile;
  diagnostics: readonly EditorDiagnostic[];
  readOnly: boolean;
  edit: Edit;
  pick: (purpose: 'certificate' | 'privateKey' | 'pkcs12' | 'folder') => Promise<string | undefined>;
  select: (ids: string[]) => void;
}

const NERP_REASONS = [
  { value: '34', label: '34 File processing failed' },
  { value: '35', label: '35 Not delivered to recipient' },
  { value: '36', label: '36 Not acknowledged by recipient' },
  { value: '31', label: '31 File signature not valid' },
  { value: '32', label: '32 File decompression failed' },
  { value: '33', label: '33 File decryption failed' },
  { value: '50', label: '50 Transmission stopped by the operator' },
  { value: '99', label: '99 Unspecified reason' },
];

const get = (obj: unknown, path: JsonPath): unknown => path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string | number, unknown>)[k] : undefined), obj);

function Field(p: { label: string; path: JsonPath; ctx: Ctx; help?: string; children: ReactNode }) {
  const problems = diagnosticsAt(p.ctx.diagnostics, p.path);
  return (
    <div className={`field${problems.some((d) => d.severity === 'error') ? ' has-error' : ''}`}>
      <label className="field-label">{p.label}</label>
      {p.children}
      {p.help && <div className="field-help">{p.help}</div>}
      {problems.map((d, i) => (
        <div key={i} className={`field-problem ${d.severity}`} role="alert">
          <span className={`codicon codicon-${d.severity === 'error' ? 'error' : 'warning'}`} /> {d.message} <span className="code">{d.code}</span>
        </div>
      ))}
    </div>
  );
}

function Text(p: { label: string; path: JsonPath; ctx: Ctx; help?: string; placeholder?: string; number?: boolean; list?: boolean }) {
  const v = get(p.ctx.process, p.path);
  const shown = p.list && Array.isArray(v) ? v.join(', ') : v === undefined || v === null ? '' : String(v);
  const commit = (text: string): void => {
    let value: unknown = text;
    if (p.list) value = text.trim() ? text.split(',').map((x) => x.trim()).filter(Boolean).map((x) => (p.number ? Number(x) : x)) : undefined;
    else if (p.number) value = text.trim() === '' ? undefined : Number(text);
    else if (text === '' && v === undefined) return;
    if (JSON.stringify(value) !== JSON.stringify(v)) p.ctx.edit({ kind: 'setValue', path: p.path, value });
  };
  return (
    <Field label={p.label} path={p.path} ctx={p.ctx} {...(p.help ? { help: p.help } : {})}>
      <TextField value={shown} label={p.label} disabled={p.ctx.readOnly} invalid={diagnosticsAt(p.ctx.diagnostics, p.path).some((d) => d.severity === 'error')} {...(p.placeholder ? { placeholder: p.placeholder } : {})} onCommit={commit} />
    </Field>
  );
}

function Choice(p: { label: string; path: JsonPath; ctx: Ctx; options: Array<{ value: string; label: string }>; fallback?: string; number?: boolean; help?: string }) {
  const v = get(p.ctx.process, p.path);
  const value = v === undefined ? p.fallback ?? '' : String(v);
  return (
    <Field label={p.label} path={p.path} ctx={p.ctx} {...(p.help ? { help: p.help } : {})}>
      <Select value={value} options={p.options} label={p.label} disabled={p.ctx.readOnly} onCommit={(x) => x !== value && p.ctx.edit({ kind: 'setValue', path: p.path, value: p.number ? Number(x) : x })} />
    </Field>
  );
}

function Flag(p: { label: string; path: JsonPath; ctx: Ctx; fallback: boolean; help?: string }) {
  const v = get(p.ctx.process, p.path);
  const checked = typeof v === 'boolean' ? v : p.fallback;
  return (
    <Field label="" path={p.path} ctx={p.ctx} {...(p.help ? { help: p.help } : {})}>
      <Checkbox checked={checked} label={p.label} disabled={p.ctx.readOnly} onCommit={(c) => c !== checked && p.ctx.edit({ kind: 'setValue', path: p.path, value: c })} />
    </Field>
  );
}

/** A password: shows which secret holds it; "Set password…" stores a new value in SecretStorage. */
function Secret(p: { label: string; path: JsonPath; ctx: Ctx; odetteId?: string }) {
  const [editing, setEditing] = useState(false);
  const ref = get(p.ctx.process, p.path) as { secret?: string } | string | undefined;
  const name = typeof ref === 'object' && ref ? ref.secret : undefined;
  const secretName = secretNameFor(name, p.odetteId);
  return (
    <Field label={p.label} path={p.path} ctx={p.ctx}>
      <div className="secret-row">
        <span className="secret-ref">
          <span className="codicon codicon-key" /> {name ? <code title={`secret ${name}`}>{name}</code> : typeof ref === 'string' ? 'clear text in the file (replace it)' : 'not set'}
        </span>
        {!p.ctx.readOnly && !editing && (
          <Button secondary onClick={() => setEditing(true)}>
            Set password…
          </Button>
        )}
      </div>
      {editing && (
        <div className="secret-edit">
          <TextField type="password" value="" label={`${p.label} value`} placeholder={`stored as "${secretName}" in VS Code secret storage`} onCommit={(value) => {
            if (value) post({ type: 'setSecret', path: p.path, name: secretName, value });
            setEditing(false);
          }} />
        </div>
      )}
    </Field>
  );
}

function PublicCert(p: { label: string; path: JsonPath; ctx: Ctx; help?: string }) {
  const v = get(p.ctx.process, p.path);
  return (
    <Field label={p.label} path={p.path} ctx={p.ctx} {...(p.help ? { help: p.help } : {})}>
      <div className="pick-row">
        <TextField value={typeof v === 'string' ? v : ''} label={p.label} placeholder="certs/partner.pem" disabled={p.ctx.readOnly} onCommit={(x) => x !== v && p.ctx.edit({ kind: 'setValue', path: p.path, value: x || undefined })} />
        {!p.ctx.readOnly && (
          <Button secondary title="Choose a file in the workspace" onClick={async () => {
            const f = await p.ctx.pick('certificate');
            if (f) p.ctx.edit({ kind: 'setValue', path: p.path, value: f });
          }}>
            Choose…
          </Button>
        )}
      </div>
    </Field>
  );
}

function PrivateCert(p: { label: string; path: JsonPath; ctx: Ctx; help?: string }) {
  const v = (get(p.ctx.process, p.path) ?? {}) as { certificate?: string; privateKey?: string; pkcs12?: string };
  const part = (key: 'certificate' | 'privateKey', purpose: 'certificate' | 'privateKey', placeholder: string) => (
    <div className="pick-row">
      <TextField value={v[key] ?? ''} label={`${p.label} ${key}`} placeholder={placeholder} disabled={p.ctx.readOnly} onCommit={(x) => x !== (v[key] ?? '') && p.ctx.edit({ kind: 'setValue', path: [...p.path, key], value: x || undefined })} />
      {!p.ctx.readOnly && (
        <Button secondary onClick={async () => {
          const f = await p.ctx.pick(purpose);
          if (f) p.ctx.edit({ kind: 'setValue', path: [...p.path, key], value: f });
        }}>
          Choose…
        </Button>
      )}
    </div>
  );
  return (
    <Field label={p.label} path={p.path} ctx={p.ctx} {...(p.help ? { help: p.help } : {})}>
      {v.pkcs12 !== undefined ? <div className="field-help">PKCS#12: {v.pkcs12}</div> : (
        <>
          {part('certificate', 'certificate', 'certs/my-company.pem')}
          {part('privateKey', 'privateKey', 'certs/my-company.key')}
        </>
      )}
    </Field>
  );
}

function Problems(p: { ctx: Ctx; stepId: string }) {
  const list = diagnosticsOfStep(p.ctx.process, p.ctx.diagnostics, p.stepId);
  if (!list.length) return null;
  return (
    <ul className="problems" aria-label="Problems of this step">
      {list.map((d, i) => (
        <li key={i} className={d.severity}>
          <span className={`codicon codicon-${d.severity === 'error' ? 'error' : 'warning'}`} />
          <span className="problem-text">{d.message}<span className="where">{d.code} · line {d.range.start.line + 1}</span></span>
        </li>
      ))}
    </ul>
  );
}

function Identity(p: { ctx: Ctx; step: Step; base: JsonPath }) {
  const [error, setError] = useState<string>();
  return (
    <>
      <Field label="Step id" path={[...p.base, 'id']} ctx={p.ctx} help="Connections refer to it.">
        <TextField value={p.step.id} label="Step id" disabled={p.ctx.readOnly} invalid={!!error} onCommit={(next) => {
          if (next === p.step.id) return;
          const why = validateStepId(p.ctx.process, p.step.id, next);
          setError(why);
          if (!why) p.ctx.edit({ kind: 'renameStep', from: p.step.id, to: next });
        }} />
        {error && <div className="field-problem error">{error}</div>}
      </Field>
      <Text label="Name" path={[...p.base, 'name']} ctx={p.ctx} placeholder={STEP_META[p.step.type]?.label} />
    </>
  );
}

function partnerBlock(ctx: Ctx, base: JsonPath, partner: TradingPartner, index: number, remove: () => void): ReactNode {
  const path = [...base, index];
  return (
    <div className="partner" key={index}>
      <div className="partner-head">
        <span className="codicon codicon-organization" /> {partner.name || partner.odetteId || `Partner ${index + 1}`}
        {!ctx.readOnly && (
          <Button secondary title="Remove this trading partner" onClick={remove}>
            Remove
          </Button>
        )}
      </div>
      <Text label="Name" path={[...path, 'name']} ctx={ctx} />
      <Text label="Odette ID (From)" path={[...path, 'odetteId']} ctx={ctx} placeholder="O0013PARTNER" help="O + ICD + organisation code + computer sub-address, up to 25 characters" />
      <Secret label="Password" path={[...path, 'password']} ctx={ctx} odetteId={partner.odetteId} />
      <PublicCert label="Acknowledgment verification certificate" path={[...path, 'acknowledgmentVerificationCertificate']} ctx={ctx} help="Verifies the signed EERPs this partner sends" />
      <PublicCert label="Signature verification certificate" path={[...path, 'signatureVerificationCertificate']} ctx={ctx} help="Verifies files this partner signs" />
      <PublicCert label="Session authentication encrypting certificate" path={[...path, 'sessionAuthenticationEncryptingCertificate']} ctx={ctx} help="Our secure-authentication challenge is encrypted to it" />
      <PublicCert label="Client SSL certificate" path={[...path, 'clientSslCertificate']} ctx={ctx} help="The TLS client certificate it connects with" />
      <Choice label="Secure authentication" path={[...path, 'secureAuthentication']} ctx={ctx} fallback="" options={[{ value: '', label: 'as the server (default)' }, { value: 'required', label: 'required' }, { value: 'optional', label: 'optional' }, { value: 'off', label: 'off' }]} />
    </div>
  );
}

const CIPHER_SUITES = ['3DES + RSA + SHA-1', 'AES + RSA + SHA-1', '3DES + RSA + SHA-256', 'AES + RSA + SHA-256', '3DES + RSA + SHA-512', 'AES + RSA + SHA-512'];

/** Cipher suites 1-6 as checkboxes; all six checked is written as "no restriction" (the key removed). */
function CipherSuites(p: { ctx: Ctx; path: JsonPath }) {
  const v = get(p.ctx.process, p.path);
  const chosen = new Set(Array.isArray(v) ? (v as number[]) : [1, 2, 3, 4, 5, 6]);
  const toggle = (suite: number, on: boolean): void => {
    const next = new Set(chosen);
    if (on) next.add(suite);
    else next.delete(suite);
    const list = [...next].sort((a, b) => a - b);
    p.ctx.edit({ kind: 'setValue', path: p.path, value: list.length === 6 ? undefined : list });
  };
  return (
    <Field label="Cipher suites accepted (others: SFNA 15)" path={p.path} ctx={p.ctx}>
      <div className="checks">
        {CIPHER_SUITES.map((label, i) => (
          <Checkbox key={i} checked={chosen.has(i + 1)} label={`0${i + 1} ${label}`} disabled={p.ctx.readOnly} onCommit={(c) => c !== chosen.has(i + 1) && toggle(i + 1, c)} />
        ))}
      </div>
    </Field>
  );
}

function StartForm({ ctx }: { ctx: Ctx }) {
  const start = ctx.process.start;
  const partners = start.tradingPartners;
  const op: JsonPath = ['start', 'operation'];
  return (
    <>
      <Section title="Trading Partner">
        <Identity ctx={ctx} step={start} base={['start']} />
        <Choice label="Standard" path={['start', 'standard']} ctx={ctx} options={['ODETTE', 'EDIFACT', 'X12', 'custom'].map((v) => ({ value: v, label: v }))} help="Documents that are not of this standard are invalid" />
        <Choice label="Error handling" path={['start', 'errorHandling']} ctx={ctx} fallback="stopProcessOnError" options={[{ value: 'stopProcessOnError', label: 'Stop process on error (NERP)' }, { value: 'continueProcessOnError', label: 'Continue: invalid documents leave through "errors"' }]} />
      </Section>
      <Section title="My Company (To)" description={start.myCompany?.odetteId}>
        <Text label="Name" path={['start', 'myCompany', 'name']} ctx={ctx} />
        <Text label="Odette ID" path={['start', 'myCompany', 'odetteId']} ctx={ctx} placeholder="O0013MYCOMPANY" />
        <Secret label="Password" path={['start', 'myCompany', 'password']} ctx={ctx} odetteId={start.myCompany?.odetteId} />
        <PrivateCert label="Decryption certificate" path={['start', 'myCompany', 'decryptionCertificate']} ctx={ctx} help="Decrypts files partners encrypt to us" />
        <PrivateCert label="Acknowledgment signing certificate" path={['start', 'myCompany', 'acknowledgmentSigningCertificate']} ctx={ctx} help="Signs the EERPs we send when asked" />
        <PrivateCert label="Session authentication challenge certificate" path={['start', 'myCompany', 'sessionAuthenticationChallengeCertificate']} ctx={ctx} help="Opens partners' secure-authentication challenges" />
      </Section>
      <Section title="Trading partners (From)" description={Array.isArray(partners) ? `${partners.length}` : 'group'}>
        {Array.isArray(partners) ? (
          <>
            {partners.map((tp, i) => partnerBlock(ctx, ['start', 'tradingPartners'], tp, i, () => ctx.edit({ kind: 'setValue', path: ['start', 'tradingPartners'], value: partners.filter((_, j) => j !== i) })))}
            {!ctx.readOnly && (
              <Button secondary onClick={() => ctx.edit({ kind: 'setValue', path: ['start', 'tradingPartners', partners.length], value: { name: `Partner ${partners.length + 1}`, odetteId: '', password: { secret: `partner-${partners.length + 1}-password` } } })}>
                Add trading partner
              </Button>
            )}
          </>
        ) : (
          <Text label="Partner group file" path={['start', 'tradingPartners', 'group']} ctx={ctx} />
        )}
      </Section>
      <Section title="OFTP2 Server operation (Listen)">
        <Text label="Virtual file name pattern" path={[...op, 'virtualFileNamePattern']} ctx={ctx} placeholder="^DELFOR.*" help="A regular expression; other names are refused with SFNA 01" />
        <Text label="Originators (SFIDORIG)" path={[...op, 'originators']} ctx={ctx} list placeholder="any" help="Comma-separated; others are refused with SFNA 03" />
        <Text label="Destinations (SFIDDEST)" path={[...op, 'destinations']} ctx={ctx} list placeholder="My Company's Odette ID" />
        <Flag label="Refuse duplicates (SFNA 13)" path={[...op, 'duplicateCheck']} ctx={ctx} fallback />
        <Text label="Maximum file size (octets)" path={[...op, 'maxFileSize']} ctx={ctx} number placeholder="no limit" />
        <Flag label="Require signed files (SFNA 20)" path={[...op, 'requireSigned']} ctx={ctx} fallback={false} />
        <Flag label="Require encrypted files (SFNA 17)" path={[...op, 'requireEncrypted']} ctx={ctx} fallback={false} />
        <Flag label="Allow compression" path={[...op, 'allowCompression']} ctx={ctx} fallback />
        <CipherSuites ctx={ctx} path={[...op, 'cipherSuites']} />
        <Flag label="Sign the EERP when the partner asks" path={[...op, 'signedEerpOnRequest']} ctx={ctx} fallback />
        <Choice label="Acknowledge" path={[...op, 'acknowledge']} ctx={ctx} fallback="afterProcessing" options={[{ value: 'afterProcessing', label: 'EERP after the process succeeds, NERP when it fails' }, { value: 'onReceipt', label: 'EERP on receipt' }, { value: 'never', label: 'Never' }]} />
        <Choice label="NERP reason when processing fails" path={[...op, 'failureNerpReason']} ctx={ctx} fallback="34" number options={NERP_REASONS} />
      </Section>
    </>
  );
}

function StepForm({ ctx, step, base }: { ctx: Ctx; step: Step; base: JsonPath }) {
  const props = propertyChoices(ctx.process);
  const list = <T,>(key: string, empty: T, render: (item: T, path: JsonPath, remove: () => void) => ReactNode, addLabel: string) => {
    const items = (get(step, [key]) as T[] | undefined) ?? [];
    return (
      <div className="rows">
        {items.map((item, i) => render(item, [...base, key, i], () => ctx.edit({ kind: 'setValue', path: [...base, key], value: items.filter((_, j) => j !== i) })))}
        {!ctx.readOnly && (
          <Button secondary onClick={() => ctx.edit({ kind: 'setValue', path: [...base, key, items.length], value: empty })}>
            {addLabel}
          </Button>
        )}
      </div>
    );
  };
  const removeButton = (remove: () => void) => !ctx.readOnly && (
    <Button secondary title="Remove" onClick={remove}>
      Remove
    </Button>
  );
  switch (step.type) {
    case 'decision':
      return (
        <Section title="Condition">
          <Text label="Property" path={[...base, 'condition', 'property']} ctx={ctx} help={props.find((x) => x.name === step.condition?.property)?.description ?? 'a document property'} />
          {!ctx.readOnly && (
            <Field label="Known properties" path={[...base, 'condition', 'property', '?']} ctx={ctx} help="Document properties, then those Set Properties steps set">
              <Select value={props.some((x) => x.name === step.condition?.property) ? step.condition.property : ''} label="Known properties" options={[{ value: '', label: 'Choose a property…' }, ...props.map((x) => ({ value: x.name, label: `${x.name} — ${x.description}` }))]} onCommit={(x) => x && x !== step.condition?.property && ctx.edit({ kind: 'setValue', path: [...base, 'condition', 'property'], value: x })} />
            </Field>
          )}
          <Choice label="Operator" path={[...base, 'condition', 'operator']} ctx={ctx} options={['equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'matches', 'greaterThan', 'lessThan', 'exists', 'notExists'].map((v) => ({ value: v, label: v }))} />
          <Text label="Value" path={[...base, 'condition', 'value']} ctx={ctx} help="${property} placeholders allowed" />
        </Section>
      );
    case 'route':
      return (
        <Section title="Route">
          <Choice label="Route by" path={[...base, 'routeBy']} ctx={ctx} options={[{ value: 'documentType', label: 'detected message type' }, { value: 'partner', label: 'partner Odette ID' }, { value: 'virtualFileName', label: 'virtual file name' }, { value: 'property', label: 'a document property' }]} />
          {step.routeBy === 'property' && <Text label="Property" path={[...base, 'property']} ctx={ctx} help="A document property, or one a Set Properties step sets" />}
          {list<{ output: string; equals?: string; pattern?: string }>('routes', { output: `route-${(step.routes?.length ?? 0) + 1}`, equals: '' }, (r, path, remove) => (
            <div className="row" key={String(path[path.length - 1])}>
              <Text label="Output" path={[...path, 'output']} ctx={ctx} />
              <Text label={r.pattern !== undefined ? 'Pattern' : 'Equals'} path={[...path, r.pattern !== undefined ? 'pattern' : 'equals']} ctx={ctx} />
              {removeButton(remove)}
            </div>
          ), 'Add route')}
          <div className="field-help">Documents that match no route leave through "default".</div>
        </Section>
      );
    case 'setProperties':
      return (
        <Section title="Properties">
          {list<{ name: string; value: string }>('properties', { name: 'my.property', value: '' }, (_r, path, remove) => (
            <div className="row" key={String(path[path.length - 1])}>
              <Text label="Name" path={[...path, 'name']} ctx={ctx} />
              <Text label="Value" path={[...path, 'value']} ctx={ctx} />
              {removeButton(remove)}
            </div>
          ), 'Add property')}
        </Section>
      );
    case 'disk':
      return (
        <Section title="Disk">
          <Text label="Folder" path={[...base, 'folder']} ctx={ctx} help="Relative to the process file; ${property} placeholders allowed" />
          <Text label="File name" path={[...base, 'fileName']} ctx={ctx} help="e.g. ${sfid.originator}_${virtualFileName}.edi" />
          <Choice label="If the file exists" path={[...base, 'ifExists']} ctx={ctx} fallback="unique" options={[{ value: 'unique', label: 'add a counter' }, { value: 'overwrite', label: 'overwrite it' }, { value: 'fail', label: 'fail the document' }]} />
        </Section>
      );
    case 'notify':
      return (
        <Section title="Notify">
          <Choice label="Level" path={[...base, 'level']} ctx={ctx} options={['info', 'warning', 'error'].map((v) => ({ value: v, label: v }))} />
          <Text label="Message" path={[...base, 'message']} ctx={ctx} />
        </Section>
      );
    case 'exception':
      return (
        <Section title="Exception">
          <Text label="Message (NERP text)" path={[...base, 'message']} ctx={ctx} />
          <Choice label="NERP reason" path={[...base, 'nerpReason']} ctx={ctx} fallback="34" number options={NERP_REASONS} />
        </Section>
      );
    default:
      return <div className="field-help">{STEP_META[step.type]?.description}</div>;
  }
}

export function PropertiesPanel(p: { ctx: Ctx; selected: string | undefined }) {
  const { ctx, selected } = p;
  const step = selected ? [ctx.process.start, ...ctx.process.steps].find((s) => s.id === selected) : undefined;
  const base = step ? stepPath(ctx.process, step.id) : undefined;
  if (!step || !base) {
    const all = ctx.diagnostics;
    // A problem without a stepId still belongs to the step its JSON path points into.
    const selectProblem = (d: EditorDiagnostic): void => {
      const id = diagnosticStepId(ctx.process, d);
      if (id) ctx.select([id]);
    };
    return (
      <div className="panel-empty">
        <h2>{ctx.process.name}</h2>
        {ctx.process.description && <p>{ctx.process.description}</p>}
        <p className="field-help">Select a step to edit its settings. {all.length ? `${all.length} problem(s) in this file:` : 'No problems.'}</p>
        <ul className="problems">
          {all.map((d, i) => (
            <li key={i} className={d.severity} tabIndex={0} role="button" onClick={() => selectProblem(d)} onKeyDown={(e) => e.key === 'Enter' && selectProblem(d)}>
              <span className={`codicon codicon-${d.severity === 'error' ? 'error' : 'warning'}`} />
              <span className="problem-text">{d.message}<span className="where">{d.code} · line {d.range.start.line + 1}</span></span>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const meta = STEP_META[step.type];
  return (
    <div className="properties" tabIndex={-1} id="properties">
      <div className="properties-head">
        <span className={`codicon codicon-${meta?.icon ?? 'symbol-misc'}`} />
        <div>
          <div className="properties-title">{step.name ?? step.id}</div>
          <div className="properties-type">{meta?.label} step</div>
        </div>
        <span className="spacer" />
        {!ctx.readOnly && (
          <Button secondary title="Toggle breakpoint (F9)" onClick={() => post({ type: 'toggleBreakpoint', id: step.id })}>
            Breakpoint
          </Button>
        )}
      </div>
      <Problems ctx={ctx} stepId={step.id} />
      {step.type === 'start' ? (
        <StartForm ctx={ctx} />
      ) : (
        <>
          <Section title="Step">
            <Identity ctx={ctx} step={step} base={base} />
          </Section>
          <StepForm ctx={ctx} step={step} base={base} />
        </>
      )}
    </div>
  );
}

export type { Ctx };
