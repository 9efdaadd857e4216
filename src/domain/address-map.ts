import { type Cidr, cidrSize } from './ipv4.js';
import type { Random } from './random.js';

/**
 * Which addresses of one subnet are occupied: one bit per address (8 KiB for a /16), with a hint to the
 * first word that may hold a free bit. The five reserved addresses are set from the start, so no search ever
 * returns one. Every search is bounded by the number of words: a full subnet answers at once.
 */
export class AddressMap {
  readonly subnet: Cidr;
  readonly size: number;
  private readonly words: Uint32Array;
  private firstMaybeFreeWord = 0;
  private occupiedCount = 0;

  constructor(subnet: Cidr) {
    this.subnet = subnet;
    this.size = cidrSize(subnet);
    this.words = new Uint32Array(Math.ceil(this.size / 32));
    // Bits past the end of a subnet smaller than a word are set so they never look free.
    const tail = this.size % 32;
    if (tail !== 0) this.words[this.words.length - 1] = ~((1 << tail) - 1) >>> 0;
    for (const offset of [0, 1, 2, 3, this.size - 1]) this.setBit(offset);
  }

  /** Usable addresses not yet occupied: what DescribeSubnets reports as AvailableIpAddressCount. */
  get freeCount(): number {
    return this.size - 5 - this.occupiedCount;
  }

  isFree(address: number): boolean {
    const offset = address - this.subnet.base;
    return ((this.words[offset >>> 5]! >>> (offset & 31)) & 1) === 0;
  }

  occupy(address: number): void {
    const offset = address - this.subnet.base;
    if (!this.isFree(address)) throw new Error(`address offset ${offset} is already occupied`);
    this.setBit(offset);
    this.occupiedCount++;
  }

  release(address: number): void {
    const offset = address - this.subnet.base;
    const word = offset >>> 5;
    const bit = 1 << (offset & 31);
    if ((this.words[word]! & bit) === 0) throw new Error(`address offset ${offset} is not occupied`);
    this.words[word] = (this.words[word]! & ~bit) >>> 0;
    this.occupiedCount--;
    if (word < this.firstMaybeFreeWord) this.firstMaybeFreeWord = word;
  }

  /**
   * Picks `count` distinct free addresses without occupying them, lowest first or at random.
   * Returns null when fewer than `count` are free. Never loops beyond one pass over the words per address.
   */
  pick(count: number, random: Random | null): number[] | null {
    if (count > this.freeCount) return null;
    const picked: number[] = [];
    // Occupy while picking so that one call never returns the same address twice; undone before returning.
    for (let i = 0; i < count; i++) {
      const offset = random ? this.nextFreeFrom(random.below(this.size)) : this.lowestFree();
      this.setBit(offset);
      picked.push(offset);
    }
    for (const offset of picked) this.clearBit(offset);
    return picked.map((offset) => this.subnet.base + offset);
  }

  /**
   * Picks `count` aligned blocks of 16 free addresses (/28 prefixes), lowest first or at random.
   * `allowed` narrows the candidates (for example to a subnet CIDR reservation). Returns block bases.
   */
  pickBlocks16(count: number, random: Random | null, allowed: (base: number) => boolean = () => true): number[] | null {
    const picked = this.pickSomeBlocks16(count, random, allowed);
    return picked.length < count ? null : picked;
  }

