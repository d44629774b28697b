/**
 * The one home of the execution limits: what a tool result, a write, a turn and an attempt may hold. Each limit that
 * refuses something (write bytes, calls per turn, test runs) answers the model with a message saying the limit.
 */
export interface ExecToolLimits {
  /** Cap of any single tool result the model sees, in characters (head and tail are kept). */
  maxResultChars: number;
  /** Characters of the test output's tail shown to the model. */
  testTailChars: number;
  /** Characters of a run_command output shown to the model (head and tail). */
  commandOutputChars: number;
  /** Lines read_file returns per call. */
  readMaxLines: number;
  /** Characters per line in read_file and search results. */
  maxLineChars: number;
  /** Entries list_files returns. */
  listMaxEntries: number;
  /** Matches search returns. */
  searchMaxMatches: number;
  /** Files larger than this are skipped by search. */
  searchMaxFileBytes: number;
  /** Bytes one write_file or edit_file may leave in a file; larger writes are refused. */
  maxWriteBytes: number;
  /** Tool calls run from one model turn; the rest get a refusal. */
  maxCallsPerTurn: number;
  /** run_tests calls per attempt (the final test run does not count). */
  maxTestRunsPerAttempt: number;
  /** Characters of the diff kept in an execution result (reports, --json); the rest is cut with a note. */
  maxDiffChars: number;
  testTimeoutMs: number;
  commandTimeoutMs: number;
}

export const DEFAULT_EXEC_TOOL_LIMITS: ExecToolLimits = {
  maxResultChars: 16_000,
  testTailChars: 4096,
  commandOutputChars: 8000,
  readMaxLines: 400,
  maxLineChars: 500,
  listMaxEntries: 300,
  searchMaxMatches: 100,
  searchMaxFileBytes: 1024 * 1024,
  maxWriteBytes: 1024 * 1024,
  maxCallsPerTurn: 32,
  maxTestRunsPerAttempt: 20,
  maxDiffChars: 2_000_000,
  testTimeoutMs: 5 * 60_000,
  commandTimeoutMs: 2 * 60_000,
};

