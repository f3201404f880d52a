/**
 * The bodies the simulator answers and delivers start from GitHub's own documented examples
 * (generated/examples.json, extracted and completed against GitHub's schemas by
 * `npm run simulator:schemas`), so every field GitHub sends is present with its type; the
 * simulator then overwrites what its state knows. The examples' URLs and names are rewritten to
 * the simulator's base URL and repository.
 */
import { readFileSync } from 'node:fs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies in GitHub's shapes
export type Body = Record<string, any>;

const examples = JSON.parse(
  readFileSync(new URL('./generated/examples.json', import.meta.url), 'utf8'),
) as { rest: Record<string, unknown>; webhooks: Record<string, unknown> };

const rebased = new Map<string, Body>();

/** A fresh copy of an example with its URLs on `baseUrl` (rebased once, then cloned). */
function clone(key: string, value: unknown, baseUrl: string): Body {
  const cacheKey = `${key}\n${baseUrl}`;
  let base = rebased.get(cacheKey);
  if (!base) {
    const text = JSON.stringify(value).replaceAll('https://api.github.com', baseUrl);
    base = JSON.parse(text) as Body;
    rebased.set(cacheKey, base);
  }
  return structuredClone(base);
}

/** A fresh copy of the documented response example of `"METHOD /path/{template}"`. */
export function restBase(operation: string, baseUrl: string): Body {
  const value = examples.rest[operation];
  if (value === undefined) throw new Error(`simulator: no example for ${operation}`);
  return clone(`rest ${operation}`, value, baseUrl);
}

/** A fresh copy of the documented delivery example of `event` or `event.action`. */
export function hookBase(key: string, baseUrl: string): Body {
  const value = examples.webhooks[key];
  if (value === undefined) throw new Error(`simulator: no example for webhook ${key}`);
  return clone(`webhook ${key}`, value, baseUrl);
}
