import { CONSENT_SIGNING_DESCRIPTION } from '@hdt/vocabulary';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { currentUser, requireKeyRecoverer, requireRole } from '../auth/middleware';
import {
  changeBodySchema,
  grantBodySchema,
  grantListResponseSchema,
  grantParamsSchema,
  grantResponseSchema,
  keyResponseSchema,
  keyStatusResponseSchema,
  recoverKeyBodySchema,
  policiesBodySchema,
  registerKeyBodySchema,
  revokeBodySchema,
  rotateKeyBodySchema,
  signingPayloadResponseSchema,
  signingRequestSchema,
} from './schemas';
import { policiesResponseSchema, residentPoliciesSchema } from './policy-schemas';
import type { ConsentService } from './service';

const RESIDENTS = [requireRole('resident')];
const RESIDENT_ONLY = 'Residents, for their own resident id.';
const SIGNED =
  `${RESIDENT_ONLY} Get the payload and the exact bytes to sign from POST /consent/signing-payloads. ` +
  `Signed encoding: ${CONSENT_SIGNING_DESCRIPTION}`;
const SIGNED_ERRORS = [400, 401, 403, 404, 409, 503] as const;
const NO_STORE = { 'Cache-Control': 'no-store' };
const POLICIES =
  'The general access policies apply without a grant: the hospital that created a record reads it (SOURCE_ORG), ' +
  'the emergency department breaks the glass with a reason (BREAK_GLASS). The resident can only narrow them: ' +
  'exclude record types, hospitals or reads after a time from SOURCE_ORG; limit BREAK_GLASS to record types and ' +
  'fields that always keep the emergency floor. A narrowed read is refused as POLICY_NARROWED and recorded.';

function keyStatusRoute(consent: ConsentService): Route {
  return route({
    method: 'get',
    path: '/consent/key',
    operationId: 'residentKeyStatus',
    tag: 'consent',
    summary: 'My key: whether one is registered, and the current one',
    description: RESIDENT_ONLY,
    auth: 'bearer',
    before: RESIDENTS,
    responses: { 200: { description: 'The key status', schema: keyStatusResponseSchema } },
    errors: [401, 403, 503],
    handle: async ({ req }) => ({ status: 200, body: await consent.keyStatus(currentUser(req)) }),
  });
}

function registerKeyRoute(consent: ConsentService): Route {
  return route({
    method: 'post',
    path: '/consent/key',
    operationId: 'registerResidentKey',
    tag: 'consent',
    summary: 'Register my first SM2 public key, signed by that key (proof of possession)',
    description: `${SIGNED} The resident's organisation submits it as the authority vouching for the signed-in resident.`,
    auth: 'bearer',
    before: RESIDENTS,
    body: { json: registerKeyBodySchema },
    responses: { 201: { description: 'Registered', schema: keyResponseSchema } },
    errors: [...SIGNED_ERRORS],
    handle: async ({ req }) => {
      const body = parse(registerKeyBodySchema, req.body);
      return { status: 201, body: await consent.registerKey(currentUser(req), body) };
    },
  });
}

function rotateKeyRoute(consent: ConsentService): Route {
  return route({
    method: 'post',
    path: '/consent/key/rotate',
    operationId: 'rotateResidentKey',
    tag: 'consent',
    summary: 'Replace my key: the same bytes signed by the current key and by the new one',
    description: SIGNED,
    auth: 'bearer',
    before: RESIDENTS,
    body: { json: rotateKeyBodySchema },
    responses: { 200: { description: 'Rotated', schema: keyResponseSchema } },
    errors: [...SIGNED_ERRORS],
    handle: async ({ req }) => {
      const body = parse(rotateKeyBodySchema, req.body);
      return { status: 200, body: await consent.rotateKey(currentUser(req), body) };
    },
  });
}

