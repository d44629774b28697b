/**
 * The environment a command the agent causes gets: the user's, minus anything that looks like a secret. Model-written
 * test code must not be able to read an API key (or any key, token, password or credential) and send it back to
 * the model in its output. Names are matched case-insensitively on these parts.
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|SESSION|COOKIE|SIGNATURE|_PAT$|^PAT_|DSN|CONNECTION_STRING|DATABASE_URL)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy of `env` without secret-looking variables; `alsoDrop` names more (e.g. a pool's apiKeyEnv). */
export function scrubSecrets(env: NodeJS.ProcessEnv, alsoDrop: Iterable<string> = []): { env: NodeJS.ProcessEnv; dropped: string[] } {
  const extra = new Set([...alsoDrop].map((n) => n.toUpperCase()));
  const out: NodeJS.ProcessEnv = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (isSecretName(k) || extra.has(k.toUpperCase())) dropped.push(k);
    else out[k] = v;
  }
  return { env: out, dropped: dropped.sort() };
}
