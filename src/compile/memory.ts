// The memory plan: every intermediate value (and every op's scratch) gets an offset in one arena
// buffer, from its lifetime in the schedule (first step that writes it to last step that reads
// it). Placement is greedy by size, largest first, each at the lowest offset that does not
// overlap a value alive at the same time (the strategy of TFLite's arena planner). The plan
// reports its peak next to the naive total (every value in its own buffer) and the lower bound
// (the largest total of values alive at one step), and a validator checks it.

export interface Lifetime {
  /** A name for error messages. */
  name: string;
  bytes: number;
  /** First and last step (inclusive) at which the memory must hold this value. */
  start: number;
  end: number;
}

export interface Placement extends Lifetime {
  offset: number;
}

export interface MemoryPlan {
  /** In the order of the lifetimes given to planMemory. */
  placements: Placement[];
  peakBytes: number;
  /** Every value in its own buffer (the compiler replaces this by the unfused graph's total). */
  naiveBytes: number;
  lowerBoundBytes: number;
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

const overlapsInTime = (a: Lifetime, b: Lifetime) => a.start <= b.end && b.start <= a.end;

export function planMemory(lifetimes: Lifetime[], alignment: number): MemoryPlan {
  const sized = lifetimes.map((l) => ({ ...l, bytes: alignUp(Math.max(l.bytes, 4), alignment) }));
  const order = [...sized.keys()].sort((a, b) => sized[b].bytes - sized[a].bytes || sized[a].start - sized[b].start);
  const placed: Placement[] = [];
  const placements = new Array<Placement>(sized.length);
  for (const index of order) {
    const value = sized[index];
    const neighbours = placed.filter((p) => overlapsInTime(p, value)).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of neighbours) {
      if (offset + value.bytes <= p.offset) break;
      offset = Math.max(offset, p.offset + p.bytes);
    }
    placements[index] = { ...value, offset };
    placed.push(placements[index]);
  }
  const lastStep = Math.max(0, ...sized.map((l) => l.end));
  let lowerBoundBytes = 0;
  for (let step = 0; step <= lastStep; step++) {
    const live = sized.filter((l) => l.start <= step && step <= l.end).reduce((sum, l) => sum + l.bytes, 0);
    lowerBoundBytes = Math.max(lowerBoundBytes, live);
  }
  return {
    placements,
    peakBytes: Math.max(0, ...placements.map((p) => p.offset + p.bytes)),
    naiveBytes: sized.reduce((sum, l) => sum + l.bytes, 0),
    lowerBoundBytes,
  };
}

/** Throws if two values alive at the same step share a byte. */
export function validateMemoryPlan(plan: MemoryPlan): void {
  const ps = plan.placements;
  for (let i = 0; i < ps.length; i++) {
    for (let j = i + 1; j < ps.length; j++) {
      const [a, b] = [ps[i], ps[j]];
      if (overlapsInTime(a, b) && a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes) {
        throw new Error(`memory plan: ${a.name} [${a.offset}, +${a.bytes}) and ${b.name} [${b.offset}, +${b.bytes}) overlap while both are alive (steps ${Math.max(a.start, b.start)}..${Math.min(a.end, b.end)})`);
      }
    }
  }
}
