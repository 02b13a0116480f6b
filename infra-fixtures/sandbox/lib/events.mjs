// Ground truth: one JSON line per event, written synchronously so the order on disk is the order
// things happened and nothing is lost if the supervisor is killed right after.

import fs from 'node:fs';

/** Epoch milliseconds with sub-millisecond precision (monotonic within this process). */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

/** Open `file` for appending events; `emit(event, fields)` returns the record it wrote. */
export function openEventLog(file) {
  const fd = fs.openSync(file, 'a');
  let closed = false;
  return {
    /** @param {string} event @param {Record<string, unknown>} [fields] */
    emit(event, fields = {}) {
      const record = { at: nowMs(), event, ...fields };
      if (!closed) fs.writeSync(fd, JSON.stringify(record) + '\n');
      return record;
    },
    close() {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
    },
  };
}
