// Every GPU case suite (tests/gpu/cases) again, in Node on Dawn instead of headless Chromium.
import { defineNodeSuites } from '../harness/node-suite.ts';

defineNodeSuites();
