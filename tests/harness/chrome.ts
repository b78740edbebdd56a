// Locating and launching the browser that runs the GPU tests.
// `npm install puppeteer` cannot download a browser on our machines, so we drive an installed
// Chromium through puppeteer-core. WebGPU on a machine without a GPU comes from SwiftShader,
// which Chromium only exposes with --enable-unsafe-webgpu.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

const KNOWN_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** CHROME_PATH if set, else the first installed browser we know of, else undefined. */
export function findChrome(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  return KNOWN_PATHS.find((p) => existsSync(p));
}

export const CHROME_FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export async function launchChrome(executablePath: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROME_FLAGS, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'wgnn-chrome-'))}`],
    protocolTimeout: 600_000,
  });
}
