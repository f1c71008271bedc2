import { describe, expect, it } from 'vitest';
import { checkOutputVariableName, outcomeOf } from './outcome.js';
import { checkServerUrl, cliEnvironment, parseScanMode, TaskInputError } from './connection.js';

describe("the task's result from the CLI's exit code", () => {
  it('follows the exit codes of DESIGN.md', () => {
    expect(outcomeOf(0, [], '')).toEqual({ succeeded: true, message: 'Tollgate: the gate passed' });
    expect(outcomeOf(1, ['a', 'b'], 'ignored')).toEqual({ succeeded: false, message: 'Tollgate: the gate failed: a; b' });
    expect(outcomeOf(1, [], 'gate failed')).toEqual({ succeeded: false, message: 'Tollgate: the gate failed: gate failed' });
    expect(outcomeOf(2, [], 'invalid --fail-on "X"')).toEqual({ succeeded: false, message: 'Tollgate: the configuration is not valid: invalid --fail-on "X"' });
    expect(outcomeOf(3, [], 'image unreadable')).toEqual({ succeeded: false, message: 'Tollgate: the scan could not run: image unreadable' });
    expect(outcomeOf(137, [], 'killed')).toEqual({ succeeded: false, message: 'Tollgate: the tollgate command ended with code 137: killed' });
  });

  it('allows only tollgate* names for the user-named output variable', () => {
    expect(checkOutputVariableName('tollgateVerdict')).toBe('tollgateVerdict');
    expect(() => checkOutputVariableName('PATH')).toThrow(/must start with "tollgate"/);
    expect(() => checkOutputVariableName('tollgate;x=1')).toThrow(/must start with "tollgate"/);
  });
});

describe('the scan mode and the server connection', () => {
  it('reads the mode, standalone by default', () => {
    expect(parseScanMode(undefined)).toBe('standalone');
    expect(parseScanMode(' Server ')).toBe('server');
    expect(() => parseScanMode('cloud')).toThrow(TaskInputError);
  });

  it('refuses a server URL the CLI could not use', () => {
    expect(checkServerUrl('https://tollgate.example.com/base').origin).toBe('https://tollgate.example.com');
    expect(() => checkServerUrl('ftp://x')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => checkServerUrl('https://user:pw@x')).toThrow(/must not carry credentials/);
    expect(() => checkServerUrl('not a url')).toThrow(/no valid URL/);
  });
});

describe("the CLI's environment", () => {
  const agent = { PATH: '/usr/bin', TF_BUILD: 'True', TOLLGATE_SERVER: 'https://elsewhere', TOLLGATE_TOKEN: 'agent-token', TOLLGATE_VIA_SENSOR: '1', TOLLGATE_SCANNER: 'x', TOLLGATE_DB: '/db' };

  it('standalone: no server-mode variable of the agent reaches the CLI', () => {
    expect(cliEnvironment(agent, undefined)).toEqual({ PATH: '/usr/bin', TOLLGATE_DB: '/db' });
  });

  it("server mode: the connection's token is TOLLGATE_TOKEN, the agent's own is not used", () => {
    expect(cliEnvironment(agent, { url: 'https://tollgate.example.com', token: 'connection-token' })).toEqual({ PATH: '/usr/bin', TOLLGATE_DB: '/db', TOLLGATE_TOKEN: 'connection-token' });
  });
});
