import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  totalMemMb: number;
  os: string;
  node: string;
  /** 1-minute load average when the bench started: other work on the machine skews numbers. */
  loadAvg1: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAvg1: Math.round(os.loadavg()[0] * 100) / 100,
  };
}
