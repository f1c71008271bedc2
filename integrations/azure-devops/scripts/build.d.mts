// Types of build.mjs, for the tests that build the extension.
export const EXTENSION_ROOT: string;
export const TASKS: Record<string, string>;
export function buildExtension(outDir?: string): Promise<string>;
export function buildMockTasks(outDir: string): Promise<string>;
