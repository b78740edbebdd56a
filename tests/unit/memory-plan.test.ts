// The memory planner on synthetic lifetimes, and its validator.
import { describe, expect, it } from 'vitest';
import { planMemory, validateMemoryPlan, type Lifetime } from '../../src/compile/memory.ts';
import { Random } from '../harness/random.ts';

const life = (name: string, bytes: number, start: number, end: number): Lifetime => ({ name, bytes, start, end });

describe('memory planner', () => {
  it('reuses memory of dead values: a chain needs two buffers at a time', () => {
    const chain = [life('a', 1024, 0, 1), life('b', 1024, 1, 2), life('c', 1024, 2, 3), life('d', 1024, 3, 4)];
    const plan = planMemory(chain, 256);
    expect(plan.naiveBytes).toBe(4096);
    expect(plan.lowerBoundBytes).toBe(2048);
    expect(plan.peakBytes).toBe(2048);
    validateMemoryPlan(plan);
  });

  it('aligns offsets and sizes', () => {
    const plan = planMemory([life('a', 10, 0, 1), life('b', 300, 0, 1)], 256);
    expect(plan.placements.map((p) => p.offset % 256)).toEqual([0, 0]);
    expect(plan.placements.map((p) => p.bytes)).toEqual([256, 512]);
  });

  it('keeps placements in the order given', () => {
    const plan = planMemory([life('small', 4, 0, 0), life('big', 4096, 0, 0)], 4);
    expect(plan.placements.map((p) => p.name)).toEqual(['small', 'big']);
  });

  it('on random lifetimes, never overlaps live values and stays near the lower bound', () => {
    const rng = new Random(42);
    let worst = 1;
    for (let trial = 0; trial < 50; trial++) {
      const lifetimes = Array.from({ length: 30 }, (_, i) => {
        const start = rng.int(0, 20);
        return life(`v${i}`, rng.int(1, 64) * 256, start, start + rng.int(0, 5));
      });
      const plan = planMemory(lifetimes, 256);
      validateMemoryPlan(plan);
      expect(plan.peakBytes).toBeGreaterThanOrEqual(plan.lowerBoundBytes);
      expect(plan.peakBytes).toBeLessThanOrEqual(plan.naiveBytes);
      worst = Math.max(worst, plan.peakBytes / plan.lowerBoundBytes);
    }
    expect(worst).toBeLessThan(1.5);
  });

  it('the validator catches two live values sharing bytes', () => {
    const plan = planMemory([life('a', 256, 0, 2), life('b', 256, 1, 3)], 256);
    plan.placements[1].offset = plan.placements[0].offset + 128;
    expect(() => validateMemoryPlan(plan)).toThrow(/a \[0, \+256\) and b \[128, \+256\) overlap while both are alive \(steps 1..2\)/);
  });
});
