// Caps on what an untrusted model file may ask for, checked before anything is allocated for it.
import { WgnnError } from '../errors.ts';

/**
 * Protobuf's own limit on a serialized message (2 GiB - 1); ONNX keeps larger models in external
 * data files, which the decoder rejects anyway. Decoding can take several times the file size in
 * JS objects (a 2-byte repeated entry becomes an object), so callers that face hostile files
 * should cap the size they fetch lower.
 */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

/**
 * Elements in one tensor or declared shape: flat indices must fit an i32 in WGSL and a JS
 * typed-array length; a float32 tensor that large (8 GiB) is past every adapter's
 * maxStorageBufferBindingSize anyway, so a bigger shape can only be a corrupt or hostile file.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/**
 * Product of non-negative dims, failing as soon as it (or one dim, for shapes with a zero) passes
 * the cap, so it never loses precision.
 */
export function checkedElementCount(dims: readonly number[], where: string): number {
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > MAX_TENSOR_ELEMENTS || d > MAX_TENSOR_ELEMENTS) {
      throw new WgnnError(
        where,
        `shape [${dims.join(', ')}] has more than ${MAX_TENSOR_ELEMENTS} elements ` +
          '(the per-tensor cap); the file is corrupt or not meant for a GPU engine',
      );
    }
  }
  return count;
}
