// Results computed from constants' arrays, kept by those arrays: every signature's plan of a
// model folds the same weights and must get the same arrays back (a compiled model uploads each
// array once, src/runtime/compiled-model.ts).
const byArrays = new WeakMap<object, unknown>();

export function memoizedByArrays<T>(keys: object[], make: () => T): T {
  let level: WeakMap<object, unknown> = byArrays;
  for (const key of keys.slice(0, -1)) {
    if (!level.has(key)) level.set(key, new WeakMap());
    level = level.get(key) as WeakMap<object, unknown>;
  }
  const last = keys[keys.length - 1];
  if (!level.has(last)) level.set(last, make());
  return level.get(last) as T;
}
