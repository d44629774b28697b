import { hashText } from './random';
import type { Draw } from './successModel';

/**
 * The simulator's only state: every plan it wrote, by a hash of its text, with the draw behind it, so that
 * executing a plan (e.g. a refined one) uses that plan's own draw. Bounded LRU; a forgotten plan falls back
 * to the agent's base draw, which is what it would have been for a bid anyway.
 */
export interface PlanRecord {
  agentId: string;
  taskKey: string;
  draw: Draw;
}

export const planKey = (text: string) => hashText(text.replace(/\s+/g, ' ').trim());

export class PlanTable {
  private readonly map = new Map<string, PlanRecord>();
  constructor(private readonly capacity = 20_000) {}

  remember(text: string, rec: PlanRecord): void {
    const k = planKey(text);
    this.map.delete(k);
    this.map.set(k, rec);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  recall(text: string): PlanRecord | undefined {
    const k = planKey(text);
    const rec = this.map.get(k);
    if (rec) {
      this.map.delete(k);
      this.map.set(k, rec);
    }
    return rec;
  }

  get size(): number {
    return this.map.size;
  }
}
