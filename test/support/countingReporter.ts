/**
 * Mocha's spec reporter, plus a tally appended to $CVM_TEST_TALLY (one JSON line per run) so
 * scripts/tally.js can print one "N passed, N failed, N skipped" line for all suites.
 */
import * as fs from 'fs';
import Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.CVM_TEST_TALLY;
      const s = runner.stats;
      if (!file || !s) return;
      fs.appendFileSync(file, JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending }) + '\n');
    });
  }
}

export = CountingReporter;
