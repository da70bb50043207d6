// The spec reporter, plus one closing line in the plain form CI reads:
// "mocha: N passed, N failed, N skipped".
"use strict";
const Mocha = require("mocha");

class SpotlightReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      process.stdout.write(`\nmocha: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
    });
  }
}

module.exports = SpotlightReporter;
