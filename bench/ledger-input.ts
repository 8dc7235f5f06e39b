/** The input of a direct `invoice:Issue` submit (no API): a fresh invoice with random digests and CIDs. */
import { createHash, randomBytes } from 'node:crypto';
import { newInvoiceId } from '../tests/integration/stack';

export const sm3 = (data: Uint8Array | string) => createHash('sm3').update(data).digest('hex');

const fakeCid = () =>
  `bafkrei${randomBytes(32)
    .toString('hex')
    .slice(0, 52)
    .replace(/[0189]/g, 'a')}`;

/** The unit's name comes from the on-chain registry; the check-code fields only need the right shape. */
export function ledgerIssueInput(id = newInvoiceId()): Record<string, unknown> {
  return {
    ...id,
    checkCodeSalt: randomBytes(16).toString('hex'),
    checkCodeIterations: 20_000,
    checkCodeHash: sm3(`${id.code}:${id.number}:BENCH1`),
    type: 'OUTPATIENT',
    totalAmount: 12830,
    payment: { medicalInsuranceFund: 8000, personalAccount: 2000, otherFund: 0, selfPay: 2830 },
    reimbursableAmount: 4830,
    payerPseudonym: sm3(randomBytes(16)),
    dataDigest: sm3(randomBytes(16)),
    pdfDigest: sm3(randomBytes(16)),
    dataCid: fakeCid(),
    pdfCid: fakeCid(),
    actor: 'bench',
  };
}