function recoverKeyRoute(consent: ConsentService): Route {
  return route({
    method: 'post',
    path: '/consent/key/recover',
    operationId: 'recoverResidentKey',
    tag: 'consent',
    summary: "Replace a resident's lost key by a new one, after checking the resident's identity in person",
    description:
      "Hospital billing clerks (at the counter) and the health commission's administrators. The resident's new " +
      'device prepares the payload (POST /consent/signing-payloads with op resident-key.recover) and signs it with ' +
      'the new key; staff send it unchanged with that signature and a reason, before signBefore. The chaincode ' +
      "records the staff member as the actor and the reason; the key's version goes up and its last operation is " +
      `RECOVER. Signed encoding: ${CONSENT_SIGNING_DESCRIPTION}`,
    auth: 'bearer',
    before: [requireKeyRecoverer],
    body: { json: recoverKeyBodySchema },
    responses: { 200: { description: 'Recovered', schema: keyResponseSchema } },
    errors: [...SIGNED_ERRORS],
    handle: async ({ req }) => {
      const body = parse(recoverKeyBodySchema, req.body);
      return { status: 200, body: await consent.recoverKey(currentUser(req), body) };
    },
  });
}

function grantRoute(consent: ConsentService): Route {
  return route({
    method: 'post',
    path: '/consent/grants',
    operationId: 'grantConsent',
    tag: 'consent',
    summary: 'Grant access: grantee, purpose, scope, validity and use limit, signed by me',
    description: SIGNED,
    auth: 'bearer',
    before: RESIDENTS,
    body: { json: grantBodySchema },
    responses: { 201: { description: 'Granted', schema: grantResponseSchema } },
    errors: [...SIGNED_ERRORS],
    handle: async ({ req }) => {
      const body = parse(grantBodySchema, req.body);
      return { status: 201, body: await consent.grant(currentUser(req), body) };
    },
  });
}

function changeRoute(consent: ConsentService): Route {
  return route({
    method: 'post',
    path: '/consent/grants/:grantId/change',
    operationId: 'changeConsent',
    tag: 'consent',
    summary: 'Change the scope, validity window or use limit of my active grant, signed by me',
    description: SIGNED,
    auth: 'bearer',
    before: RESIDENTS,
    params: grantParamsSchema,
    body: { json: changeBodySchema },
    responses: { 200: { description: 'Changed', schema: grantResponseSchema } },
    errors: [...SIGNED_ERRORS],
    handle: async ({ req, params }) => {
      const body = parse(changeBodySchema, req.body);
      return { status: 200, body: await consent.change(currentUser(req), params.grantId, body) };
    },
  });
}

function revokeRoute(consent: ConsentService): Route {
  return route({
    method: 'post',
    path: '/consent/grants/:grantId/revoke',
    operationId: 'revokeConsent',
    tag: 'consent',
    summary: 'Revoke my active grant, signed by me',
    description: SIGNED,
    auth: 'bearer',
    before: RESIDENTS,
    params: grantParamsSchema,
    body: { json: revokeBodySchema },
    responses: { 200: { description: 'Revoked', schema: grantResponseSchema } },
    errors: [...SIGNED_ERRORS],
    handle: async ({ req, params }) => {
      const body = parse(revokeBodySchema, req.body);
      return { status: 200, body: await consent.revoke(currentUser(req), params.grantId, body) };
    },
  });
}

function myGrantsRoute(consent: ConsentService): Route {
  return route({
    method: 'get',
    path: '/consent/grants',
    operationId: 'listMyGrants',
    tag: 'consent',
    summary: 'My grants by grant id, each with its status now (an active grant past notAfter is EXPIRED)',
    description: RESIDENT_ONLY,
    auth: 'bearer',
    before: RESIDENTS,
    responses: { 200: { description: 'My grants', schema: grantListResponseSchema } },
    errors: [401, 403, 503],
    handle: async ({ req }) => ({ status: 200, body: { grants: await consent.myGrants(currentUser(req)) } }),
  });
}

