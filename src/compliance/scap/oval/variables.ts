/**
 * OVAL local variable functions (OVAL 5.11 Definitions, "ComponentGroup"): the values a component
 * tree stands for. Multiple-valued arguments combine as the specification says (concat and
 * arithmetic over every combination). A function the content uses that is not implemented is an
 * error naming it.
 */
import type { Pcre } from '../pcre/index.js';
import type { OvalComponent } from './model.js';
import type { OvalItem } from './test-types/test-type.js';

export class OvalVariableError extends Error {}

export interface ComponentSources {
  variableValues(id: string): Promise<string[]>;
  objectItems(id: string): Promise<OvalItem[]>;
  pcre: Pcre;
  /** Seconds since the epoch "now" (time_difference with one argument). */
  now(): number;
}

function product(lists: string[][], join: (values: string[]) => string): string[] {
  let combos: string[][] = [[]];
  for (const list of lists) {
    const next: string[][] = [];
    for (const combo of combos) for (const value of list) next.push([...combo, value]);
    combos = next;
    if (combos.length > 100_000) throw new OvalVariableError('more than 100000 value combinations');
  }
  return combos.map(join);
}

/** PCRE metacharacters escaped with a backslash (escape_regex). */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (char) => `\\${char}`);
}

function parseTime(text: string, format: string): number {
  const value = text.trim();
  if (format === 'seconds_since_epoch') {
    if (!/^\d+$/.test(value)) throw new OvalVariableError(`not seconds since the epoch: ${JSON.stringify(text)}`);
    return Number(value);
  }
  const millis = Date.parse(value.replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3'));
  if (Number.isNaN(millis)) throw new OvalVariableError(`time_difference: cannot read ${JSON.stringify(text)} as ${format}`);
  return Math.floor(millis / 1000);
}

function globToRegex(glob: string): string {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, '^')}]`;
        i = end;
      }
    } else if (char === '\\' && i + 1 < glob.length) out += escapeRegex(glob[++i] as string);
    else out += escapeRegex(char);
  }
  return `${out}$`;
}

export async function componentValues(component: OvalComponent, sources: ComponentSources): Promise<string[]> {
  const args = async (list: OvalComponent[]): Promise<string[][]> => Promise.all(list.map((arg) => componentValues(arg, sources)));
  const flat = async (list: OvalComponent[]): Promise<string[]> => (await args(list)).flat();
  switch (component.fn) {
    case 'literal':
      return [component.value];
    case 'variable_component':
      return sources.variableValues(component.varRef);
    case 'object_component': {
      const values: string[] = [];
      for (const item of await sources.objectItems(component.objectRef)) {
        if (component.recordField !== undefined) throw new OvalVariableError(`object_component record_field ${component.recordField} is not supported`);
        values.push(...(item[component.itemField] ?? []));
      }
      return values;
    }
    case 'concat':
      return product(await args(component.args), (values) => values.join(''));
    case 'arithmetic': {
      const lists = await args(component.args);
      for (const list of lists) for (const value of list) if (!/^\s*[+-]?\d+(\.\d+)?\s*$/.test(value)) throw new OvalVariableError(`arithmetic on a non-number ${JSON.stringify(value)}`);
      return product(lists, (values) => {
        const numbers = values.map(Number);
        return String(component.arithmeticOperation === 'add' ? numbers.reduce((a, b) => a + b, 0) : numbers.reduce((a, b) => a * b, 1));
      });
    }
    case 'unique':
      return [...new Set(await flat(component.args))];
    case 'count':
      return [String((await flat(component.args)).length)];
    case 'begin':
      return (await flat(component.args)).map((value) => (value.startsWith(component.character) ? value : component.character + value));
    case 'end':
      return (await flat(component.args)).map((value) => (value.endsWith(component.character) ? value : value + component.character));
    case 'split':
      if (component.delimiter === '') throw new OvalVariableError('split with an empty delimiter');
      return (await flat(component.args)).flatMap((value) => value.split(component.delimiter));
    case 'substring':
      return (await flat(component.args)).map((value) => {
        const start = Math.max(component.start, 1) - 1;
        return component.length < 0 ? value.slice(start) : value.slice(start, start + component.length);
      });
    case 'regex_capture': {
      const regex = sources.pcre.compile(component.pattern);
      // The first subexpression of the first match; a value without a match gives nothing (OpenSCAP).
      return (await flat(component.args)).flatMap((value) => {
        const match = regex.exec(value);
        return match && match.groups[1] !== undefined ? [match.groups[1]] : [];
      });
    }
    case 'escape_regex':
      return (await flat(component.args)).map(escapeRegex);
    case 'glob_to_regex':
      return (await flat(component.args)).map(globToRegex);
    case 'time_difference': {
      const lists = await args(component.args);
      if (lists.length === 1) return (lists[0] ?? []).map((value) => String(sources.now() - parseTime(value, component.format2)));
      if (lists.length !== 2) throw new OvalVariableError('time_difference takes one or two arguments');
      return product(lists, (values) => String(parseTime(values[1] as string, component.format2) - parseTime(values[0] as string, component.format1)));
    }
    case 'unsupported':
      throw new OvalVariableError(`variable function ${component.name} is not implemented`);
  }
}
