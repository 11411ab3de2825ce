import { pathToFileURL } from 'node:url';

/**
 * Injected only into the CommonJS bundle (package.json "build"), where esbuild
 * replaces `import.meta.url` with this: CommonJS has no import.meta, and the
 * code finds its package and the tree-sitter grammar relative to itself.
 */
export const bundleImportMetaUrl = pathToFileURL(__filename).href;
