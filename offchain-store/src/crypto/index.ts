export { sm3, sm3Hex, hmacSm3, hmacSm3Hex } from './sm3';
export {
  ENVELOPE_BLOCK_BYTES,
  ENVELOPE_HEADER_BYTES,
  ENVELOPE_IV_BYTES,
  ENVELOPE_MAGIC,
  ENVELOPE_MIN_BYTES,
  ENVELOPE_TAG_BYTES,
  openEnvelope,
  parseEnvelope,
  sealEnvelope,
  splitDataKey,
} from './envelope';
export type { EnvelopeParts } from './envelope';
