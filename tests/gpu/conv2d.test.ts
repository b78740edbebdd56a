import { defineGpuSuite } from '../harness/gpu-suite.ts';

defineGpuSuite('conv2d');
