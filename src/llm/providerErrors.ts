import { serverKind } from './serverKind';

/**
 * Errors a user meets on day one, mapped to what they do next. The adapter (chatModel.ts) and the pool check
 * both word errors here, so one message per cause. How long we wait on a 429 is the transport's business;
 * this module only says what happened and what to do.
 */
export type ProviderErrorKind = 'auth' | 'model-not-found' | 'context-length' | 'rate-limited' | 'server' | 'wrong-url' | 'unreachable' | 'timeout' | 'bad-request' | 'other';

export interface ProviderErrorInfo {
  kind: ProviderErrorKind;
  /** One sentence: what the user does next (a command where there is one). */
  action: string;
}

export interface AgentRef {
  id: string;
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
}

const CONTEXT = /context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long|exceeds? the (model's )?(max|context)|max_model_len|input (is )?too long|n_ctx|requested \d+ tokens/i;
const MODEL_MISSING = /model[^.]{0,80}(not found|does not exist|not exist|unknown|try pulling)|no such model|model_not_found|invalid model/i;

/** The kind of a failed call, from its HTTP status (undefined for network errors) and message. */
export function classifyProviderError(status: number | undefined, message: string, code?: string | null): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate-limited';
  if (code === 'context_length_exceeded' || ((status === 400 || status === 413 || status === 422) && CONTEXT.test(message))) return 'context-length';
  if (code === 'model_not_found' || ((status === 404 || status === 400) && MODEL_MISSING.test(message))) return 'model-not-found';
  if (status === 404) return 'wrong-url';
  if (status !== undefined && status >= 500) return CONTEXT.test(message) ? 'context-length' : 'server';
  if (status !== undefined && status >= 400) return 'bad-request';
  return 'other';
}

/** What to do next for each kind, with the exact command where one exists. */
export function providerAction(kind: ProviderErrorKind, agent: AgentRef): string {
  const server = serverKind(agent.baseUrl);
  const where = agent.baseUrl ?? 'the endpoint';
  switch (kind) {
    case 'auth':
      return agent.apiKeyEnv
        ? `Set the key: export ${agent.apiKeyEnv}=<your key> before running sale (in VS Code: run "SALE: Set API Key" for ${agent.id}).`
        : `The server wants a key: add "apiKeyEnv": "MY_KEY_VAR" to agent ${agent.id} in the pool file and export MY_KEY_VAR=<your key> (in VS Code: "SALE: Set API Key").`;
    case 'model-not-found':
      if (server === 'ollama') return `Pull it: ollama pull ${agent.model}`;
      if (server === 'openrouter') return `Check the model id "${agent.model}" at https://openrouter.ai/models and fix "model" in the pool file.`;
      if (server === 'openai') return `Check the model name "${agent.model}": GET ${where}/models lists the models your key may use.`;
      return `Serve it (vLLM: vllm serve ${agent.model}, or --served-model-name ${agent.model}) or fix "model" in the pool file; GET ${where}/models lists what the server has.`;
    case 'context-length':
      return server === 'ollama'
        ? 'The prompt does not fit the context window: SALE trims the repository context and retries once; if that is not enough, raise it (OLLAMA_CONTEXT_LENGTH=16384 ollama serve) or describe a smaller task.'
        : 'The prompt does not fit the context window: SALE trims the repository context and retries once; if that is not enough, use a model with a longer context (vLLM: --max-model-len) or describe a smaller task.';
    case 'rate-limited':
      // The message already says how many attempts were made (each after the wait Retry-After asked, capped).
      return `Rate limited by ${where}: wait a minute, lower the pool's concurrency, or raise your account's rate limit.`;
    case 'wrong-url':
      return `${where} has no /chat/completions here: "baseUrl" usually ends in /v1 (Ollama: http://localhost:11434/v1).`;
    case 'unreachable':
      if (server === 'ollama') return 'Start the server: ollama serve (and check the port in "baseUrl").';
      return `Check that the server at ${where} is running and that "baseUrl" ends in /v1.`;
    case 'timeout':
      return server === 'ollama'
        ? `A cold model can take a minute to load: raise "timeoutMs" for ${agent.id}, or load it first (ollama run ${agent.model} "").`
        : `Raise "timeoutMs" for ${agent.id} in the pool file, or check the server's load.`;
    case 'server':
      return `The server failed (5xx); look at its log. SALE already retried.`;
    case 'bad-request':
      return `The server refused the request; run "sale pool check" to see which features it lacks.`;
    default:
      return '';
  }
}

export function describeProviderError(status: number | undefined, message: string, agent: AgentRef, opts: { code?: string | null } = {}): ProviderErrorInfo {
  const kind = classifyProviderError(status, message, opts.code);
  return { kind, action: providerAction(kind, agent) };
}
