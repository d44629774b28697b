/**
 * The environment a command the agent causes gets: the user's, minus anything that looks like a secret. Model-written
 * test code must not be able to read an API key (or any key, token, password or credential) and send it back to
 * the model in its output. Names are matched case-insensitively on these parts.
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|SESSION|COOKIE|SIGNATURE|_PAT$|^PAT_|DSN|CONNECTION_STRING|DATABASE_URL)/i;

/**
 * npm's lifecycle context of whatever launched SALE (`npm run …` sets `npm_config_*`, `npm_package_*`,
 * `npm_lifecycle_*`, `INIT_CWD`). Passed on, it makes an `npm test` in the user's repository run the *launching*
 * project's script instead of the repository's own; the command must run as if typed in a shell in the repository.
 */
const NPM_CONTEXT = /^(npm_|INIT_CWD$)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy of `env` without secret-looking variables (reported) and npm's lifecycle context (silently); `alsoDrop` names more (e.g. a pool's apiKeyEnv). */
export function scrubSecrets(env: NodeJS.ProcessEnv, alsoDrop: Iterable<string> = []): { env: NodeJS.ProcessEnv; dropped: string[] } {
  const extra = new Set([...alsoDrop].map((n) => n.toUpperCase()));
  const out: NodeJS.ProcessEnv = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (isSecretName(k) || extra.has(k.toUpperCase())) dropped.push(k);
    else if (!NPM_CONTEXT.test(k)) out[k] = v;
  }
  return { env: out, dropped: dropped.sort() };
}
