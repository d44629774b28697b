/**
 * The tools the executing agent may call (function calling). Bidders, jurors and refiners get no tools at all:
 * planning cannot leak into edits because no edit tool exists during bidding.
 */
export const EXEC_TOOL_NAMES = ['list_files', 'read_file', 'search', 'edit_file', 'write_file', 'run_tests', 'run_command', 'finish'] as const;
export type ExecToolName = (typeof EXEC_TOOL_NAMES)[number];

export const EXEC_TOOLS = [
  fn('list_files', 'List files under a directory of the repository (recursive, capped).', {
    path: { type: 'string', description: 'Directory relative to the repository root; default "."' },
  }, []),
  fn('read_file', 'Read a text file, optionally a 1-based inclusive line range. Long files are truncated.', {
    path: { type: 'string' },
    startLine: { type: 'integer', minimum: 1 },
    endLine: { type: 'integer', minimum: 1 },
  }, ['path']),
  fn('search', 'Search the repository for a literal string; returns matching lines as path:line: text.', {
    query: { type: 'string' },
    path: { type: 'string', description: 'Directory to search under; default "."' },
  }, ['query']),
  fn('edit_file', 'Replace exactly one occurrence of `search` with `replace` in a file; or give `edits`, several such hunks applied in ' +
    'order, all or nothing. Each search must match exactly one place. Prefer several small hunks to rewriting a large file.', {
    path: { type: 'string' },
    search: { type: 'string' },
    replace: { type: 'string' },
    edits: {
      type: 'array',
      description: 'Several hunks instead of search/replace',
      items: { type: 'object', properties: { search: { type: 'string' }, replace: { type: 'string' } }, required: ['search', 'replace'], additionalProperties: false },
    },
  }, ['path']),
  fn('write_file', 'Write a whole file (creates it, with parent folders, if missing). For a large new file, write it in parts: the ' +
    'first with write_file, the rest with append: true.', {
    path: { type: 'string' },
    content: { type: 'string' },
    append: { type: 'boolean', description: 'Add content to the end of the file instead of replacing it' },
  }, ['path', 'content']),
  fn('run_tests', 'Run the task\'s test command; returns the exit code and the (tail of the) output.', {}, []),
  fn('run_command', 'Run another shell command in the repository root. Needs the user\'s approval or an allow-list.', {
    command: { type: 'string' },
  }, ['command']),
  fn('finish', 'End the work. Call it after the tests pass, with a one-paragraph summary of the change.', {
    summary: { type: 'string' },
  }, ['summary']),
];

function fn(name: ExecToolName, description: string, properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'function' as const,
    function: { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } },
  };
}
