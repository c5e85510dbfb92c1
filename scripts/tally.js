#!/usr/bin/env node
// Sums the JSON lines the suites append to a tally file ({"passed","failed","skipped"} each)
// and prints one closing line: "[LABEL: ]N passed, N failed, N skipped". Exit 1 when the
// file is missing or counts a failure, so a run that lost its tally never reads as green.
'use strict';
const fs = require('fs');
const [file, label] = process.argv.slice(2);
let lines = [];
try {
  lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
} catch (e) {
  console.error(`tally: cannot read ${file}: ${e.message}`);
  process.exit(1);
}
const sum = (k) => lines.reduce((a, l) => a + (Number(l[k]) || 0), 0);
const t = { passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') };
console.log(`\n${label ? `${label}: ` : ''}${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
process.exit(t.failed > 0 ? 1 : 0);
