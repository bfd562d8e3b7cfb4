/**
 * Preloaded (`node --expose-gc --import`) into the memory stage's leader: SIGUSR2 runs a full
 * garbage collection, so that the heap in use the stage reads afterwards is the live data, not
 * whatever garbage the load left behind (an idle V8 does not collect it by itself).
 */
const gc = (globalThis as { gc?: () => void }).gc;
// Installed even without --expose-gc: SIGUSR2's default action would end the process.
process.on('SIGUSR2', () => gc?.());
