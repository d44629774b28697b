/**
 * Which kind of OpenAI-compatible server an agent talks to, guessed from its base URL. Used to pick the
 * thinking switch and to word what the user should do after an error. A guess: `other` is always safe.
 */
export type ServerKind = 'ollama' | 'openrouter' | 'openai' | 'other';

export function serverKind(baseUrl: string | undefined): ServerKind {
  const url = (baseUrl ?? '').toLowerCase();
  if (url.includes(':11434') || url.includes('ollama')) return 'ollama';
  if (url.includes('openrouter.ai')) return 'openrouter';
  if (url.includes('api.openai.com')) return 'openai';
  return 'other';
}
