/* global process */
// A mock run of a task for azure-pipelines-task-lib's MockTestRunner (a harness: the task library
// replaces itself with its mock, so no tool runs). The scenario comes from the test as JSON in
// TOLLGATE_MOCK_SCENARIO: the task to require, the agent variables, the inputs, the mock answers
// (the command lines the task must run and what they return), and report files to leave where
// the CLI would have written them.
const fs = require('node:fs');
const path = require('node:path');

const scenario = JSON.parse(process.env.TOLLGATE_MOCK_SCENARIO);
// Agent variables are read when the task library loads, so they are set before it is required.
for (const [name, value] of Object.entries(scenario.variables)) process.env[name] = value;
for (const [file, content] of Object.entries(scenario.files)) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
const { TaskMockRunner } = require('azure-pipelines-task-lib/mock-run');

const runner = new TaskMockRunner(scenario.task);
for (const [name, value] of Object.entries(scenario.inputs)) runner.setInput(name, value);
runner.setAnswers(scenario.answers);
runner.run();
