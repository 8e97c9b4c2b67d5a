// Prints the closing line CI reads, "N passed, N failed", after everything else jest prints
// (jest's own summary reporter runs after custom reporters, so the line is written at exit).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.on('exit', () => process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed\n`));
  }
}
module.exports = SummaryReporter;
