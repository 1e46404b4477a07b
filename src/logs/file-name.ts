/**
 * The file name of a server's log inside `$ORCH_HOME/logs/` (which holds server logs only), derived
 * from any name a client accepts (`github.com/owner/repo`, `x y`, `..`, 300 × `ü`) so that:
 * - no two names share a file, and the name can be read back from the file name;
 * - the result never holds a path separator, is never `.`, `..` or a hidden file, and stays within
 *   the 255-byte limit of a file name with 15 bytes to spare for a rotation suffix (`NAME.1`, …);
 * - a readable name stays readable: `memory` → `memory.log`.
 *
 * The scheme, over the name's UTF-8 bytes:
 * 1. `A-Z a-z 0-9 _ - .` are kept; every other byte is written `%XX` (upper-case hex), `%` and `~`
 *    included, so decoding is `decodeURIComponent`. A leading `.` (hidden file, `.`, `..`) and a
 *    leading `-` (read as an option by shell tools) are encoded too.
 * 2. `.log` is appended.
 * 3. Past 240 bytes, the encoded name is cut (between characters) and `~` plus 32 hex digits of
 *    the SHA-256 of the whole name are inserted before `.log`. Step 1 never writes `~`, so a cut
 *    name cannot equal an uncut one; two cut names differ by their hash (128 bits).
 * Names are compared byte for byte, as Linux file systems do: on a case-insensitive one, `Memory`
 * and `memory` would share a file. Names are well-formed text (the config refuses unpaired surrogates,
 * which UTF-8 cannot hold).
 */
import { createHash } from 'node:crypto';

const SUFFIX = '.log';
/** 255 bytes less the room kept for a rotation suffix. */
export const MAX_LOG_FILE_NAME_BYTES = 240;
const HASH_HEX_DIGITS = 32;
const PREFIX_ROOM = MAX_LOG_FILE_NAME_BYTES - '~'.length - HASH_HEX_DIGITS - SUFFIX.length;
const KEPT = /^[A-Za-z0-9_.-]$/;

export function logFileName(server: string): string {
  const pieces = encode(server);
  const encoded = pieces.join('');
  if (encoded.length + SUFFIX.length <= MAX_LOG_FILE_NAME_BYTES) return encoded + SUFFIX;
  let prefix = '';
  for (const piece of pieces) {
    if (prefix.length + piece.length > PREFIX_ROOM) break;
    prefix += piece;
  }
  const hash = createHash('sha256').update(server, 'utf8').digest('hex').slice(0, HASH_HEX_DIGITS);
  return `${prefix}~${hash}${SUFFIX}`;
}

/** One piece per character, so a cut never splits a character or its `%XX` escapes. */
function encode(name: string): string[] {
  return [...name].map((char, index) =>
    KEPT.test(char) && !(index === 0 && (char === '.' || char === '-')) ? char : percentEncode(char),
  );
}

function percentEncode(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}
