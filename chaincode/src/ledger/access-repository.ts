/** Typed access to access rulings and access-log anchors on the ledger. */
import type { AccessAnchor, AccessRuling } from '@hdt/vocabulary';
import { parseStoredAnchor } from '../domain/access-inputs';
import { parseStoredRuling } from '../domain/access-stored';
import { ACCESS_ANCHOR_OBJECT_TYPE, accessAnchorKey, accessDecisionKey } from './keys';
import { encodeState } from './serialise';
import { getStored, readStored } from './stored';
import type { LedgerStub } from './stub';

export class AccessRepository {
  constructor(private readonly stub: LedgerStub) {}

  getRuling(requestId: string): Promise<AccessRuling | undefined> {
    const key = accessDecisionKey(this.stub, requestId);
    return getStored(this.stub, key, `access decision ${requestId}`, parseStoredRuling);
  }

  async putRuling(ruling: AccessRuling): Promise<void> {
    await this.stub.putState(accessDecisionKey(this.stub, ruling.requestId), encodeState(ruling));
  }

  getAnchor(anchorId: string): Promise<AccessAnchor | undefined> {
    return getStored(this.stub, accessAnchorKey(this.stub, anchorId), `access anchor ${anchorId}`, parseStoredAnchor);
  }

  async putAnchor(anchor: AccessAnchor): Promise<void> {
    await this.stub.putState(accessAnchorKey(this.stub, anchor.anchorId), encodeState(anchor));
  }

  async listAnchors(): Promise<AccessAnchor[]> {
    const anchors: AccessAnchor[] = [];
    for await (const { key, value } of this.stub.getStateByPartialCompositeKey(ACCESS_ANCHOR_OBJECT_TYPE, [])) {
      anchors.push(readStored(value, `access anchor at ${JSON.stringify(key)}`, parseStoredAnchor));
    }
    return anchors;
  }
}
