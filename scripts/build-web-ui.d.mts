// Types of build-web-ui.mjs, for the tests that build the web UI's client.
export const WEB_UI_DIR: string;
export function buildWebUi(outDir?: string): Promise<string>;
