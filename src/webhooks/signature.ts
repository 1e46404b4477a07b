/**
 * GitHub's webhook signature scheme, so receivers can reuse their verification code: `sha256=` and the
 * hex HMAC-SHA256 of the exact body bytes, keyed with the hook's secret.
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-orch-signature';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