  /** Like pickBlocks16, but when fewer than `count` blocks qualify it returns all of them. */
  pickSomeBlocks16(count: number, random: Random | null, allowed: (base: number) => boolean = () => true): number[] {
    const candidates: number[] = [];
    const halves = this.words.length * 2;
    for (let half = 0; half < halves && this.size >= 16; half++) {
      const word = this.words[half >>> 1]!;
      const bits = half & 1 ? word >>> 16 : word & 0xffff;
      if (bits === 0) {
        const base = this.subnet.base + half * 16;
        if (allowed(base)) candidates.push(base);
      }
    }
    const take = Math.min(count, candidates.length);
    if (!random) return candidates.slice(0, take);
    for (let i = 0; i < take; i++) {
      const j = i + random.below(candidates.length - i);
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
    return candidates.slice(0, take);
  }

  /**
   * Runs `fn` with every address of `ranges` (clipped to the subnet) looking occupied, then puts the map back as
   * it was: how automatic picks step around subnet CIDR reservations. Costs one pass over the words the ranges
   * cover. `fn` may pick but must not occupy or release.
   */
  withHeld<T>(ranges: readonly Cidr[], fn: () => T): T {
    const saved: number[] = [];
    const hint = this.firstMaybeFreeWord;
    const occupied = this.occupiedCount;
    for (const range of ranges) {
      const from = Math.max(range.base - this.subnet.base, 0);
      const to = Math.min(range.base + cidrSize(range) - this.subnet.base, this.size);
      for (let w = from >>> 5; from < to && w <= (to - 1) >>> 5; w++) {
        const lo = Math.max(from - w * 32, 0);
        const bits = Math.min(to - w * 32, 32) - lo;
        const mask = bits === 32 ? 0xffffffff : (((1 << bits) - 1) << lo) >>> 0;
        const old = this.words[w]!;
        const added = (mask & ~old) >>> 0;
        if (added === 0) continue;
        saved.push(w, old);
        this.words[w] = (old | mask) >>> 0;
        this.occupiedCount += popcount(added);
      }
    }
    try {
      return fn();
    } finally {
      for (let i = saved.length - 2; i >= 0; i -= 2) this.words[saved[i]!] = saved[i + 1]!;
      this.firstMaybeFreeWord = hint;
      this.occupiedCount = occupied;
    }
  }

  /** An independent copy: a cached map handed to a reader that must not see later changes. */
  clone(): AddressMap {
    const copy = new AddressMap(this.subnet);
    copy.words.set(this.words);
    copy.firstMaybeFreeWord = this.firstMaybeFreeWord;
    copy.occupiedCount = this.occupiedCount;
    return copy;
  }

  /** The raw bitmap, for persistence or a cache check. */
  snapshot(): Uint32Array {
    return this.words.slice();
  }

  private lowestFree(): number {
    for (let w = this.firstMaybeFreeWord; w < this.words.length; w++) {
      const word = this.words[w]!;
      if (word !== 0xffffffff) {
        this.firstMaybeFreeWord = w;
        const free = ~word >>> 0;
        return w * 32 + (31 - Math.clz32(free & -free));
      }
    }
    throw new Error('no free address although freeCount said there was one');
  }

  /** The first free offset at or after `start`, wrapping once around the subnet. */
  private nextFreeFrom(start: number): number {
    const words = this.words.length;
    const startWord = start >>> 5;
    for (let i = 0; i <= words; i++) {
      const w = (startWord + i) % words;
      let free = ~this.words[w]! >>> 0;
      // On the first visit, skip the bits below `start`; the wrap-around visit (i === words) sees them.
      if (i === 0 && (start & 31) !== 0) free = (free & ~((1 << (start & 31)) - 1)) >>> 0;
      if (free !== 0) return w * 32 + (31 - Math.clz32(free & -free));
    }
    throw new Error('no free address although freeCount said there was one');
  }

  private setBit(offset: number): void {
    this.words[offset >>> 5] = (this.words[offset >>> 5]! | (1 << (offset & 31))) >>> 0;
  }

  private clearBit(offset: number): void {
    this.words[offset >>> 5] = (this.words[offset >>> 5]! & ~(1 << (offset & 31))) >>> 0;
    // pick() sets bits while it searches, which can carry the hint past a word it then frees again.
    if (offset >>> 5 < this.firstMaybeFreeWord) this.firstMaybeFreeWord = offset >>> 5;
  }
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
