/**
 * Closing a referral: a hospital the referral's grants were made to closes it, and the chaincode
 * (consent:EndReferral) ends the resident's active grants for that referral to that hospital. The
 * resident is notified of the grants that ended.
 */
import { canonicalJson, CONSENT_CONTRACT, findOrg } from '@hdt/vocabulary';
import { z } from 'zod';
import { AppError } from '../../errors';
import { settled, type Committed, type LedgerClient } from '../../fabric/ledger-client';
import type { Logger } from '../../logger';
import type { User } from '../auth/roles';
import { consentGrantSchema, type ConsentGrantView } from '../consent/schemas';
import type { NotificationService } from '../notifications';

export interface EndReferralInput {
  residentId: string;
  referralId: string;
  actor: string;
}

/** The consent contract's EndReferral, as the caller's organisation. */
export interface ReferralLedger {
  endReferral(mspId: string, input: EndReferralInput): Promise<Committed<ConsentGrantView[]>>;
}

export class FabricReferralLedger implements ReferralLedger {
  constructor(private readonly ledger: LedgerClient) {}

  endReferral(mspId: string, input: EndReferralInput): Promise<Committed<ConsentGrantView[]>> {
    const call = { contract: CONSENT_CONTRACT.name, transaction: 'EndReferral', args: [canonicalJson(input)] };
    const landed = async (caller: string, txIds: readonly string[]) => {
      const list = { contract: CONSENT_CONTRACT.name, transaction: 'ListGrantsByResident', args: [input.residentId] };
      const grants = await this.ledger.evaluate(caller, list, z.array(consentGrantSchema));
      const ended = grants.filter((grant) => txIds.includes(grant.lastOperation.txId));
      const txId = ended[0]?.lastOperation.txId;
      return txId === undefined ? undefined : { result: ended, txId };
    };
    return settled(this.ledger, this.ledger.submit(mspId, call, z.array(consentGrantSchema), landed));
  }
}

export interface ReferralServiceDeps {
  ledger: ReferralLedger;
  notifications: NotificationService;
  logger: Logger;
}

/** Doctors and billing clerks of a hospital close referrals. */
function requireHospitalStaff(user: User): void {
  const hospital = findOrg(user.mspId)?.kind === 'hospital';
  if (!hospital || (user.role !== 'doctor' && user.role !== 'billing_clerk')) {
    throw new AppError(
      'FORBIDDEN',
      `only a hospital's doctors and clerks close referrals (${user.role}, ${user.mspId})`,
    );
  }
}

export class ReferralService {
  constructor(private readonly deps: ReferralServiceDeps) {}

  async close(user: User, referralId: string, residentId: string) {
    requireHospitalStaff(user);
    const input = { residentId, referralId, actor: user.username };
    const { result: ended, txId } = await this.deps.ledger.endReferral(user.mspId, input);
    this.deps.logger.info('referral closed', { referralId, txId, ended: ended.length });
    if (ended.length > 0) {
      const ids = ended.map((grant) => grant.grantId).join(', ');
      await this.deps.notifications.notifyQuietly(
        { residentId },
        {
          type: 'REFERRAL_CLOSED',
          title: 'Referral closed',
          body: `${user.mspId} closed referral ${referralId}; these grants ended: ${ids}`,
          ref: { kind: 'referral', id: referralId },
        },
      );
    }
    return { referralId, residentId, ended, txId };
  }
}
