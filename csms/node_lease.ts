/**
 * This CSMS node's lease on its chargers' presence: renewed every RENEW_EVERY_MS for LEASE_MS, so that
 * chargers a crashed node held read as offline within LEASE_MS, while a live node's never lapse between
 * renewals. At start and at an orderly stop the node releases every charger it held.
 */
import type { NodeWrites } from "../shared/storage.ts";
import { logger } from "../shared/log.ts";

const log = logger("csms");

export const LEASE_MS = 15_000;
export const RENEW_EVERY_MS = 5_000;

export class NodeLease {
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly nodes: NodeWrites,
    readonly node: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Releases what an earlier run under this id left, takes the lease (on disk before this resolves), renews it. */
  async start(): Promise<void> {
    await (await this.nodes.release(this.node)).durable;
    await (await this.nodes.alive(this.node, this.now() + LEASE_MS)).durable;
    this.#timer = setInterval(() => this.#renew(), RENEW_EVERY_MS);
  }

  async #renew(): Promise<void> {
    try {
      await (await this.nodes.alive(this.node, this.now() + LEASE_MS)).durable;
    } catch (err) {
      // The next renewal tries again; lapsing meanwhile shows this node's chargers offline, which is true
      // enough of a node that cannot write.
      log.error(`renewing node ${this.node}'s lease failed:`, { error: err });
    }
  }

  /** Stops renewing and releases every charger this node held. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    try {
      await (await this.nodes.release(this.node)).durable;
    } catch (err) {
      log.error(`releasing node ${this.node} failed:`, { error: err });
    }
  }
}
