import { describe, expect, it } from 'vitest';
import { checkOutputVariableName, outcomeOf } from './outcome.js';
import { checkServerUrl, parseScanMode, serverModeUnavailable, TaskInputError } from './connection.js';

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

  it('says server mode needs the connector protocol, and refuses a URL it could not use anyway', () => {
    expect(serverModeUnavailable({ url: 'https://tollgate.example.com/base', token: 't' })).toMatch(/^server mode \(Tollgate server https:\/\/tollgate\.example\.com\) needs the connector protocol \(issue 14\)/);
    expect(() => checkServerUrl('ftp://x')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => checkServerUrl('https://user:pw@x')).toThrow(/must not carry credentials/);
    expect(() => checkServerUrl('not a url')).toThrow(/no valid URL/);
  });
});