function myGrantRoute(consent: ConsentService): Route {
  return route({
    method: 'get',
    path: '/consent/grants/:grantId',
    operationId: 'readMyGrant',
    tag: 'consent',
    summary: 'One of my grants, with its status now',
    description: RESIDENT_ONLY,
    auth: 'bearer',
    before: RESIDENTS,
    params: grantParamsSchema,
    responses: { 200: { description: 'The grant', schema: grantResponseSchema.shape.grant } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({ status: 200, body: await consent.myGrant(currentUser(req), params.grantId) }),
  });
}

function doctorGrantsRoute(consent: ConsentService): Route {
  return route({
    method: 'get',
    path: '/consent/doctor/grants',
    operationId: 'listGrantsToMe',
    tag: 'consent',
    summary: "A doctor's view: the grants naming me, and those to my whole institution, with their status now",
    description: "Doctors. Read with the identity of the doctor's institution, which the chaincode requires.",
    auth: 'bearer',
    before: [requireRole('doctor')],
    responses: { 200: { description: 'The grants', schema: grantListResponseSchema } },
    errors: [401, 403, 503],
    handle: async ({ req }) => ({ status: 200, body: { grants: await consent.grantsToDoctor(currentUser(req)) } }),
  });
}

function signingRoute(consent: ConsentService): Route {
  return route({
    method: 'post',
    path: '/consent/signing-payloads',
    operationId: 'prepareSigningPayload',
    tag: 'consent',
    summary:
      'The payload of a register, rotate, recover, grant, change, revoke or policies change, and the exact bytes to sign',
    description:
      `${RESIDENT_ONLY} Adds the header (op, v, residentId, a fresh nonce unless given, signedAt now), the current ` +
      "keyVersion and, for change and revoke, the grant's current version (for policies, the preferences' version). Sign the UTF-8 bytes of `message` " +
      '(also given as `messageHex`) and send `payload` unchanged with the signature before `signBefore`. ' +
      `Signed encoding: ${CONSENT_SIGNING_DESCRIPTION}`,
    auth: 'bearer',
    before: RESIDENTS,
    body: { json: signingRequestSchema },
    responses: { 200: { description: 'The payload to sign', schema: signingPayloadResponseSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req }) => {
      const request = parse(signingRequestSchema, req.body);
      return { status: 200, body: await consent.signingPayload(currentUser(req), request) };
    },
  });
}

function myPoliciesRoute(consent: ConsentService): Route {
  return route({
    method: 'get',
    path: '/consent/policies',
    operationId: 'readMyPolicyPreferences',
    tag: 'consent',
    summary: 'My narrowing of the general access policies (the defaults at version 0 until I sign one)',
    description: `${RESIDENT_ONLY} ${POLICIES}`,
    auth: 'bearer',
    before: RESIDENTS,
    responses: { 200: { description: 'My policy preferences', schema: residentPoliciesSchema } },
    errors: [401, 403, 503],
    handle: async ({ req }) => ({ status: 200, body: await consent.myPolicies(currentUser(req)), headers: NO_STORE }),
  });
}

function setPoliciesRoute(consent: ConsentService): Route {
  return route({
    method: 'post',
    path: '/consent/policies',
    operationId: 'setMyPolicyPreferences',
    tag: 'consent',
    summary: 'Replace my narrowing of the general access policies, signed by me',
    description: `${POLICIES} \`payload.version\` is the current version (0 before the first). ${SIGNED}`,
    auth: 'bearer',
    before: RESIDENTS,
    body: { json: policiesBodySchema },
    responses: { 200: { description: 'Stored', schema: policiesResponseSchema } },
    errors: [...SIGNED_ERRORS],
    handle: async ({ req }) => {
      const body = parse(policiesBodySchema, req.body);
      return { status: 200, body: await consent.setPolicies(currentUser(req), body), headers: NO_STORE };
    },
  });
}

/** The consent resource: resident keys, signed grants, and the doctor's view of them. */
export function consentRoutes(consent: ConsentService): Route[] {
  const routes = [
    keyStatusRoute,
    registerKeyRoute,
    rotateKeyRoute,
    recoverKeyRoute,
    signingRoute,
    grantRoute,
    changeRoute,
    revokeRoute,
    myGrantsRoute,
    myGrantRoute,
    doctorGrantsRoute,
    myPoliciesRoute,
    setPoliciesRoute,
  ];
  return routes.map((declare) => declare(consent));
}
