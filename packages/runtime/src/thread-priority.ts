import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';

/**
 * Lowers the calling thread's CPU priority to `niceness` (Linux, where each thread is a task of its
 * own that /proc/thread-self names). The all-in-one's background thread runs at a lower priority
 * than the thread serving HTTP: in an alert storm on a small machine the consumers take whatever CPU
 * the Events API leaves, so its 202s do not queue behind grouping. False where that cannot be done
 * (another OS, a sandbox that forbids it): the thread then runs as before.
 */
export function lowerThreadPriority(niceness: number): boolean {
  try {
    const tid = Number(path.basename(readlinkSync('/proc/thread-self')));
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
