// Types for scripts/lib/package-vsix.js.
export declare class PackageError extends Error {}
/** Build (node esbuild.js, unless build: false) and `vsce package --no-dependencies` into vsix; returns its path. */
export declare function packageExtension(vsix: string, opts?: { build?: boolean; log?: (msg: string) => void }): string;
