/**
 * Hermes-style tool calls written as text: `<tool_call>{"name": …, "arguments": {…}}</tool_call>`. vLLM without
 * `--tool-call-parser` and many local servers send these in `content` instead of `tool_calls`. We read them only
 * when the request offered tools and no native call came back; arguments stay raw JSON text for the caller
 * to validate (model output is hostile).
 */

export interface TextToolCall {
  id: string;
  name: string;
  arguments: string;
}

const BLOCK = /<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/gi;

/** Strips a ```json fence a model may put inside the tag. */
function unfence(s: string): string {
  return s.replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '').trim();
}

/**
 * Tool calls found in `text`, and the text with them removed. Blocks that are not a JSON object with a string
 * `name` among `allowedNames` are left in the text (the loop then sees prose and nudges the model).
 */
export function extractTextToolCalls(text: string, allowedNames: readonly string[], idPrefix = 'call_text_'): { calls: TextToolCall[]; rest: string } {
  if (!/<tool_call>/i.test(text)) return { calls: [], rest: text };
  const calls: TextToolCall[] = [];
  const rest = text.replace(BLOCK, (whole, inner: string) => {
    let obj: unknown;
    try {
      obj = JSON.parse(unfence(inner));
    } catch {
      return whole;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return whole;
    const o = obj as { name?: unknown; arguments?: unknown; parameters?: unknown };
    if (typeof o.name !== 'string' || !allowedNames.includes(o.name)) return whole;
    const args = o.arguments ?? o.parameters ?? {};
    calls.push({ id: `${idPrefix}${calls.length}`, name: o.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) });
    return '';
  });
  return { calls, rest: calls.length ? rest.trim() : text };
}
