// dist/index.js: starts the Action bundle (dist/main.js). On Node 22+ it runs it in a child
// Node with the baseline-compiler flag, which newer V8 only takes on the command line (see
// npm/node-startup.mjs); stdio, environment and exit code pass through. If the child cannot
// be started the bundle runs in this process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { relaunchArgs } from '../node-startup.mjs';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const args = relaunchArgs(main, process.argv.slice(2));
const child = args && spawnSync(process.execPath, args, { stdio: 'inherit' });
if (child && !child.error) {
  process.exitCode = child.status ?? 1;
} else {
  await import('./main.js');
}
