import request from 'supertest';
import { z } from 'zod';
import { harness } from '../../test/harness';
import { API, errorBody } from '../../test/api';
import {
  decodeCursor,
  encodeCursor,
  type InvoiceListQuery,
  InvoiceListService,
  listFilter,
  type InvoiceListPage,
} from './invoice-list';
import type { InvoiceViewDoc, InvoiceViewModel } from './model';

function view(code: string, number: string, issuedAt: string, issuerMsp = 'Hospital1MSP'): InvoiceViewDoc {
  const issuedDay = issuedAt.slice(0, 10);
  return {
    _id: `${code}/${number}`,
    code,
    number,
    kind: 'NORMAL',
    type: 'OUTPATIENT',
    issuerMsp,
    issuingUnit: 'Unit',
    status: 'ISSUED',
    totalAmount: 100,
    reimbursableAmount: 80,
    reimbursedAmount: 0,
    issuedDay,
    issuedAt,
    reimbursements: [],
    revision: 1,
    lastTxId: 'tx',
    updatedAt: issuedAt,
    blockNumber: 1,
  };
}

/** The part of a mongoose model the list uses, over an array, applying the filters the list makes. */
function fakeViews(docs: InvoiceViewDoc[]): InvoiceViewModel {
  type Filter = Record<string, unknown>;
  const before = (doc: InvoiceViewDoc, or: { issuedAt: { $lt?: string } | string; _id?: { $lt: string } }[]) =>
    or.some((c) =>
      typeof c.issuedAt === 'string'
        ? doc.issuedAt === c.issuedAt && c._id !== undefined && doc._id < c._id.$lt
        : doc.issuedAt < (c.issuedAt.$lt ?? ''),
    );
  const matches = (doc: InvoiceViewDoc, f: Filter): boolean => {
    if (Array.isArray(f['$and'])) return (f['$and'] as Filter[]).every((g) => matches(doc, g));
    if (Array.isArray(f['$or'])) return before(doc, f['$or'] as never);
    const day = f['issuedDay'] as { $gte?: string; $lte?: string } | undefined;
    return (
      (f['issuerMsp'] === undefined || doc.issuerMsp === f['issuerMsp']) &&
      (f['status'] === undefined || doc.status === f['status']) &&
      (day?.$gte === undefined || doc.issuedDay >= day.$gte) &&
      (day?.$lte === undefined || doc.issuedDay <= day.$lte)
    );
  };
  return {
    find: (filter: Filter) => {
      let limit = Infinity;
      const chain = {
        sort: () => chain,
        limit: (n: number) => ((limit = n), chain),
        select: () => chain,
        lean: () => chain,
        exec: async () =>
          docs
            .filter((d) => matches(d, filter))
            .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt) || b._id.localeCompare(a._id))
            .slice(0, limit),
      };
      return chain;
    },
  } as unknown as InvoiceViewModel;
}

describe('cursors', () => {
  it('round-trip, and anything else is not a cursor', () => {
    const position = { issuedAt: '2026-11-30T01:02:03.000Z', id: '31010101/00000001' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    for (const bad of ['', 'x', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });

  it('continue strictly after the last invoice of the page, by time of issue then id', () => {
    const at = '2026-11-30T01:00:00.000Z';
    expect(listFilter({ limit: 5 }, { issuedAt: at, id: 'b' })).toEqual({
      $or: [{ issuedAt: { $lt: at } }, { issuedAt: at, _id: { $lt: 'b' } }],
    });
    expect(listFilter({ limit: 5, issuerMsp: 'H', from: '2026-01-01' })).toEqual({
      issuerMsp: 'H',
      issuedDay: { $gte: '2026-01-01' },
    });
  });
});

describe('InvoiceListService', () => {
  const docs = [
    view('31010101', '00000001', '2026-11-28T09:00:00.000Z'),
    view('31010101', '00000002', '2026-11-30T10:00:00.000Z'),
    view('31010101', '00000003', '2026-11-30T08:00:00.000Z'),
    view('31020101', '00000001', '2026-11-29T08:00:00.000Z', 'Hospital2MSP'),
    view('31010101', '00000004', '2026-11-27T08:00:00.000Z'),
    view('31010101', '00000005', '2026-11-27T08:00:00.000Z'),
  ];
  const service = new InvoiceListService(fakeViews(docs));
  const ids = (page: InvoiceListPage) => page.items.map((i) => `${i.code}/${i.number}`);

  it('pages through every invoice once, most recently issued first', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await service.list({ limit: 2, after });
      seen.push(...ids(page));
      after = page.next ?? undefined;
      pages += 1;
    } while (after !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([
      '31010101/00000002',
      '31010101/00000003',
      '31020101/00000001',
      '31010101/00000001',
      '31010101/00000005',
      '31010101/00000004',
    ]);
  });

  it('filters by issuer and period and says when no page follows', async () => {
    const page = await service.list({ limit: 10, issuerMsp: 'Hospital1MSP', from: '2026-11-28', to: '2026-11-29' });
    expect(ids(page)).toEqual(['31010101/00000001']);
    expect(page.next).toBeNull();
  });

  it('refuses a cursor it did not make', async () => {
    await expect(service.list({ limit: 1, after: 'not-a-cursor' })).rejects.toThrow('not a cursor');
  });
});

describe('GET /invoices', () => {
  function recordingList() {
    const queries: InvoiceListQuery[] = [];
    const list = {
      list: async (query: InvoiceListQuery) => {
        queries.push(query);
        return new InvoiceListService(fakeViews([view('31010101', '00000001', '2026-11-30T08:00:00.000Z')])).list(
          query,
        );
      },
    } as unknown as InvoiceListService;
    return { list, queries };
  }
  const pageSchema = z.object({ items: z.array(z.object({ code: z.string() })), next: z.string().nullable() });

  it("gives a billing clerk its own organisation's invoices, and refuses another's", async () => {
    const { list, queries } = recordingList();
    const h = await harness({ invoiceList: list });
    const token = await h.login('clerk1');
    const res = await request(h.app).get(`${API}/invoices?limit=5`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(pageSchema.parse(res.body).items.map((i) => i.code)).toEqual(['31010101']);
    expect(queries[0]).toMatchObject({ issuerMsp: 'Hospital1MSP', limit: 5 });

    const other = await request(h.app)
      .get(`${API}/invoices?issuer=Hospital2MSP`)
      .set('Authorization', `Bearer ${token}`);
    expect(other.status).toBe(403);
    expect(queries).toHaveLength(1);
  });

  it('lets a reimbursement officer list every issuer, 50 a page by default', async () => {
    const { list, queries } = recordingList();
    const h = await harness({ invoiceList: list });
    const token = await h.login('insurer1');
    const res = await request(h.app).get(`${API}/invoices?status=ISSUED`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(queries[0]).toMatchObject({ issuerMsp: undefined, status: 'ISSUED', limit: 50 });
  });

  it('answers 400 naming the parameter for a bad limit, status or cursor', async () => {
    const { list } = recordingList();
    const h = await harness({ invoiceList: list });
    const token = await h.login('insurer1');
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['status=PAID', 'status'],
      ['after=zzz', 'after'],
    ] as const) {
      const res = await request(h.app).get(`${API}/invoices?${query}`).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(400);
      expect(errorBody.parse(res.body).message).toMatch(new RegExp(`^${field}`));
    }
  });
});
