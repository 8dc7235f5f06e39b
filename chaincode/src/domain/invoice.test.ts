import {
  CHECK_CODE_HASH,
  CODE,
  DATA_CID,
  DATA_DIGEST,
  NUMBER,
  PAYER_PSEUDONYM,
  PDF_CID,
  PDF_DIGEST,
  issueInput,
  issueInputJson,
} from '../../test/fixtures';
import {
  ISSUE_INPUT_FIELDS,
  MAX_ISSUE_INPUT_LENGTH,
  buildIssuedInvoice,
  parseInvoiceId,
  parseIssueInput,
  parseIssueInputJson,
  parseStoredInvoice,
} from './invoice';

const CONTEXT = { issuerMsp: 'Hospital1MSP', timestamp: '2026-01-05T08:30:00.123Z', txId: 'tx-1' };

function withPayment(overrides: Record<string, unknown>): Record<string, unknown> {
  const input = issueInput();
  return { ...input, payment: { ...(input['payment'] as Record<string, unknown>), ...overrides } };
}

function without(field: string, value: Record<string, unknown> = issueInput()): Record<string, unknown> {
  const copy = { ...value };
  delete copy[field];
  return copy;
}

describe('parseIssueInput: valid input', () => {
  it('returns the typed input', () => {
    expect(parseIssueInput(issueInput())).toEqual({
      code: CODE,
      number: NUMBER,
      checkCodeHash: CHECK_CODE_HASH,
      type: 'OUTPATIENT',
      issuingUnit: 'Qingpu District Central Hospital',
      totalAmount: 12_345,
      payment: { medicalInsuranceFund: 8_000, personalAccount: 2_000, otherFund: 345, selfPay: 2_000 },
      reimbursableAmount: 10_000,
      payerPseudonym: PAYER_PSEUDONYM,
      dataDigest: DATA_DIGEST,
      pdfDigest: PDF_DIGEST,
      dataCid: DATA_CID,
      pdfCid: PDF_CID,
    });
  });

  it('parses the JSON text form', () => {
    expect(parseIssueInputJson(issueInputJson())).toEqual(parseIssueInput(issueInput()));
  });

  it.each(['OUTPATIENT', 'INPATIENT', 'INTERNET', 'REGISTRATION', 'CHECKUP'])('accepts type %s', (type) => {
    expect(parseIssueInput(issueInput({ type })).type).toBe(type);
  });

  it('accepts boundary amounts and units', () => {
    expect(parseIssueInput(issueInput({ reimbursableAmount: 0 })).reimbursableAmount).toBe(0);
    expect(parseIssueInput(issueInput({ reimbursableAmount: 12_345 })).reimbursableAmount).toBe(12_345);
    const single = issueInput({
      totalAmount: 1,
      reimbursableAmount: 1,
      payment: { medicalInsuranceFund: 0, personalAccount: 0, otherFund: 0, selfPay: 1 },
    });
    expect(parseIssueInput(single).totalAmount).toBe(1);
    const unit = '青'.repeat(128);
    expect(parseIssueInput(issueInput({ issuingUnit: unit })).issuingUnit).toBe(unit);
    expect(parseIssueInput(issueInput({ issuingUnit: '上海市青浦区中心医院' })).issuingUnit).toBe(
      '上海市青浦区中心医院',
    );
  });

  it('accepts CIDv1 in base36 and base58btc', () => {
    const base36 = 'k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8';
    const base58 = 'zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7';
    expect(parseIssueInput(issueInput({ dataCid: base36, pdfCid: base58 })).pdfCid).toBe(base58);
  });
});

describe('parseIssueInput: the argument as a whole', () => {
  it.each([
    ['not JSON', '{code:', 'INVALID_ARGUMENT: input must be valid JSON'],
    ['a JSON array', '[]', 'INVALID_ARGUMENT: input must be a JSON object, got an array'],
    ['JSON null', 'null', 'INVALID_ARGUMENT: input must be a JSON object, got null'],
    ['a JSON string', '"x"', 'INVALID_ARGUMENT: input must be a JSON object, got a string'],
    ['empty', '', 'INVALID_ARGUMENT: input must be valid JSON'],
  ])('rejects %s', (_label, text, message) => {
    expect(() => parseIssueInputJson(text)).toThrow(message);
  });

  it('rejects a non-string argument', () => {
    expect(() => parseIssueInputJson(undefined)).toThrow('INVALID_ARGUMENT: input must be a string, got a undefined');
  });

  it('rejects an oversized argument', () => {
    const text = issueInputJson({ padding: 'x'.repeat(MAX_ISSUE_INPUT_LENGTH) });
    expect(() => parseIssueInputJson(text)).toThrow(
      `INVALID_ARGUMENT: input must not exceed ${MAX_ISSUE_INPUT_LENGTH} characters`,
    );
  });
});

