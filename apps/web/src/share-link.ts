/**
 * Share links in the browser: the answers about a resident's links, parsed, and opening a link's
 * sealed content with the key from the link's fragment. The sealed content is the gateway's
 * off-chain envelope: "HDT1" | iv (16) | SM4-CBC ciphertext (PKCS#7) | HMAC-SM3 tag (32) over all
 * before it; the 32-byte key is SM4 key (bytes 0..15) and HMAC key (bytes 16..31).
 */
import { HEALTH_RECORD_TYPES, SHARE_LINK_KEY, SHARE_LINK_STATUSES, type ShareLinkStatus } from '@hdt/vocabulary';
import { sm3, sm4 } from 'sm-crypto-v2';
import { fromHex, toHex } from './key-vault.js';
import { count, list, member, nullableStr, record, str, strings } from './parse.js';

export interface ShareLinkView {
  readonly linkId: string;
  readonly recordId: string;
  readonly recordType: string;
  readonly fields: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly withdrawnAt: string | null;
  readonly status: ShareLinkStatus;
  readonly opens: number;
}

export interface CreatedShareLink extends ShareLinkView {
  readonly url: string;
}

export interface ShareContent {
  readonly linkId: string;
  readonly expiresAt: string;
  readonly sealedBase64: string;
}

/** What the resident shared, as the link opens it. */
export interface SharedRecord {
  readonly recordId: string;
  readonly recordType: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly missingFields: readonly string[];
  readonly attachment: { readonly contentType: string; readonly dataBase64: string } | null;
  readonly sharedAt: string;
  readonly expiresAt: string;
}

/** The key does not open the content (wrong key, or the content was changed). */
export class ShareKeyError extends Error {}

function parseLink(value: unknown, path: string): ShareLinkView {
  const o = record(value, path);
  return {
    linkId: str(o, 'linkId', path),
    recordId: str(o, 'recordId', path),
    recordType: member(HEALTH_RECORD_TYPES, o['recordType'], `${path}.recordType`),
    fields: strings(o, 'fields', path),
    createdAt: str(o, 'createdAt', path),
    expiresAt: str(o, 'expiresAt', path),
    withdrawnAt: nullableStr(o, 'withdrawnAt', path),
    status: member(SHARE_LINK_STATUSES, o['status'], `${path}.status`),
    opens: count(o, 'opens', path),
  };
}

export function parseShareLink(value: unknown): ShareLinkView {
  return parseLink(value, 'body');
}

export function parseCreatedShareLink(value: unknown): CreatedShareLink {
  return { ...parseLink(value, 'body'), url: str(record(value, 'body'), 'url', 'body') };
}

export function parseShareLinkList(value: unknown): ShareLinkView[] {
  return list(record(value, 'body'), 'links', 'body', parseLink);
}

export function parseShareContent(value: unknown): ShareContent {
  const o = record(value, 'body');
  return {
    linkId: str(o, 'linkId', 'body'),
    expiresAt: str(o, 'expiresAt', 'body'),
    sealedBase64: str(o, 'sealedBase64', 'body'),
  };
}

/** `#<linkId>.<key>` of a share page's address, or undefined when it is not one. */
export function parseShareFragment(hash: string): { linkId: string; key: string } | undefined {
  const match = /^#?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9a-f]+)$/.exec(hash);
  if (match === null || !SHARE_LINK_KEY.test(match[2] ?? '')) return undefined;
  return { linkId: match[1] ?? '', key: match[2] ?? '' };
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

const MAGIC = [0x48, 0x44, 0x54, 0x31]; // "HDT1"
const IV_BYTES = 16;
const TAG_BYTES = 32;

/** Checks the tag (HMAC-SM3), then decrypts (SM4-CBC); throws ShareKeyError when the key does not fit. */
export function openSealed(sealedBase64: string, keyHex: string): Uint8Array {
  const sealed = fromBase64(sealedBase64);
  const key = fromHex(keyHex);
  if (key.length !== 32 || sealed.length < MAGIC.length + IV_BYTES + 16 + TAG_BYTES) {
    throw new ShareKeyError('the link or its content is malformed');
  }
  const body = sealed.subarray(0, sealed.length - TAG_BYTES);
  const tag = toHex(sealed.subarray(sealed.length - TAG_BYTES));
  if (sm3(body, { key: key.subarray(16), mode: 'hmac' }) !== tag || MAGIC.some((byte, i) => sealed[i] !== byte)) {
    throw new ShareKeyError('the key does not open this content');
  }
  const iv = body.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  const ciphertext = body.subarray(MAGIC.length + IV_BYTES);
  return sm4.decrypt(ciphertext, key.subarray(0, 16), { mode: 'cbc', iv, padding: 'pkcs#7', output: 'array' });
}

/** The shared record of a link's content, opened with the link's key. */
export function openShared(content: ShareContent, keyHex: string): SharedRecord {
  const plain: unknown = JSON.parse(new TextDecoder().decode(openSealed(content.sealedBase64, keyHex)));
  const o = record(plain, 'shared');
  const attachment = o['attachment'] === null ? null : record(o['attachment'], 'shared.attachment');
  return {
    recordId: str(o, 'recordId', 'shared'),
    recordType: str(o, 'recordType', 'shared'),
    fields: record(o['fields'], 'shared.fields'),
    missingFields: strings(o, 'missingFields', 'shared'),
    attachment:
      attachment === null
        ? null
        : {
            contentType: str(attachment, 'contentType', 'shared.attachment'),
            dataBase64: str(attachment, 'dataBase64', 'shared.attachment'),
          },
    sharedAt: str(o, 'sharedAt', 'shared'),
    expiresAt: str(o, 'expiresAt', 'shared'),
  };
}
