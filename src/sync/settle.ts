// The outcome of each claimed conversation, gathered as D1 statements and written in one
// batch at the end of a run: synced, unchanged, failed for good, retried later (its own
// failure, with a growing delay and a give-up after the window), or waiting (the
// service's failure: due again at once, no attempt spent, the tenant held meanwhile).
import type { Claimed } from "../conversations/sync-store.ts";
import { failedStatement, releaseStatement, syncedStatement, unchangedStatement } from "../conversations/sync-store.ts";
import type { SyncedRecord } from "../conversations/sync-store.ts";
import type { Outcome } from "../salesforce/write.ts";
import type { Warning } from "../salesforce/plan.ts";
import { retryDecision } from "./retry-window.ts";

export interface Counts {
  synced: number;
  failed: number;
  unchanged: number;
  retrying: number;
  waiting: number;
}

export class Settlement {
  readonly statements: D1PreparedStatement[] = [];
  readonly counts: Counts = { synced: 0, failed: 0, unchanged: 0, retrying: 0, waiting: 0 };
  readonly #db: D1Database;
  readonly #tenantId: string;
  readonly #now: () => Date;
  readonly #giveUpAfterMs: number;

  constructor(db: D1Database, tenantId: string, now: () => Date, giveUpAfterMs: number) {
    this.#db = db;
    this.#tenantId = tenantId;
    this.#now = now;
    this.#giveUpAfterMs = giveUpAfterMs;
  }

  synced(record: SyncedRecord): void {
    this.counts.synced++;
    this.statements.push(syncedStatement(this.#db, this.#tenantId, record, this.#now()));
  }

  unchanged(conversationId: string): void {
    this.counts.unchanged++;
    this.statements.push(unchangedStatement(this.#db, this.#tenantId, conversationId));
  }

  failed(conversationId: string, error: unknown): void {
    this.counts.failed++;
    this.statements.push(failedStatement(this.#db, this.#tenantId, conversationId, error, this.#now()));
  }

  /** The conversation's own transient failure: tried again later, or given up once it kept failing for the whole window. */
  retry(c: Claimed, error: unknown): void {
    const now = this.#now();
    const decision = retryDecision({ attempts: c.sync_attempts, failingSince: c.sync_failing_since }, now, this.#giveUpAfterMs);
    if (decision.kind === "give_up") {
      this.failed(c.conversation_id, { code: "retry_window_exhausted", failingSince: decision.failingSince, last: error });
      return;
    }
    this.counts.retrying++;
    this.statements.push(releaseStatement(this.#db, this.#tenantId, c.conversation_id, error, now, { dueAt: decision.dueAt }));
  }

  /** The service failed, not the conversation: pending again, due at once, nothing spent. */
  wait(conversationId: string, error: unknown): void {
    this.counts.waiting++;
    this.statements.push(releaseStatement(this.#db, this.#tenantId, conversationId, error, this.#now()));
  }

  /** What Salesforce answered for each written conversation. */
  outcomes(
    items: readonly { conversationId: string }[],
    claimed: ReadonlyMap<string, Claimed>,
    outcomes: ReadonlyMap<string, Outcome>,
    hashes: ReadonlyMap<string, string>,
    warnings: readonly Warning[],
  ): void {
    for (const { conversationId } of items) {
      const outcome = outcomes.get(conversationId);
      const claim = claimed.get(conversationId);
      if (outcome?.kind === "synced") {
        this.synced({
          conversationId,
          hash: hashes.get(conversationId) ?? "",
          match: outcome.match,
          sfConversationId: outcome.sfConversationId,
          sfLeadId: outcome.sfLeadId,
          sfContactId: outcome.sfContactId,
          warnings: [...outcome.warnings, ...warnings],
        });
      } else if (outcome?.kind === "failed") {
        this.failed(conversationId, outcome.error);
      } else if (claim) {
        this.retry(claim, outcome?.error ?? { code: "not_written" });
      }
    }
  }
}
