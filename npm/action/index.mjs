// Bundle entry of the GitHub Action.
import { run } from './main.mjs';

await run();
