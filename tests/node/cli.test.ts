// The built `wgnn` command (dist/cli.js, from `npm run build`) run as a child process: its output
// and its exit codes (0 done, 1 failed with one line on stderr, 2 bad usage).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function wgnn(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('wgnn info', () => {
  it('prints the adapter, its limits and features', async (context) => {
    const harness = inject('nodeGpuHarness');
    if (harness.unavailable) context.skip(`no WebGPU adapter in Node: ${harness.unavailable}`);
    const { code, stdout, stderr } = await wgnn(['info']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^adapter: \S+.*$/m);
    expect(stdout).toMatch(/^ {2}vendor {2,}\S+/m);
    expect(stdout).toMatch(/^limits:\n {2}maxBindGroups +\d+$/m);
    expect(stdout).toMatch(/^ {2}maxStorageBufferBindingSize +\d+$/m);
    expect(stdout).toMatch(/^features \(\d+\):$/m);
  });

  it('--json gives the same report as JSON', async (context) => {
    const harness = inject('nodeGpuHarness');
    if (harness.unavailable) context.skip(`no WebGPU adapter in Node: ${harness.unavailable}`);
    const { code, stdout, stderr } = await wgnn(['info', '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(typeof report.adapter.vendor).toBe('string');
    expect(report.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    expect(Array.isArray(report.features)).toBe(true);
  });

  it.runIf(process.platform === 'linux')('a Vulkan driver that does not exist fails with exit 1 and one line', async () => {
    const { code, stdout, stderr } = await wgnn(['info'], { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    // Dawn itself prints warnings to stderr first; the command's own message is the last line.
    const last = stderr.trimEnd().split('\n').pop();
    expect(last).toMatch(/^wgnn info: nodeGpu: Dawn found no WebGPU adapter: .*VK_ICD_FILENAMES.*\/nonexistent\/icd\.json/);
  });
});

describe('wgnn usage', () => {
  it('--help prints the commands and exits 0', async () => {
    const { code, stdout } = await wgnn(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: wgnn <command>/);
    expect(stdout).toMatch(/^ {2}info +show the WebGPU adapter/m);
  });

  it('an unknown command prints usage and exits 2', async () => {
    const { code, stdout, stderr } = await wgnn(['frobnicate']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^wgnn: unknown command 'frobnicate'\nusage: wgnn <command>/);
  });

  it('no command prints usage and exits 2', async () => {
    const { code, stderr } = await wgnn([]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: wgnn <command>/);
  });

  it('an unknown option exits 2 with the command usage', async () => {
    const { code, stderr } = await wgnn(['info', '--frob']);
    expect(code).toBe(2);
    expect(stderr).toBe("wgnn info: unknown argument '--frob'\nusage: wgnn info [--json]\n");
  });
});