describe('parseIssueInput: missing and unknown fields', () => {
  it.each(ISSUE_INPUT_FIELDS.map((field) => [field]))('requires %s', (field) => {
    expect(() => parseIssueInput(without(field))).toThrow(`INVALID_ARGUMENT: ${field} is required`);
  });

  it.each(['medicalInsuranceFund', 'personalAccount', 'otherFund', 'selfPay'])('requires payment.%s', (part) => {
    const input = issueInput();
    const payment = without(part, input['payment'] as Record<string, unknown>);
    expect(() => parseIssueInput({ ...input, payment })).toThrow(`INVALID_ARGUMENT: payment.${part} is required`);
  });

  it.each(['issuerMsp', 'issuedAt', 'status', 'currency', 'lastTxId', 'updatedAt', 'payerName'])(
    'refuses the caller-supplied field %s',
    (field) => {
      expect(() => parseIssueInput(issueInput({ [field]: 'x' }))).toThrow(
        `INVALID_ARGUMENT: ${field} is not an accepted field`,
      );
    },
  );

  it('refuses unknown payment parts', () => {
    expect(() => parseIssueInput(withPayment({ cash: 1 }))).toThrow(
      'INVALID_ARGUMENT: payment.cash is not an accepted field',
    );
  });

  it('refuses a __proto__ member', () => {
    expect(() => parseIssueInputJson(issueInputJson().replace('{', '{"__proto__":{"status":"VOIDED"},'))).toThrow(
      'INVALID_ARGUMENT: __proto__ is not an accepted field',
    );
  });
});

describe('parseIssueInput: invalid fields', () => {
  it.each([
    ['code', '3101012', 'must be exactly 8 digits'],
    ['code', '310101260', 'must be exactly 8 digits'],
    ['code', '3101012a', 'must be exactly 8 digits'],
    ['code', 31010126, 'must be a string, got a number'],
    ['number', '000000001', 'must be exactly 10 digits'],
    ['number', '00000000012', 'must be exactly 10 digits'],
    ['number', '000000000１', 'must be exactly 10 digits'],
    ['type', 'outpatient', 'must be one of OUTPATIENT, INPATIENT, INTERNET, REGISTRATION, CHECKUP'],
    ['type', 'DENTAL', 'must be one of OUTPATIENT, INPATIENT, INTERNET, REGISTRATION, CHECKUP'],
    ['issuingUnit', '', 'must be 1..128 characters long, got 0'],
    ['issuingUnit', 'x'.repeat(129), 'must be 1..128 characters long, got 129'],
    ['issuingUnit', ' Hospital', 'must not start or end with white space'],
    ['issuingUnit', 'Hospital\n', 'must not contain control characters'],
    ['issuingUnit', 'Hospital\u0000', 'must not contain control characters (U+0000 at character 9)'],
    ['issuingUnit', 'Hos\u0085pital', 'must not contain control characters (U+0085 at character 4)'],
    ['issuingUnit', 'Hospital \u202Eetirw', 'must not contain bidirectional controls (U+202E at character 10)'],
    ['issuingUnit', '\u2066Hospital\u2069', 'must not contain bidirectional controls (U+2066 at character 1)'],
    ['issuingUnit', 'Hospital \uD800', 'must not contain lone surrogates (U+D800 at character 10)'],
    ['issuingUnit', '\u{20000}'.repeat(129), 'must be 1..128 characters long, got 129'],
    ['issuingUnit', 42, 'must be a string, got a number'],
    ['totalAmount', 0, 'must be greater than zero'],
    ['totalAmount', -100, 'must be greater than zero'],
    ['totalAmount', 123.45, 'must be an integer number of fen'],
    ['totalAmount', '12345', 'must be a number of fen, got a string'],
    ['totalAmount', 2 ** 53, `must not exceed ${Number.MAX_SAFE_INTEGER} fen`],
    ['payment', null, 'must be a JSON object, got null'],
    ['payment', [1, 2, 3, 4], 'must be a JSON object, got an array'],
    ['reimbursableAmount', -1, 'must not be negative'],
    ['reimbursableAmount', 12_346, '(12346 fen) must not exceed totalAmount (12345 fen)'],
    ['reimbursableAmount', 0.5, 'must be an integer number of fen'],
    ['dataCid', 'not-a-cid', 'must be an IPFS CID'],
    ['pdfCid', `${PDF_CID}x`, 'must be an IPFS CID'],
    ['pdfCid', '', 'must be an IPFS CID'],
  ])('rejects %s = %p', (field, value, problem) => {
    expect(() => parseIssueInput(issueInput({ [field]: value }))).toThrow(`INVALID_ARGUMENT: ${field} ${problem}`);
  });

  it.each(['checkCodeHash', 'payerPseudonym', 'dataDigest', 'pdfDigest'])(
    'requires %s to be 64 lowercase hex',
    (field) => {
      const expected = `INVALID_ARGUMENT: ${field} must be 64 lowercase hexadecimal characters`;
      expect(() => parseIssueInput(issueInput({ [field]: CHECK_CODE_HASH.toUpperCase() }))).toThrow(expected);
      expect(() => parseIssueInput(issueInput({ [field]: CHECK_CODE_HASH.slice(1) }))).toThrow(expected);
      expect(() => parseIssueInput(issueInput({ [field]: `${CHECK_CODE_HASH}0` }))).toThrow(expected);
      expect(() => parseIssueInput(issueInput({ [field]: 'g'.repeat(64) }))).toThrow(expected);
      expect(() => parseIssueInput(issueInput({ [field]: 1 }))).toThrow(
        `INVALID_ARGUMENT: ${field} must be a string, got a number`,
      );
    },
  );

  it.each([
    ['medicalInsuranceFund', -1, 'must not be negative'],
    ['personalAccount', 1.5, 'must be an integer number of fen'],
    ['otherFund', '345', 'must be a number of fen, got a string'],
    ['selfPay', -2_000, 'must not be negative'],
    ['selfPay', 2 ** 60, `must not exceed ${Number.MAX_SAFE_INTEGER} fen`],
  ])('rejects payment.%s = %p', (part, value, problem) => {
    expect(() => parseIssueInput(withPayment({ [part]: value }))).toThrow(
      `INVALID_ARGUMENT: payment.${part} ${problem}`,
    );
  });

  it('rejects a payment split that does not add up to the total', () => {
    expect(() => parseIssueInput(withPayment({ selfPay: 1_999 }))).toThrow(
      'INVALID_ARGUMENT: payment parts add up to 12344 fen but totalAmount is 12345 fen',
    );
  });

  it('reports the first invalid field in schema order', () => {
    expect(() => parseIssueInput(issueInput({ code: 'x', pdfCid: 'y' }))).toThrow('INVALID_ARGUMENT: code ');
  });
});

