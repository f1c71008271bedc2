/** The OSV ecosystems `tollgate db update` downloads unless told otherwise. */
export const DEFAULT_ECOSYSTEMS = ['Debian', 'Ubuntu', 'Alpine', 'npm', 'PyPI'];
