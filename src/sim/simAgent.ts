import { type PromptKind, detectPromptKindOf, extractTagged, parseTaskBlock } from '../core/auction/prompts';
import { nextExecStep, type PastCall } from './executor';
import { judgePlan } from './judge';
import type { ChatCompletionRequest, WireMessage } from './openaiWire';
import { type PlanTable } from './planTable';
import { taskIdentifier, writePlan } from './planWriter';
import { hashText } from './random';
import { type Bin, type Draw, baseDraw, refinedDraw } from './successModel';
import type { SimTask, TaskIndex } from './taskIndex';
import type { AgentSim, SimWorld } from './worldConfig';

/**
 * What a simulated agent answers, by prompt kind (detectPromptKindOf: the system message's header, or the last
 * user message's in the shared-prefix layout). The HTTP layer
 * turns the reply into an OpenAI response (JSON mode, max_tokens, logprobs, usage, streaming).
 */
export interface AgentReply {
  kind: PromptKind | 'other';
  content: string | null;
  toolCalls: { name: string; arguments: string }[];
  /** For plans: the draw to remember under the final text. */
  plan?: { taskKey: string; draw: Draw };
  /** Whether the content is already JSON (jury answers). */
  isJson: boolean;
  /** Latent of the reply's token entropy, and the key its per-token noise is drawn from. */
  entropy: { success: boolean | undefined; key: string };
}

interface TaskRef {
  sim: SimTask | undefined;
  title: string | undefined;
  taskKey: string;
  bin: Bin;
}

export class SimAgents {
  constructor(readonly world: SimWorld, readonly tasks: TaskIndex, readonly plans: PlanTable) {}

  private taskOf(text: string, tag = 'task'): TaskRef {
    const block = extractTagged(text, tag);
    const parsed = block ? parseTaskBlock(block) : undefined;
    const sim = this.tasks.byTaskTitle(parsed?.title);
    if (sim) return { sim, title: sim.task.title, taskKey: sim.task.id, bin: sim.bin };
    return { sim: undefined, title: parsed?.title, taskKey: `title:${parsed?.title ?? ''}`, bin: this.world.unknownTaskBin };
  }

  reply(agent: AgentSim, req: ChatCompletionRequest): AgentReply {
    // Every user message, in order: the shared-prefix layout splits task, repository and the call's own part.
    const user = req.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n\n');
    const kind = detectPromptKindOf(req.messages) ?? 'other';
    const seed = req.seed;
    switch (kind) {
      case 'bid':
        return this.bid(agent, this.taskOf(user), seed, req.maxTokens);
      case 'refine':
        return this.refine(agent, user, seed, req.maxTokens);
      case 'juryBatch':
      case 'juryPair':
        return this.jury(agent, kind, user, seed);
      case 'execute':
        return this.execute(agent, req, user, seed);
      default:
        // Any other prompt that offers tools (e.g. the pool check's probe) gets one call of the first tool.
        if (req.toolNames.length) {
          return { kind: 'other', content: null, toolCalls: [{ name: req.toolNames[0], arguments: '{}' }], isJson: false, entropy: { success: undefined, key: hashText(user) } };
        }
        return {
          kind: 'other',
          content: `I am ${agent.id}, a simulated model (SALE's offline stand-in for a paid API). I only play the SALE prompts; there is nothing real to say about this one.`,
          toolCalls: [],
          isJson: false,
          entropy: { success: undefined, key: hashText(user) },
        };
    }
  }

  private plan(agent: AgentSim, t: TaskRef, seed: number | undefined, maxTokens: number | undefined, purpose: 'bid' | 'refine', draw: Draw): AgentReply {
    const w = writePlan({
      agent,
      worldSeed: this.world.seed,
      requestSeed: seed,
      task: t.sim?.task ?? { title: t.title ?? 'the task' },
      bin: t.bin,
      files: t.sim?.solution.map((f) => f.path) ?? [],
      purpose,
      success: draw.success,
      maxTokens,
    });
    return {
      kind: purpose,
      content: w.text,
      toolCalls: [],
      plan: { taskKey: t.taskKey, draw },
      isJson: false,
      entropy: { success: draw.success, key: `${this.world.seed}/${seed ?? 0}/${t.taskKey}/${purpose}` },
    };
  }

  private bid(agent: AgentSim, t: TaskRef, seed: number | undefined, maxTokens: number | undefined): AgentReply {
    return this.plan(agent, t, seed, maxTokens, 'bid', baseDraw(this.world, agent.id, t.taskKey, t.bin, seed));
  }

