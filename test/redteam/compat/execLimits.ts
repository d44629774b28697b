/**
 * Stand-in for src/core/execution/execLimits.ts when scripts/redteam-against.sh runs the suite against a revision
 * that has no such module (before issue 9): caps.test.ts imports only the limits' numbers for its own expectations.
 * These are the numbers the README's safety section promises; the old code enforces none of them.
 */
export const DEFAULT_EXEC_TOOL_LIMITS = { maxWriteBytes: 1024 * 1024, maxCallsPerTurn: 32, maxTestRunsPerAttempt: 20, maxDiffChars: 2_000_000 };
