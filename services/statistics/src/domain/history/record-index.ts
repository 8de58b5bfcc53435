/**
 * Registry ids → dense indexes (0, 1, 2, … in the order first seen), kept compactly: a replay of ten million
 * events meets millions of workers, and a `Map` keyed by their 36-character uuid strings costs ~100 bytes
 * each. A canonical uuid is kept as its 16 bytes in a dense array, found through an open-addressing table
 * of 4-byte slots at most half full (~24–32 bytes a worker); any other id (legacy or test ids) falls back
 * to a `Map`. The uuids are kept in pages, so that adding some never copies all of them.
 */
const PAGE_BITS = 14;
const IN_PAGE = (1 << PAGE_BITS) - 1;

export class RecordIndex {
  private readonly others = new Map<string, number>();
  /** Slots of the open-addressing table: index + 1 of the record whose uuid hashed there; 0 = empty. */
  private slots = new Int32Array(1 << 12);
  /** The uuids of the records kept by uuid, four 32-bit words each, by index: dense, not by slot. */
  private readonly keyPages: Uint32Array[] = [];
  private uuids = 0;
  private count = 0;
  private readonly words = new Uint32Array(4);

  get size(): number {
    return this.count;
  }

  /** The index of `id`, given the next free index if it was not seen before. */
  indexOf(id: string): number {
    if (!this.parse(id)) {
      let index = this.others.get(id);
      if (index === undefined) {
        index = this.count++;
        this.others.set(id, index);
      }
      return index;
    }
    const [a, b, c, d] = this.words as unknown as [number, number, number, number];
    const mask = this.slots.length - 1;
    for (let slot = hash(a, b, c, d) & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === 0) {
        const index = this.count++;
        this.put(slot, index);
        return index;
      }
      const keys = this.keyPages[(held - 1) >>> PAGE_BITS]!;
      const k = ((held - 1) & IN_PAGE) * 4;
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d) return held - 1;
    }
  }

  /** The id of the record at `index` (a uuid in lower case, as `indexOf` finds it whatever its case). */
  idAt(index: number): string {
    if (!(index >= 0 && index < this.count)) throw new RangeError(`no record ${index}`);
    const other = this.otherIds().get(index);
    if (other !== undefined) return other;
    const keys = this.keyPages[index >>> PAGE_BITS]!;
    const k = (index & IN_PAGE) * 4;
    const h = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
    const [a, b, c, d] = [keys[k]!, keys[k + 1]!, keys[k + 2]!, keys[k + 3]!];
    return `${h(a, 8)}-${h(b >>> 16, 4)}-${h(b & 0xffff, 4)}-${h(c >>> 16, 4)}-${h(c & 0xffff, 4)}${h(d, 8)}`;
  }

  /** Every id, by index (for a checkpoint of the fold: indexing them again in this order gives the same indexes). */
  ids(): string[] {
    const ids: string[] = [];
    for (let i = 0; i < this.count; i++) ids.push(this.idAt(i));
    return ids;
  }

  private reverseOthers: Map<number, string> | undefined;
  private reverseOthersAt = -1;
  private otherIds(): Map<number, string> {
    if (!this.reverseOthers || this.reverseOthersAt !== this.others.size) {
      this.reverseOthers = new Map([...this.others].map(([id, index]) => [index, id]));
      this.reverseOthersAt = this.others.size;
    }
    return this.reverseOthers;
  }

  private put(slot: number, index: number): void {
    const page = index >>> PAGE_BITS;
    while (this.keyPages.length <= page) this.keyPages.push(new Uint32Array(4 << PAGE_BITS));
    this.keyPages[page]!.set(this.words, (index & IN_PAGE) * 4);
    this.slots[slot] = index + 1;
    // At most half full: short probes, at 4 bytes a slot.
    if (++this.uuids * 2 > this.slots.length) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = this.slots.length - 1;
    for (const held of old) {
      if (held === 0) continue;
      const keys = this.keyPages[(held - 1) >>> PAGE_BITS]!;
      const k = ((held - 1) & IN_PAGE) * 4;
      let slot = hash(keys[k]!, keys[k + 1]!, keys[k + 2]!, keys[k + 3]!) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = held;
    }
  }

  /** Reads a canonical lower- or upper-case uuid (8-4-4-4-12 hex digits) into `words`; false for anything else. */
  private parse(id: string): boolean {
    if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) {
      return false;
    }
    // Hex digits at 0-7 | 9-12 14-17 | 19-22 24-27 | 28-35.
    const p0 = hex(id, 0, 8);
    const p1 = hex(id, 9, 13);
    const p2 = hex(id, 14, 18);
    const p3 = hex(id, 19, 23);
    const p4 = hex(id, 24, 28);
    const p5 = hex(id, 28, 36);
    if (p0 < 0 || p1 < 0 || p2 < 0 || p3 < 0 || p4 < 0 || p5 < 0) return false;
    this.words[0] = p0;
    this.words[1] = p1 * 0x10000 + p2;
    this.words[2] = p3 * 0x10000 + p4;
    this.words[3] = p5;
    return true;
  }
}

/** The value of the hex digits id[from, to) (at most 8), or -1 if one is not a hex digit. */
function hex(id: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = id.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Mixes the four words (uuid v4/v7 bits are not uniform in every word: v7 starts with a timestamp). */
function hash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ c ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ d ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
