// Bundle entry of the Azure DevOps task.
import { run } from './main.mjs';

run();
