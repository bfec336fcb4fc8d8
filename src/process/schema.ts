// The JSON Schemas of process files and partner group files, compiled once with ajv. The schemas are
// imported as JSON so tsc copies them next to the compiled code and esbuild inlines them in dist/cli.js.
import Ajv, { type ValidateFunction } from 'ajv';
import processSchemaJson from '../../schemas/oftp2-process.schema.json';
import partnersSchemaJson from '../../schemas/oftp2-partners.schema.json';

export const processSchema: Record<string, unknown> = processSchemaJson;
export const partnersSchema: Record<string, unknown> = partnersSchemaJson;

/**
 * Defaults the schema documents for fields the model leaves optional; the runtime must use the same
 * values, so the validator reads them from here rather than repeating them.
 */
export const OPERATION_DEFAULTS = {
  duplicateCheck: true,
  allowCompression: true,
  signedEerpOnRequest: true,
  acknowledge: 'afterProcessing',
  failureNerpReason: 99,
} as const;

// Keywords VS Code's JSON language service reads for hovers and completion; ajv must know them, not check them.
const EDITOR_KEYWORDS = ['markdownDescription', 'patternErrorMessage', 'defaultSnippets', 'enumDescriptions', 'markdownEnumDescriptions', 'deprecationMessage', 'errorMessage'];

let compiled: { process: ValidateFunction; partners: ValidateFunction } | undefined;

export function createAjv(strict = false): Ajv {
  // verbose: errors carry their parent schema, which the readable messages need (allowed property names).
  const ajv = new Ajv({ allErrors: true, verbose: true, strict, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  ajv.addVocabulary(EDITOR_KEYWORDS);
  return ajv;
}

function compile(): { process: ValidateFunction; partners: ValidateFunction } {
  if (!compiled) {
    const ajv = createAjv();
    compiled = { process: ajv.compile(processSchema), partners: ajv.compile(partnersSchema) };
  }
  return compiled;
}

export function processValidator(): ValidateFunction {
  return compile().process;
}

export function partnersValidator(): ValidateFunction {
  return compile().partners;
}
