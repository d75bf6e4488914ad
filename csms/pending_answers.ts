/**
 * Answers awaited across a message port, by request id: the ask side of csms/loop_bus.ts (commands and
 * admin requests between loops) and of the loops' metrics (csms/loops.ts, csms/loop_worker.ts).
 */
export class PendingAnswers<T> {
  #next = 1;
  #pending = new Map<number, (answer: T) => void>();

  /** Sends a request under a fresh id (`send` posts it) and resolves with its answer. */
  ask(send: (id: number) => void): Promise<T> {
    const id = this.#next++;
    const answer = new Promise<T>((resolve) => this.#pending.set(id, resolve));
    send(id);
    return answer;
  }

  /** The answer to request `id` came (one that nobody waits for any more is dropped). */
  answered(id: number, answer: T): void {
    const resolve = this.#pending.get(id);
    this.#pending.delete(id);
    resolve?.(answer);
  }

  /** Every request still waiting is answered `answer`. */
  drop(answer: T): void {
    for (const resolve of this.#pending.values()) resolve(answer);
    this.#pending.clear();
  }
}
