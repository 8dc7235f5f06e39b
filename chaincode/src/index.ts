import { AccessContract } from './contracts/access-contract';
import { ConsentContract } from './contracts/consent-contract';
import { InvoiceContract } from './contracts/invoice-contract';
import { ProbeContract } from './contracts/probe-contract';
import { RecordsContract } from './contracts/records-contract';
import { RegistryContract } from './contracts/registry-contract';

export const contracts = [
  InvoiceContract,
  RegistryContract,
  ProbeContract,
  ConsentContract,
  RecordsContract,
  AccessContract,
];
