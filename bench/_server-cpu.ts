// A server's CPU time over a load generator's measured window, read by the load generator itself
// (it knows when its window opens and closes): warm-up work (JIT compilation, first-use costs)
// stays out of the figure.
import { cpuSeconds } from './_processes.js';

/** The CPU seconds (all threads, /proc) process `pid` spends from `fromMs` to `fromMs + durationMs` after now. */
export function serverCpuWindow(pid: number, fromMs: number, durationMs: number): Promise<number> {
  return new Promise((resolve) => {
    setTimeout(() => {
      const start = cpuSeconds(pid);
      setTimeout(() => resolve(cpuSeconds(pid) - start), durationMs);
    }, fromMs);
  });
}
