/**
 * The protobuf wire form of the peer's batch messages (fabric-protos peer/chaincode_shim.proto),
 * which the shim's bundled protos predate: WriteBatchState, WriteRecord, GetStateMultiple and
 * GetStateMultipleResult. Only what those messages use: varints, strings and bytes.
 */

/** WriteRecord.Type.PUT_STATE. */
const PUT_STATE = 9;

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array): Uint8Array {
  return Buffer.concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(bytes.length)]), bytes]);
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** WriteBatchState { repeated WriteRecord rec = 1 } of PUT_STATE records (no collection, no metadata). */
export function writeBatchState(entries: readonly { key: string; value: Uint8Array }[]): Uint8Array {
  return Buffer.concat(
    entries.map(({ key, value }) => {
      const record = Buffer.concat([
        lengthDelimited(1, utf8(key)),
        lengthDelimited(2, value),
        Uint8Array.from([(5 << 3) | 0, ...varint(PUT_STATE)]),
      ]);
      return lengthDelimited(1, record);
    }),
  );
}

/** GetStateMultiple { repeated string keys = 1; string collection = 2 } of the public state. */
export function getStateMultiple(keys: readonly string[]): Uint8Array {
  return Buffer.concat(keys.map((key) => lengthDelimited(1, utf8(key))));
}

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length; i += 1) {
    const byte = bytes[i] ?? 0;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  throw new Error('protobuf: truncated varint');
}

/** GetStateMultipleResult { repeated bytes values = 1 }: the values, in order. */
export function getStateMultipleResult(bytes: Uint8Array): Uint8Array[] {
  const values: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    if (tag.value !== ((1 << 3) | 2))
      throw new Error(`protobuf: unexpected tag ${tag.value} in GetStateMultipleResult`);
    const length = readVarint(bytes, tag.next);
    const end = length.next + length.value;
    if (end > bytes.length) throw new Error('protobuf: truncated GetStateMultipleResult');
    values.push(bytes.subarray(length.next, end));
    at = end;
  }
  return values;
}
