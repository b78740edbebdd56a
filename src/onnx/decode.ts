// ONNX model and tensor files -> the plain structures in model.ts.
//
// Protobuf library: protobufjs 8 (maintained, releases through 2026), used as its `minimal`
// runtime plus static code that its CLI (pbjs) generates from the vendored onnx.proto
// (ONNX 1.23.1). Why not the alternatives:
// - protobufjs reflection (full or `light` build, loading onnx.proto at run time) compiles each
//   message's decoder with `new Function`: blocked by a Content-Security-Policy without
//   'unsafe-eval', and the full build adds the .proto parser. Static code has no eval.
// - onnx-proto (npm) is the same kind of static code, but frozen at the ONNX 1.10 schema, built on
//   protobufjs 6 (end of life), and its bundle came out larger (153 kB vs 140 kB minified,
//   22.7 vs 21.2 kB gzip, measured with vite 8) with int64 decoded as lossy doubles in browsers.
// Generated code stays in src/onnx/generated; tests/unit/onnx-schema.test.ts regenerates it and
// fails when it is stale.
import { WgnnError } from '../errors.ts';
import { onnx } from './generated/onnx-pb.js';
import { convertGraph } from './graph.ts';
import { int64ToNumber } from './int64.ts';
import { MAX_MODEL_BYTES } from './limits.ts';
import type { OnnxModel, OnnxTensor } from './model.ts';
import { convertTensor } from './tensor.ts';

const WHERE = 'onnx';

/**
 * Decodes and validates a model file (ModelProto). Throws a WgnnError naming the part at fault for
 * a truncated or corrupt file, a file that is not ONNX, external data, or impossible sizes.
 * Subgraphs (If/Loop/Scan bodies) are decoded too; model-local function bodies are only counted.
 */
export function decodeModel(bytes: Uint8Array | ArrayBuffer): OnnxModel {
  const m = parse(bytes, 'model', (b) => onnx.ModelProto.decode(b));
  if (!m.graph) {
    throw new WgnnError(WHERE, 'the file holds no graph: it is not an ONNX model, or it is truncated');
  }
  const irVersion = int64ToNumber(m.irVersion, WHERE, 'ir_version');
  if (irVersion < 1) throw new WgnnError(WHERE, `ir_version is ${irVersion}; an ONNX model has 1 or more`);
  if (m.opsetImport.length === 0) {
    throw new WgnnError(WHERE, 'the model imports no opset (opset_import is empty): it is truncated or not ONNX');
  }
  const opsetImports = m.opsetImport.map((o: onnx.OperatorSetIdProto) => ({
    domain: o.domain,
    version: int64ToNumber(o.version, WHERE, `opset version of domain "${o.domain}"`),
  }));
  return {
    irVersion,
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    opsetImports,
    graph: convertGraph(m.graph, `onnx graph "${m.graph.name}"`),
    functionCount: m.functions.length,
  };
}

/** Decodes one serialized TensorProto, such as the test-data input_0.pb and output_0.pb files. */
export function decodeTensor(bytes: Uint8Array | ArrayBuffer): OnnxTensor {
  const t = parse(bytes, 'tensor', (b) => onnx.TensorProto.decode(b));
  return convertTensor(t, t.name ? `onnx tensor "${t.name}"` : 'onnx tensor');
}

/** Size checks, then protobuf decoding with every wire-level failure turned into a WgnnError. */
function parse<M>(input: Uint8Array | ArrayBuffer, what: string, decode: (b: Uint8Array) => M): M {
  // A plain Uint8Array view: protobufjs treats a Node Buffer differently (Buffer views, pooled memory).
  const bytes = input instanceof ArrayBuffer
    ? new Uint8Array(input)
    : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length === 0) throw new WgnnError(WHERE, `the ${what} file is empty`);
  if (bytes.length > MAX_MODEL_BYTES) {
    throw new WgnnError(WHERE, `the ${what} file is ${bytes.length} bytes; protobuf allows at most ${MAX_MODEL_BYTES}`);
  }
  try {
    return decode(bytes);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new WgnnError(
      WHERE,
      `cannot parse the ${what} as ONNX protobuf (${reason}): the file is truncated, corrupt or not an ONNX ${what}`,
    );
  }
}
