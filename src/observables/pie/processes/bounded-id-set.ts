/**
 * A set of ids that remembers at most `capacity` entries, forgetting the oldest first.
 * Used for processes that have ended or were detached, whose late events must be ignored
 * without the set growing forever.
 *
 * @example
 * ```ts
 * const finished = new BoundedIdSet(2);
 * finished.add('a'); finished.add('b'); finished.add('c');
 * finished.has('a'); // => false
 * finished.has('c'); // => true
 * ```
 */
export class BoundedIdSet {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number = 4096) {}

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
