import { type Executor, queryRows, sql } from '@klaxon/db';
import { outgoingPosts } from './webhooks.table';

export interface ClaimedPost {
  seq: number;
  id: string;
  kind: string;
  target: string;
  orderKey: string;
  body: string;
  tries: number;
}

/**
 * Claims due posts that are first in line of their (target, order key): a later post of the same
 * incident waits while an earlier one is pending or being sent, so receivers get them in order.
 */
export async function claimDuePosts(ex: Executor, now: Date, limit: number, leaseMs: number): Promise<ClaimedPost[]> {
  const at = now.toISOString();
  const rows = await queryRows<{
    seq: string;
    id: string;
    kind: string;
    target: string;
    order_key: string;
    body: string;
    tries: number;
  }>(
    ex,
    sql`with due as (
          select p.seq from ${outgoingPosts} p
          where ((p.state = 'pending' and p.next_attempt_at <= ${at}::timestamptz)
                 or (p.state = 'sending' and p.lease_until <= ${at}::timestamptz))
            and not exists (select 1 from ${outgoingPosts} e
                            where e.target = p.target and e.order_key = p.order_key and e.seq < p.seq
                              and e.state in ('pending', 'sending'))
          order by p.seq limit ${limit} for update skip locked)
        update ${outgoingPosts} p set state = 'sending', tries = p.tries + 1,
               lease_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
        from due where p.seq = due.seq
        returning p.seq, p.id, p.kind, p.target, p.order_key, p.body, p.tries`,
  );
  return rows
    .map((r) => ({
      seq: Number(r.seq),
      id: r.id,
      kind: r.kind,
      target: r.target,
      orderKey: r.order_key,
      body: r.body,
      tries: r.tries,
    }))
    .sort((a, b) => a.seq - b.seq);
}
