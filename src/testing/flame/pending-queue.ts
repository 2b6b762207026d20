/**
 * Min-heap of task ids: the pending tasks of one session, dispatched in ascending id order.
 * Ids may go stale (the task left Pending); the consumer skips those when it pops.
 *
 * @example
 * ```ts
 * import { PendingQueue } from './pending-queue.js';
 * const q = new PendingQueue(); q.push(3); q.push(1); q.pop(); // => 1
 * ```
 */
export class PendingQueue {
  private readonly heap: number[] = [];

  /** Number of queued ids, stale ones included. */
  get size(): number {
    return this.heap.length;
  }

  /** Adds an id. */
  push(id: number): void {
    const heap = this.heap;
    heap.push(id);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= id) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = id;
  }

  /** Removes and returns the smallest id, or undefined when empty. */
  pop(): number | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && heap[right]! < heap[left]! ? right : left;
        if (heap[child]! >= last) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Drops every id. */
  clear(): void {
    this.heap.length = 0;
  }
}
