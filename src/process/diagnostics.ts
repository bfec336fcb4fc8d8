// Placeholder for the validator's diagnostic type (replaced by the validation work on its branch).
export interface Diagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  stepId?: string;
}
