// mergeAxes (src/ops/strided-copy/dispatch.ts) rewrites a strided copy over fewer axes before the
// dispatch; the rewrite must read the same input element for every output element. Checked by
// walking both forms with the shader's formula on seeded random slices, expands and tiles.
import { describe, expect, it } from 'vitest';
import type { PlanContext } from '../../src/ops/op.ts';
import { mergeAxes, selectStridedCopyVariant, vec4Axes, type CopyAxis } from '../../src/ops/strided-copy/dispatch.ts';
import { Random } from '../harness/random.ts';

/** The input offset of every output element, as the shader computes it (innermost axis first). */
function sources(axes: readonly CopyAxis[]): number[] {
  const count = axes.reduce((n, a) => n * a.out, 1);
  return Array.from({ length: count }, (_, i) => {
    let [rest, offset, stride] = [i, 0, 1];
    for (let d = axes.length - 1; d >= 0; d--) {
      const { out, input, begin, step } = axes[d];
      offset += (((begin + (rest % out) * step) % input) + input) % input * stride;
      rest = Math.floor(rest / out);
      stride *= input;
    }
    return offset;
  });
}

function randomCopy(rng: Random, kind: 'slice' | 'expand' | 'tile'): CopyAxis[] {
  const rank = rng.int(1, 5);
  return Array.from({ length: rank }, () => {
    const input = rng.int(1, 5);
    if (kind === 'expand') return input === 1 ? { out: rng.int(1, 4), input, begin: 0, step: 1 } : { out: input, input, begin: 0, step: 1 };
    if (kind === 'tile') return { out: input * rng.int(1, 3), input, begin: 0, step: 1 };
    // A slice: whole, a single element, or a run with a step of -2..2.
    const pick = rng.int(0, 2);
    if (pick === 0) return { out: input, input, begin: 0, step: 1 };
    const begin = rng.int(0, input - 1);
    if (pick === 1) return { out: 1, input, begin, step: 1 };
    const step = [-2, -1, 1, 2][rng.int(0, 3)];
    const room = step > 0 ? Math.floor((input - 1 - begin) / step) + 1 : Math.floor(begin / -step) + 1;
    return { out: rng.int(1, room), input, begin, step };
  });
}

describe('mergeAxes', () => {
  for (const kind of ['slice', 'expand', 'tile'] as const) {
    it(`reads the same elements as the unmerged ${kind} (seeded, 300 copies)`, () => {
      const rng = new Random(71);
      for (let n = 0; n < 300; n++) {
        const axes = randomCopy(rng, kind);
        const merged = mergeAxes(axes);
        expect(merged.length, JSON.stringify(axes)).toBeLessThanOrEqual(axes.length);
        expect(sources(merged), JSON.stringify({ axes, merged })).toEqual(sources(axes));
      }
    });
  }

  it('leaves a column cut of a matrix two axes and makes a contiguous block one', () => {
    // h(t-1) of a recurrent layer's saved values: the last 64 of 384 columns, 640 rows.
    expect(mergeAxes([{ out: 640, input: 640, begin: 0, step: 1 }, { out: 64, input: 384, begin: 320, step: 1 }])).toHaveLength(2);
    expect(mergeAxes([{ out: 2, input: 5, begin: 1, step: 1 }, { out: 3, input: 3, begin: 0, step: 1 }, { out: 4, input: 4, begin: 0, step: 1 }])).toEqual([{ out: 24, input: 60, begin: 12, step: 1 }]);
  });
});

describe('the vec4 strided copy', () => {
  const ctx = (stridedCopy?: string) => ({ forcedVariants: { stridedCopy } }) as unknown as PlanContext;
  const cut = (begin: number, out: number, input: number): CopyAxis[] => [{ out: 640, input: 640, begin: 0, step: 1 }, { out, input, begin, step: 1 }];

  it('takes copies whose innermost axis reads whole vec4s (step 1; begin and both sizes multiples of 4)', () => {
    expect(vec4Axes(cut(320, 64, 384))).toBe(true);
    expect(vec4Axes(cut(322, 64, 384))).toBe(false);
    expect(vec4Axes(cut(320, 62, 384))).toBe(false);
    expect(vec4Axes(cut(0, 4, 6))).toBe(false);
    expect(vec4Axes([{ out: 8, input: 16, begin: 0, step: 2 }])).toBe(false);
    expect(selectStridedCopyVariant('slice', cut(320, 64, 384), ctx())).toBe('vec4');
    expect(selectStridedCopyVariant('slice', cut(320, 64, 384), ctx('scalar'))).toBe('scalar');
    expect(selectStridedCopyVariant('slice', cut(2, 64, 384), ctx())).toBe('scalar');
  });

  it('refuses a forced vec4 that does not fit, and an unknown variant, naming the op', () => {
    expect(() => selectStridedCopyVariant('slice', cut(2, 64, 384), ctx('vec4'))).toThrow(/slice: variant vec4 needs an innermost axis that reads whole vec4s/);
    expect(() => selectStridedCopyVariant('tile', cut(0, 64, 384), ctx('wide'))).toThrow(/tile: unknown stridedCopy variant 'wide'; variants: vec4, scalar/);
  });
});
