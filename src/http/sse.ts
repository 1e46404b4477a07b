/** Server-Sent Events from a subscription: a backlog first, then live items, with keep-alives. */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

const KEEPALIVE_MS = 15_000;
/** A client that stops reading loses items past this many unsent, told how many, instead of growing our memory. */
const MAX_PENDING = 2_000;

export function sseFrom<T>(
  c: Context,
  options: {
    event: string;
    /** Read right after subscribing, in the same tick, so no item falls between the two or comes twice. */
    backlog: () => T[];
    subscribe: (push: (item: T) => void) => () => void;
  },
) {
  return streamSSE(c, async (stream) => {
    let pending = 0;
    let dropped = 0;
    const send = (item: T) => {
      if (stream.aborted) return;
      if (pending >= MAX_PENDING) {
        dropped += 1;
        return;
      }
      if (dropped > 0) {
        void stream.writeSSE({ event: 'dropped', data: JSON.stringify({ count: dropped }) }).catch(() => {});
        dropped = 0;
      }
      pending += 1;
      stream
        .writeSSE({ event: options.event, data: JSON.stringify(item) })
        .catch(() => {})
        .finally(() => {
          pending -= 1;
        });
    };
    const unsubscribe = options.subscribe(send);
    try {
      for (const item of options.backlog()) send(item);
      while (!stream.aborted) {
        await stream.sleep(KEEPALIVE_MS);
        if (!stream.aborted) await stream.write(': keep-alive\n\n');
      }
    } finally {
      unsubscribe();
    }
  });
}
