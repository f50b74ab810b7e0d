// One MockTestRunner case of the PortcullisScan@1 task: inputs and variables come from
// PORTCULLIS_L0 (JSON), the task is the bundled task/PortcullisScanV1/index.js.
const path = require('node:path');
const tmrm = require('azure-pipelines-task-lib/mock-run');

const spec = JSON.parse(process.env.PORTCULLIS_L0 || '{}');
for (const [name, value] of Object.entries(spec.variables || {})) {
  process.env[name.replace(/\./g, '_').toUpperCase()] = value;
}
const taskJs = path.resolve(__dirname, '..', '..', '..', 'task', 'PortcullisScanV1', 'index.js');
const tmr = new tmrm.TaskMockRunner(taskJs);
for (const [name, value] of Object.entries(spec.inputs || {})) tmr.setInput(name, value);
tmr.run();
