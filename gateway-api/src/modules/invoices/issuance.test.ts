import { createHash } from 'node:crypto';
import { canonicalJson } from '@hdt/vocabulary';
import { CLERK as clerk, serviceSetup } from '../../../test/invoice-service';
import { invoiceData, PDF } from '../../../test/harness';
import { ISSUANCE_POINTS, retryDelayMs, type IssuancePoint } from './issuance';
import { invoiceDataSchema } from './schemas';

const data = invoiceDataSchema.parse(invoiceData());
const ID = '31010125/0000000001';
const sm3 = (bytes: Uint8Array) => createHash('sm3').update(bytes).digest('hex');

/** Stands for the process dying at a point: nothing after it runs in that request. */
class Crash extends Error {}

function crashingAt(point: IssuancePoint) {
  let armed = true;
  const setup = serviceSetup({
    reached: (reached) => {
      if (armed && reached === point) {
        armed = false;
        throw new Crash(point);
      }
    },
  });
  return setup;
}

describe('issuance saga: interrupted between any two steps', () => {
  it.each(ISSUANCE_POINTS)('after "%s": the recovery worker finishes or undoes it, exactly once', async (point) => {
    const { chaincode, offchain, service, recoverAfter } = crashingAt(point);
    await expect(service.issueInvoice(clerk, data, PDF, `key-${point}`)).rejects.toBeInstanceOf(Crash);
    // A crashed request leaves its key held: only the issuance may answer it now.
    expect(offchain.idempotencyRecords.row('clerk1', `key-${point}`)).toMatchObject({ state: 'pending' });

    await recoverAfter(61_000);
    const issuance = offchain.issuances.rows.get(ID);
    if (point === 'intent') {
      // Nothing was stored yet: undone, and the same request simply runs again.
      expect(issuance).toBeUndefined();
      expect(chaincode.invoice('31010125', '0000000001')).toBeUndefined();
      expect(offchain.idempotencyRecords.row('clerk1', `key-${point}`)).toBeUndefined();
      const again = await service.issueInvoice(clerk, data, PDF, `key-${point}`);
      expect(again).toMatchObject({ kind: 'done', replayed: false });
    } else {
      expect(issuance?.state).toBe('DONE');
      const record = offchain.records.rows.get(ID);
      expect(record?.txId).toBe(issuance?.anchor?.txId);
      expect(record?.pdf.cid).toBe(chaincode.invoice('31010125', '0000000001')?.pdfCid);
    }
    expect(chaincode.committed.filter((name) => name === 'Issue')).toHaveLength(1);

    // The client's retry gets the one result, with the check code the chain's hash was made from.
    const retry = await service.issueInvoice(clerk, data, PDF, `key-${point}`);
    if (retry.kind !== 'done') throw new Error(`expected done, got ${retry.kind}`);
    const pdf = await service.downloadPdf(clerk, '31010125', '0000000001', retry.result.checkCode);
    expect(sm3(pdf)).toBe(sm3(PDF));
    expect(chaincode.committed.filter((name) => name === 'Issue')).toHaveLength(1);
  });

  it('undoes an issuance whose invoice someone else put on chain meanwhile: documents discarded, key released', async () => {
    const { chaincode, offchain, service, recoverAfter } = crashingAt('stored');
    await expect(service.issueInvoice(clerk, data, PDF, 'key-raced')).rejects.toBeInstanceOf(Crash);
    const issuance = offchain.issuances.rows.get(ID);
    if (!issuance?.ledgerInput || !issuance.pdfDoc) throw new Error('not stored');
    // The same code and number with other documents (here: the data's address in place of the PDF's).
    const other: Record<string, unknown> = JSON.parse(issuance.ledgerInput) as Record<string, unknown>;
    other['pdfCid'] = other['dataCid'];
    await chaincode.run('Hospital1MSP', 'invoice', 'Issue', [canonicalJson(other)], 'tx-other');

    await recoverAfter(61_000);
    expect(offchain.issuances.rows.get(ID)).toBeUndefined();
    expect(offchain.files.unpinned).toEqual(new Set([issuance.dataDoc?.cid, issuance.pdfDoc.cid]));
    expect(offchain.files.destroyed).toEqual(new Set([issuance.dataDoc?.keyId, issuance.pdfDoc.keyId]));
    expect(offchain.idempotencyRecords.row('clerk1', 'key-raced')).toBeUndefined();
    expect(offchain.records.rows.get(ID)).toBeUndefined();
  });

  it('leaves a running issuance to its runner until the lease runs out', async () => {
    const { offchain, service, recoverAfter } = crashingAt('stored');
    await expect(service.issueInvoice(clerk, data, PDF)).rejects.toBeInstanceOf(Crash);
    expect(await recoverAfter(0)).toBe(0);
    expect(offchain.issuances.rows.get(ID)?.state).toBe('ANCHORING');
    expect(await recoverAfter(61_000)).toBe(1);
    expect(offchain.issuances.rows.get(ID)?.state).toBe('DONE');
  });
});

describe('retryDelayMs', () => {
  it('doubles from one second up to thirty', () => {
    expect([1, 2, 3, 5, 6, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 16_000, 30_000, 30_000]);
  });
});
