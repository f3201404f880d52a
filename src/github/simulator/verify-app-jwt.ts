/**
 * Verifies a GitHub App JWT the way GitHub does: RS256 over `header.payload`, signed with the
 * App's private key, `iss` equal to the App id (or client id), not expired, issued at most
 * 10 minutes before it expires. Returns a reason string when it is not acceptable.
 */
import { createVerify } from 'node:crypto';
import type { SimApp } from './state.js';

export function isJwt(token: string): boolean {
  return token.split('.').length === 3 && token.startsWith('eyJ');
}

export function verifyAppJwt(token: string, app: SimApp | undefined): string | undefined {
  if (!app) return 'no GitHub App is configured in the simulator';
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(app.publicKey, Buffer.from(signature, 'base64url'))) {
    return 'A JSON web token could not be decoded';
  }
  let claims: { iss?: unknown; exp?: unknown; iat?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return 'A JSON web token could not be decoded';
  }
  if (String(claims.iss) !== String(app.id)) return "'Issuer' claim ('iss') must be an Integer";
  const exp = Number(claims.exp);
  const iat = Number(claims.iat);
  // Real time, not the scaled clock: the JWT is signed with the client's wall clock.
  const now = Math.floor(Date.now() / 1000);
  if (!(exp > now))
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (exp - iat > 660) return "'Expiration time' claim ('exp') is too far in the future";
  return undefined;
}
