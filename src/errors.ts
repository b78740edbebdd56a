/** Every error wgnn raises for bad input or a bad state. `where` names the op, layer or node at fault. */
export class WgnnError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'WgnnError';
  }
}

/** Raised for work that was pending or started after the WebGPU device was lost. */
export class DeviceLostError extends WgnnError {
  constructor(reason: string, detail: string) {
    super(
      'device',
      `the WebGPU device was lost (${reason}${detail ? `: ${detail}` : ''}); ` +
        'tensors on it are gone: call createEngine() again and re-create them',
    );
    this.name = 'DeviceLostError';
  }
}
