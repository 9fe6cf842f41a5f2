import { HttpPoster } from './http.post';
import type { OrderPlan } from './order.mix';

/** An order the intake accepted: its id and when the client sent it and heard back (ms since epoch). */
export interface Accepted {
  id: string;
  customerId: string;
  sentAt: number;
  acceptedAt: number;
}

export interface LoadResult {
  accepted: Accepted[];
  /**
   * POST /orders the API refused, by answer: the status of anything but a 202 with an id
   * (4xx, 429, 5xx), `0` when no answer came at all (connection refused or reset, timeout).
   */
  failures: Record<string, number>;
  cancels: { requested: number; refused: number };
  startedAt: number;
  /** When the last intake answer arrived. */
  endedAt: number;
}

/** How many POST /orders of a run were refused, whatever the answer (see `LoadResult.failures`). */
export function refusedCount(failures: Readonly<Record<string, number>>): number {
  return Object.values(failures).reduce((sum, count) => sum + count, 0);
}

/** The refusals of a run in a few words, most frequent first: `429 ×12, no answer ×1`; `none` when there were none. */
export function describeRefusals(failures: Readonly<Record<string, number>>): string {
  const entries = Object.entries(failures).filter(([, count]) => count > 0);
  if (entries.length === 0) return 'none';
  return entries
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([status, count]) => `${status === '0' ? 'no answer' : status} ×${count}`)
    .join(', ');
}

export type LoadProgress = (sent: number, answered: number, total: number) => void;

/** The `Authorization` header value of a customer (tokens fetched before the run, so issuing them is not measured). */
export type Authorize = (customerId: string) => string;

/**
 * Places orders over HTTP with the same client for the pipeline and for the bare intake
 * limit (`HttpPoster`, kept-alive connections), so the two intake figures compare like with like.
 */
export class LoadGenerator {
  private readonly http = new HttpPoster();
  private readonly result: LoadResult = { accepted: [], failures: {}, cancels: { requested: 0, refused: 0 }, startedAt: 0, endedAt: 0 };
  private readonly cancellations: Promise<void>[] = [];
  private sent = 0;
  private answered = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly authorize: Authorize,
    private readonly progress: LoadProgress = () => undefined,
  ) {}

  /** Closed loop: `clients` clients, each placing its next order once the last was answered. */
  async closed(plans: readonly OrderPlan[], clients: number): Promise<LoadResult> {
    this.result.startedAt = Date.now();
    let next = 0;
    const client = async () => {
      while (next < plans.length) await this.place(plans[next++], plans.length);
    };
    await Promise.all(Array.from({ length: Math.min(clients, plans.length) }, client));
    return this.finish();
  }

  /**
   * Open loop: order i is sent at start + i / rate whatever happened to the ones before, so
   * a slow intake shows as latency and a backlog rather than as a lower offered rate.
   */
  async open(plans: readonly OrderPlan[], rate: number): Promise<LoadResult> {
    this.result.startedAt = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < plans.length; i++) {
      const due = this.result.startedAt + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(this.place(plans[i], plans.length));
    }
    await Promise.all(inFlight);
    return this.finish();
  }

  private async finish(): Promise<LoadResult> {
    await Promise.all(this.cancellations);
    this.http.close();
    return this.result;
  }

  private async place(plan: OrderPlan, total: number): Promise<void> {
    const sentAt = Date.now();
    this.sent++;
    this.progress(this.sent, this.answered, total);
    let status = 0;
    let id: string | undefined;
    const response = await this.http.post(
      `${this.baseUrl}/orders`,
      { 'content-type': 'application/json', authorization: this.authorize(plan.customerId) },
      JSON.stringify({ customerId: plan.customerId, items: plan.items }),
    );
    status = response.status;
    try {
      id = (JSON.parse(response.body) as { id?: string } | null)?.id;
    } catch {
      id = undefined;
    }
    const acceptedAt = Date.now();
    this.answered++;
    this.result.endedAt = acceptedAt;
    this.progress(this.sent, this.answered, total);
    if (status !== 202 || !id) {
      // Counted per run and shown in its report; a run with any is not reported ok.
      this.result.failures[status] = (this.result.failures[status] ?? 0) + 1;
      return;
    }
    this.result.accepted.push({ id, customerId: plan.customerId, sentAt, acceptedAt });
    if (plan.cancelAfterMs !== undefined) this.cancellations.push(this.cancelLater(id, plan.customerId, plan.cancelAfterMs));
  }

  /** A cancel may lose the race to a rejection (409); that is an outcome, not a failure. */
  private async cancelLater(id: string, customerId: string, delayMs: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    this.result.cancels.requested++;
    // The customer cancels their own order, as the client that placed it.
    const response = await this.http.post(`${this.baseUrl}/orders/${id}/cancel`, { authorization: this.authorize(customerId) });
    if (response.status !== 200) this.result.cancels.refused++;
  }
}
