/**
 * Bounded store for process events whose id no stream has claimed yet (workflow children,
 * or events that race ahead of a launch reply). Holds at most `capacity` items in total;
 * beyond that new items are dropped and counted, so a flood of unknown ids cannot grow
 * memory without limit.
 *
 * @example
 * ```ts
 * const orphans = new OrphanBuffer<string>(2);
 * orphans.add('p1', 'a'); orphans.add('p2', 'b'); orphans.add('p1', 'c');
 * orphans.take('p1'); // => ['a']
 * orphans.dropped; // => 1
 * ```
 */
export class OrphanBuffer<T> {
  private entries: { readonly id: string; readonly item: T }[] = [];
  private droppedCount = 0;

  constructor(readonly capacity: number = 1024) {}

  /** Keeps the item unless the buffer is full; returns whether it was kept. */
  add(id: string, item: T): boolean {
    if (this.entries.length >= this.capacity) {
      this.droppedCount++;
      return false;
    }
    this.entries.push({ id, item });
    return true;
  }

  /** Removes and returns the items kept for one id, oldest first. */
  take(id: string): T[] {
    const taken = this.entries.filter((e) => e.id === id).map((e) => e.item);
    if (taken.length > 0) this.entries = this.entries.filter((e) => e.id !== id);
    return taken;
  }

  /** Removes and returns every item in arrival order. */
  takeAll(): T[] {
    const all = this.entries.map((e) => e.item);
    this.entries = [];
    return all;
  }

  get size(): number {
    return this.entries.length;
  }

  /** How many items were refused because the buffer was full. */
  get dropped(): number {
    return this.droppedCount;
  }
}
