import { ACCESS_ANCHOR_BOUND_SECONDS, SHARE_LINK_MINUTES_MAX } from '@hdt/vocabulary';
import type { RequestHandler } from 'express';
import { parse } from '../../http/parse';
import { type Route, route } from '../../http/route';
import { currentUser } from '../auth/middleware';
import {
  createdShareLinkSchema,
  createShareLinkBodySchema,
  linkParamsSchema,
  shareContentSchema,
  shareLinkListQuerySchema,
  shareLinkListSchema,
  shareLinkSchema,
} from './schemas';
import type { ShareLinkService } from './service';

export interface ShareLinkRoutesDeps {
  links: ShareLinkService;
  /** Limits the unauthenticated opens per client, as logins are. */
  openLimiter: RequestHandler;
}

function createRoute(links: ShareLinkService): Route {
  return route({
    method: 'post',
    path: '/share-links',
    operationId: 'createShareLink',
    tag: 'share-links',
    summary: "Share chosen fields of one of the signed-in resident's records through an encrypted, expiring link",
    description:
      `Residents only, for their own records (404 RECORD_NOT_FOUND naming recordId otherwise; 409 RECORD_RETRACTED ` +
      `for a retracted record). The fields are released from the sealed content (checked against the digest on ` +
      `chain) and sealed under a fresh key; the server keeps the ciphertext only. fields ["*"] alone shares every ` +
      `field and the attachment ("*" beside other fields: 400 naming fields). The key is in the url's ` +
      `fragment and nowhere else: the url is shown once. Valid 1..${SHARE_LINK_MINUTES_MAX} minutes.`,
    auth: 'bearer',
    body: { json: createShareLinkBodySchema },
    responses: { 201: { description: 'Created; url carries the key', schema: createdShareLinkSchema } },
    errors: [400, 401, 403, 404, 409, 503],
    handle: async ({ req }) => {
      const body = parse(createShareLinkBodySchema, req.body);
      return { status: 201, body: await links.create(currentUser(req), body) };
    },
  });
}

function listRoute(links: ShareLinkService): Route {
  return route({
    method: 'get',
    path: '/share-links',
    operationId: 'listMyShareLinks',
    tag: 'share-links',
    summary: "The signed-in resident's share links, newest first, with their status and opens",
    description: 'Residents only.',
    auth: 'bearer',
    query: shareLinkListQuerySchema,
    responses: { 200: { description: 'The links', schema: shareLinkListSchema } },
    errors: [400, 401, 403],
    handle: async ({ req, query }) => ({
      status: 200,
      body: { links: await links.list(currentUser(req), query.limit) },
    }),
  });
}

function withdrawRoute(links: ShareLinkService): Route {
  return route({
    method: 'delete',
    path: '/share-links/:linkId',
    operationId: 'withdrawShareLink',
    tag: 'share-links',
    summary: 'Withdraw a share link: it answers 410 from now on and its ciphertext is deleted',
    description:
      'The resident who made it (404 SHARE_LINK_NOT_FOUND for anyone else). Withdrawing again changes nothing.',
    auth: 'bearer',
    params: linkParamsSchema,
    responses: { 200: { description: 'The link, withdrawn', schema: shareLinkSchema } },
    errors: [400, 401, 403, 404, 503],
    handle: async ({ req, params }) => ({ status: 200, body: await links.withdraw(currentUser(req), params.linkId) }),
  });
}

function contentRoute(links: ShareLinkService, openLimiter: RequestHandler): Route {
  return route({
    method: 'get',
    path: '/share-links/:linkId/content',
    operationId: 'openShareLink',
    tag: 'share-links',
    summary: "A share link's sealed content, for the browser to open with the key from the link's fragment",
    description:
      'No sign-in: whoever holds the link. Every call, served or refused, is an access to the record in the ' +
      `resident's access list (role share-link, purpose SHARE, basis SHARE_LINK), durably recorded before the ` +
      `answer and anchored on chain within ${ACCESS_ANCHOR_BOUND_SECONDS} s. 410 SHARE_LINK_EXPIRED or ` +
      'SHARE_LINK_WITHDRAWN when the link may no longer be opened; 409 RECORD_RETRACTED once the hospital ' +
      'retracted the record (read from the ledger at each open); 404 SHARE_LINK_NOT_FOUND for no such link.',
    auth: 'public',
    before: [openLimiter],
    params: linkParamsSchema,
    responses: { 200: { description: 'The sealed content', schema: shareContentSchema } },
    errors: [400, 404, 409, 410, 503],
    handle: async ({ params }) => ({
      status: 200,
      body: await links.content(params.linkId),
      headers: { 'cache-control': 'no-store' },
    }),
  });
}

export function shareLinkRoutes(deps: ShareLinkRoutesDeps): Route[] {
  return [
    createRoute(deps.links),
    listRoute(deps.links),
    withdrawRoute(deps.links),
    contentRoute(deps.links, deps.openLimiter),
  ];
}
