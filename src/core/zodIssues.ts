/**
 * The one formatter of zod issues for error messages. 'lines' (the default) suits a multi-line error such as a
 * bad file ("Invalid pool file x:\n  - agents.0.id: …"); 'inline' suits one log line or a message the model sees.
 * `root` names an issue with an empty path; `max` keeps a hostile input's error short.
 */
export interface ZodIssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export function formatZodIssues(
  err: { readonly issues: readonly ZodIssueLike[] },
  opts: { style?: 'lines' | 'inline'; root?: string; max?: number } = {},
): string {
  const root = opts.root ?? '(root)';
  const issues = opts.max === undefined ? err.issues : err.issues.slice(0, opts.max);
  const parts = issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : root}: ${i.message}`);
  return opts.style === 'inline' ? parts.join('; ') : parts.map((p) => `  - ${p}`).join('\n');
}
