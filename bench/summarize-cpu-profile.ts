/**
 * `node --import tsx bench/summarize-cpu-profile.ts <file.cpuprofile> [top]`: the frames with the
 * most self time in a profile written by `node --cpu-prof`, and the same grouped by package (or
 * `node:` internals, or the project's `src/`), as percentages of the sampled time. The benchmark
 * scripts take `BENCH_CPU_PROF=<dir>` to profile their server processes.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: `pkg:<name>`, `node:<module>`, `src/<dir>`, or the frame's kind. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  if (url.startsWith('node:')) return url;
  const src = /\/(src|bench|dist)\/([^/]+)/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  return url;
}

export function summarize(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const frames = new Map<string, number>();
  const owners = new Map<string, number>();
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const short = url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
    const key =
      `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    frames.set(key, (frames.get(key) ?? 0) + t);
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`;
  const sorted = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `${pct(t).padStart(6)}  ${k}`);
  return { totalMs: total / 1000, frames: sorted(frames), owners: sorted(owners) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: bench/summarize-cpu-profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const s = summarize(
    JSON.parse(readFileSync(file, 'utf8')) as Profile,
    Number(process.argv[3] ?? 25),
  );
  console.log(`${file}: ${s.totalMs.toFixed(0)} ms sampled`);
  console.log('self time by frame:');
  for (const l of s.frames) console.log(l);
  console.log('self time by owner:');
  for (const l of s.owners) console.log(l);
}