describe('parseInvoiceId', () => {
  it('parses code and number', () => {
    expect(parseInvoiceId(CODE, NUMBER)).toEqual({ code: CODE, number: NUMBER });
  });

  it('names the faulty argument', () => {
    expect(() => parseInvoiceId('1', NUMBER)).toThrow('INVALID_ARGUMENT: code must be exactly 8 digits');
    expect(() => parseInvoiceId(CODE, '1')).toThrow('INVALID_ARGUMENT: number must be exactly 10 digits');
    expect(() => parseInvoiceId(CODE, undefined)).toThrow('INVALID_ARGUMENT: number must be a string');
  });
});

describe('buildIssuedInvoice', () => {
  it('adds the chaincode-set fields from the transaction', () => {
    const input = parseIssueInput(issueInput());
    const invoice = buildIssuedInvoice(input, CONTEXT);
    expect(invoice).toEqual({
      ...input,
      issuerMsp: 'Hospital1MSP',
      issuedAt: '2026-01-05T08:30:00.123Z',
      currency: 'CNY',
      status: 'ISSUED',
      lastTxId: 'tx-1',
      updatedAt: '2026-01-05T08:30:00.123Z',
    });
    expect(invoice.payment).not.toBe(input.payment);
  });
});

describe('parseStoredInvoice', () => {
  const stored = (): Record<string, unknown> => ({ ...buildIssuedInvoice(parseIssueInput(issueInput()), CONTEXT) });

  it('round-trips an issued invoice', () => {
    const invoice = stored();
    expect(parseStoredInvoice(JSON.parse(JSON.stringify(invoice)))).toEqual(invoice);
  });

  it.each([
    ['status', 'LOST', 'INVALID_ARGUMENT: status must be one of ISSUED'],
    ['currency', 'USD', 'INVALID_ARGUMENT: currency must be one of CNY'],
    [
      'issuedAt',
      '2026-01-05T08:30:00Z',
      'INVALID_ARGUMENT: issuedAt must be an ISO-8601 UTC timestamp with milliseconds',
    ],
    ['updatedAt', '2026-02-30T08:30:00.000Z', 'INVALID_ARGUMENT: updatedAt must be a valid calendar date and time'],
    ['issuerMsp', '', 'INVALID_ARGUMENT: issuerMsp must be 1..128 characters long, got 0'],
    ['lastTxId', 7, 'INVALID_ARGUMENT: lastTxId must be a string'],
    ['extra', true, 'INVALID_ARGUMENT: extra is not an accepted field'],
    ['totalAmount', 1, 'INVALID_ARGUMENT: payment parts add up to 12345 fen but totalAmount is 1 fen'],
  ])('rejects a stored %s of %p', (field, value, message) => {
    expect(() => parseStoredInvoice({ ...stored(), [field]: value })).toThrow(message);
  });

  it('requires the chaincode-set fields', () => {
    expect(() => parseStoredInvoice(without('lastTxId', stored()))).toThrow('INVALID_ARGUMENT: lastTxId is required');
  });
});
