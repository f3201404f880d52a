// Loaded with `node --import` (through NODE_OPTIONS) by `npm run simulator:conformance`: installs
// a process-wide recorder that appends every GitHub simulator call and webhook delivery of this
// process to <STEERING_SIM_TRAFFIC_DIR>/<pid>.jsonl.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.STEERING_SIM_TRAFFIC_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.jsonl`);
  globalThis[Symbol.for('steering.github-simulator.traffic-recorder')] = {
    record(entry) {
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
    },
  };
}
