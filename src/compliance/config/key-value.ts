/**
 * Flat `KEY VALUE` / `KEY=VALUE` files where the last assignment wins, as shadow-utils reads
 * /etc/login.defs and as most shell-style defaults files are read.
 */
import type { ConfigSetting } from './sshd-config.js';
import type { NumberedLine } from './text-files.js';
import { withoutComment } from './text-files.js';

export function parseKeyValue(lines: readonly NumberedLine[], options: { separator: 'space' | 'space-or-equals' }): Map<string, ConfigSetting> {
  const settings = new Map<string, ConfigSetting>();
  const pattern = options.separator === 'space' ? /^(\S+)\s+(.*)$/ : /^([^\s=]+)\s*(?:=|\s)\s*(.*)$/;
  for (const line of lines) {
    const text = withoutComment(line.text);
    if (text === '') continue;
    const match = pattern.exec(text);
    if (!match) continue;
    const value = (match[2] as string).trim().replace(/^"(.*)"$/, '$1');
    settings.set(match[1] as string, { value, file: line.file, line: line.line });
  }
  return settings;
}
