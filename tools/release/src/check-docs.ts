import { readmeProblems } from './readme.js';
import { publishedPackages } from './workspace.js';

// `pnpm check-docs`: every published package's README.md has the sections users look for, and they are
// complete: Install names the package, Quick start has a code example importing it, API mentions every
// export of src/index.ts (or Errors does), Errors mentions every code of the package's `*ErrorCode` union, Guarantees says
// something. Headings are `## ` headings starting with those words (case-insensitive).

let failed = 0;
const packages = publishedPackages();
for (const pkg of packages) {
  const problems = readmeProblems(pkg.dir, pkg.manifest.name);
  if (problems.length) failed++;
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${pkg.path}/README.md`);
  for (const problem of problems) console.log(`     ${problem}`);
}
console.log(`check-docs: ${packages.length - failed} of ${packages.length} READMEs complete`);
process.exitCode = failed ? 1 : 0;
