#!/usr/bin/env node
// Parses an AsyncAPI document with the AsyncAPI project's own parser and prints every diagnostic.
// Exit code 0 only when there is no diagnostic of severity error (0); warnings are printed too.
//   node validate-asyncapi.mjs docs/asyncapi.yaml
import fs from 'node:fs';
import { Parser } from '@asyncapi/parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: validate-asyncapi.mjs <asyncapi.yaml>');
  process.exit(2);
}
const parser = new Parser();
const { document, diagnostics } = await parser.parse(fs.readFileSync(file, 'utf8'), { source: file });
const severities = ['error', 'warning', 'info', 'hint'];
for (const d of diagnostics) {
  console.log(`${severities[d.severity] ?? d.severity} ${d.code} at ${d.path.join('.')}: ${d.message}`);
}
const errors = diagnostics.filter((d) => d.severity === 0).length;
if (!document || errors > 0) {
  console.log(`FAIL: ${errors} error(s)`);
  process.exit(1);
}
console.log(`OK: AsyncAPI ${document.version()}, ${document.channels().length} channels, `
  + `${document.operations().length} operations, ${document.components().schemas().length} schemas`);
