/**
 * Clients of a unit's own gRPC API: a program beside the server that calls the service it sits in
 * (`email_client.py` building an `EmailServiceStub` in the unit that registers `EmailService`) is a
 * manual test or demo client, not a call the service makes while serving. Only files with
 * "client" in their name are read, then the unit's service code for the gRPC services it
 * registers. Pure.
 */
import type { RoleOf } from './classify-role.js';
import type { Snapshot } from './types.js';

const SOURCE = /\.(py|java|kt|go|js|mjs|cjs|ts)$/;
/** The gRPC services a file serves: Python, JVM, Node and Go registrations. */
const SERVES = [
  /\badd_(\w+)Servicer_to_server\(/g,
  /\b(\w+)Grpc\.\1ImplBase\b/g,
  /\baddService\(\s*(?:\w+\.)*(\w+)\.service\b/g,
  /\bRegister(\w+)Server\(/g,
];
/** The gRPC services a file calls: stubs and generated clients. */
const CALLS = [
  /\b([A-Z]\w*)Stub\(/g,
  /\b(\w+)Grpc\.new(?:Blocking|Future)?Stub\(/g,
  /\bnew\s+(?:\w+\.)+(\w+)\(\s*[^,()]+,\s*grpc\.credentials\./g,
  /\bNew(\w+)Client\(/g,
];

const namesIn = (text: string, patterns: readonly RegExp[]): Set<string> => {
  const out = new Set<string>();
  for (const re of patterns) for (const m of text.matchAll(re)) out.add(m[1] as string);
  out.delete('Health');
  return out;
};

/**
 * For each unit, its files that only call gRPC services the same unit serves: path → role
 * `tooling`. `unitOf` gives a path's unit; `roleOf` its role from the path alone.
 */
export function findSelfClients(
  snapshot: Snapshot,
  unitOf: (path: string) => string | undefined,
  roleOf: (path: string) => RoleOf | undefined,
): Map<string, RoleOf> {
  const out = new Map<string, RoleOf>();
  const isService = (p: string) => SOURCE.test(p) && roleOf(p)?.role === 'service';
  const candidates = snapshot.paths.filter(
    (p) => /client/i.test(p.slice(p.lastIndexOf('/') + 1)) && isService(p),
  );
  if (candidates.length === 0) return out;
  const served = new Map<string, Set<string>>();
  const servedBy = (unit: string): Set<string> => {
    let s = served.get(unit);
    if (!s) {
      s = new Set();
      for (const p of snapshot.paths)
        if (unitOf(p) === unit && isService(p))
          for (const n of namesIn(snapshot.read(p) ?? '', SERVES)) s.add(n);
      served.set(unit, s);
    }
    return s;
  };
  for (const path of candidates) {
    const unit = unitOf(path);
    const text = snapshot.read(path);
    if (unit === undefined || text === undefined) continue;
    if (namesIn(text, SERVES).size > 0) continue;
    const calls = [...namesIn(text, CALLS)];
    const own = servedBy(unit);
    if (calls.length > 0 && calls.every((c) => own.has(c)))
      out.set(path, {
        role: 'tooling',
        reason: `a client of the service's own gRPC API (${calls.join(', ')})`,
      });
  }
  return out;
}
