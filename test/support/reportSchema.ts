/**
 * The DESIGN.md CLI contract as a JSON Schema (schema/report.schema.json, kept in the repo),
 * checked with Ajv: the unit renderer tests and the CLI tests validate real reports with it.
 */
import Ajv from 'ajv';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

export const REPORT_SCHEMA_FILE = path.resolve(__dirname, '../../../schema/report.schema.json');

const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(fs.readFileSync(REPORT_SCHEMA_FILE, 'utf8')));

/** Fails with every schema violation listed. */
export function assertReportSchema(json: unknown, what = 'report'): void {
  if (validate(json)) return;
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  assert.fail(`${what} does not match ${path.basename(REPORT_SCHEMA_FILE)}:\n  ${errors.join('\n  ')}`);
}
