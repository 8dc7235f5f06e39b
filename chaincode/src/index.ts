import { InvoiceContract } from './contracts/invoice-contract';
import { RegistryContract } from './contracts/registry-contract';

export const contracts = [InvoiceContract, RegistryContract];
