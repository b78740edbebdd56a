import { defineGpuSuite } from '../harness/gpu-suite.ts';

defineGpuSuite('keras');
