/**
 * Contract `probe`: a transaction that does nothing but pass through endorsement, ordering and
 * validation, the baseline the benchmarks set the lifecycle's throughput beside.
 */
import { PROBE_CONTRACT } from '@hdt/vocabulary';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { authoriseMember } from '../domain/orgs';

export class ProbeContract extends Contract {
  constructor() {
    super(PROBE_CONTRACT.name);
  }

  /** Writes nothing; returns the caller's organisation. */
  @Transaction()
  @Returns('string')
  async Noop(ctx: Context): Promise<string> {
    return Promise.resolve(authoriseMember(ctx.clientIdentity.getMSPID()));
  }
}
