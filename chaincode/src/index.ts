import { InvoiceContract } from './contracts/invoice-contract';

export const contracts = [InvoiceContract];
