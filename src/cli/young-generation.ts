/**
 * `serve` loads several hundred modules and applies migrations before it listens. Nearly all of
 * that survives, so V8 doubles the young generation at each scavenge up to its maximum (two 16 MB
 * semi-spaces) and keeps that size while the server idles: about a quarter of its idle resident
 * memory, for nothing. Holding the growth factor at 1 during start-up keeps the young generation
 * at its initial size (start-up pays a few more, smaller scavenges); once the server listens V8's
 * default is restored, so load grows it as usual. `--semi-space-growth-factor` is read at each
 * growth, so setting it at run time takes effect.
 */
import { setFlagsFromString } from 'node:v8';

/** V8's default `--semi-space-growth-factor`. */
const DEFAULT_GROWTH = 2;

export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH}`);
}