  /** Weighted count of examples from similar tasks (same family by default), as memory's in-context effect. */
  similarWeight(agent: AgentSim, current: SimTask | undefined, userText: string): number {
    const examples = extractTagged(userText, 'examples') ?? '';
    let weight = 0;
    for (const m of examples.matchAll(/<example(?:\s[^>]*)?>([\s\S]*?)<\/example>/g)) {
      const ex = m[1];
      const block = extractTagged(ex, 'past-task');
      const past = this.tasks.byTaskTitle(block ? parseTaskBlock(block)?.title : undefined);
      const similar = agent.memory.similar === 'any' || (!!past && !!current && past.task.family === current.task.family);
      if (!similar) continue;
      const failed = /<winning-plan[^>]*tests-passed="false"/.test(ex);
      weight += failed ? agent.memory.failedWinnerWeight : 1;
    }
    return weight;
  }

  private refine(agent: AgentSim, user: string, seed: number | undefined, maxTokens: number | undefined): AgentReply {
    const t = this.taskOf(user);
    const own = extractTagged(user, 'your-plan');
    const known = own ? this.plans.recall(own) : undefined;
    const base = known && known.agentId === agent.id && known.taskKey === t.taskKey ? known.draw : baseDraw(this.world, agent.id, t.taskKey, t.bin, seed);
    const draw = refinedDraw(agent, base, this.similarWeight(agent, t.sim, user));
    return this.plan(agent, t, seed, maxTokens, 'refine', draw);
  }

  private jury(judge: AgentSim, kind: 'juryBatch' | 'juryPair', user: string, seed: number | undefined): AgentReply {
    const t = this.taskOf(user);
    const keySteps = t.sim?.task.keySteps;
    const plans = [...user.matchAll(/<plan id="([^"]*)">\n?([\s\S]*?)\n?<\/plan>/g)].map((m) => ({ label: m[1], text: m[2] }));
    const label = (l: string) => (/^\d+$/.test(l) ? Number(l) : l);
    let content: string;
    if (kind === 'juryPair') {
      const v = judgePlan(this.world, judge, seed, keySteps, plans[0]?.text ?? '');
      content = JSON.stringify({ score: v.score, reason: v.reason });
    } else {
      const scores = plans.map((p) => ({ plan: label(p.label), ...judgePlan(this.world, judge, seed, keySteps, p.text) }));
      content = JSON.stringify({ scores });
    }
    return { kind, content, toolCalls: [], isJson: true, entropy: { success: undefined, key: hashText(content) } };
  }

  private execute(agent: AgentSim, req: ChatCompletionRequest, user: string, seed: number | undefined): AgentReply {
    const t = this.taskOf(user);
    const planText = extractTagged(user, 'plan');
    const known = planText ? this.plans.recall(planText) : undefined;
    const draw = known && known.agentId === agent.id && known.taskKey === t.taskKey ? known.draw : baseDraw(this.world, agent.id, t.taskKey, t.bin, seed);
    const history = pastCalls(req.messages);
    const testCommand = t.sim?.task.testCommand ?? /Test command: (.+)/.exec(user)?.[1]?.trim();
    const step = nextExecStep(
      { agent, worldSeed: this.world.seed, requestSeed: seed, task: t.sim, taskKey: t.taskKey, bin: t.bin, draw, tools: new Set(req.toolNames), testCommand },
      history,
      t.sim ? taskIdentifier(t.sim.task.title, t.sim.task.body, t.sim.solution.map((f) => f.path)) : undefined,
    );
    return {
      kind: 'execute',
      content: step.content,
      toolCalls: step.call ? [{ name: step.call.name, arguments: JSON.stringify(step.call.args) }] : [],
      isJson: false,
      entropy: { success: undefined, key: `${this.world.seed}/${seed ?? 0}/${t.taskKey}/exec/${history.length}` },
    };
  }
}

/** The assistant's earlier tool calls in order, each with the tool message that answered it. */
export function pastCalls(messages: WireMessage[]): PastCall[] {
  const results = new Map(messages.filter((m) => m.role === 'tool' && m.toolCallId).map((m) => [m.toolCallId!, m.content]));
  const out: PastCall[] = [];
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    for (const c of m.toolCalls) {
      let args: Record<string, unknown> = {};
      try {
        args = JSON.parse(c.arguments || '{}') as Record<string, unknown>;
      } catch {
        // a malformed call still counts as a turn taken
      }
      out.push({ name: c.name, args, result: results.get(c.id) });
    }
  }
  return out;
}
