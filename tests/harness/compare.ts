// The one comparison helper: |actual - expected| <= atol + rtol * |expected|, element by element.
// float32 defaults: atol 1e-5, rtol 1e-4. Long reductions scale atol by sqrt(K), the growth of a
// sum of K rounding errors of random sign. A NaN in the output (an unwritten, poisoned element)
// always fails.

export interface Tolerance {
  atol: number;
  rtol: number;
}

export const F32: Tolerance = { atol: 1e-5, rtol: 1e-4 };

export function reduction(k: number, base: Tolerance = F32): Tolerance {
  return { atol: base.atol * Math.sqrt(Math.max(k, 1)), rtol: base.rtol };
}

export interface CaseInfo {
  seed: number;
  shape: readonly number[];
}

function close(a: number, e: number, tol: Tolerance): boolean {
  if (a === e) return true; // also equal infinities
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

/** Throws an error naming the seed, shape, first bad index, both values and the count of bad elements. */
export function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, info: CaseInfo): void {
  const where = `${label} (seed ${info.seed}, shape [${info.shape.join(', ')}], atol ${tol.atol.toExponential(1)}, rtol ${tol.rtol.toExponential(1)})`;
  if (actual.length !== expected.length) {
    throw new Error(`${where}: ${actual.length} values, expected ${expected.length}`);
  }
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i], tol)) {
      if (first < 0) first = i;
      bad++;
    }
    const err = Math.abs(actual[i] - expected[i]);
    if (err > worst || Number.isNaN(err)) worst = err;
  }
  if (bad > 0) {
    throw new Error(
      `${where}: ${bad} of ${expected.length} elements differ; first at index ${first}: got ${actual[first]}, expected ${expected[first]}; max abs error ${worst}`,
    );
  }
}
