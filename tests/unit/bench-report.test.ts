// The bench report's roofline: the best reading of each rate over the probes, and the header
// that says which readings it came from.
import { describe, expect, it } from 'vitest';
import type { Roofline } from '../../bench/page/roofline.ts';
import { bestRoofline, markdown, type Report } from '../../bench/report.ts';

const reading = (gflops: number, gbps: number, gloads: number, ms: number): Roofline => ({
  gflops,
  gbps,
  gloads,
  fma: { invocations: 1, iterations: 1, ms },
  copy: { bytesPerDispatch: 1, dispatches: 1, ms },
  load: { invocations: 1, iterations: 1, ms },
});

describe('bench report roofline', () => {
  it("takes each rate from the probe that read it highest, with that probe's details", () => {
    const best = bestRoofline([reading(5, 2.5, 0.1, 10), reading(9, 2.0, 0.2, 20)]);
    expect([best.gflops, best.gbps, best.gloads]).toEqual([9, 2.5, 0.2]);
    expect([best.fma.ms, best.copy.ms, best.load.ms]).toEqual([20, 10, 20]);
  });

  it('names both FMA readings in the roofline header', () => {
    const probes = [reading(5.02, 2, 0.16, 1), reading(7.86, 2, 0.16, 1)];
    const report: Report = { adapter: 'test', date: '', options: { full: false, reps: 10 }, roofline: bestRoofline(probes), probes, workloads: [], skipped: [], results: [] };
    expect(markdown(report)).toContain('probe: 7.86 GFLOP/s FMA, 2.00 GB/s copy, 0.160 G vec4 loads/s from cache; best of 2 probes, FMA read 5.02 and 7.86)');
  });
});
