import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { authComponents, authenticate, authRoutes, LoginThrottle, type UserDirectory } from '../modules/auth';
import type { Config } from '../config';
import { consoleLogger, type Logger } from '../logger';
import { healthComponents, healthRoutes, type HealthService } from '../modules/health';
import { invoiceComponents, invoiceRoutes, type InvoiceService } from '../modules/invoices';
import { AppError } from '../errors';
import type { FabricRegistryLedger } from '../fabric/registry-ledger';
import { lifecycleRoutes } from '../modules/invoices/lifecycle-routes';
import type { UpdateService } from '../modules/invoices/update';
import type { LifecycleService } from '../modules/invoices/lifecycle-service';
import { migrationComponents, migrationRoutes, type MigrationService } from '../modules/migration';
import { registryRoutes } from '../modules/registry/routes';
import { consentComponents, consentRoutes, type ConsentService } from '../modules/consent';
import { recordsComponents, recordsRoutes, type RecordIntake, type RecordsService } from '../modules/records';
import { empiComponents, empiRoutes, type EmpiService } from '../modules/empi';
import { notificationComponents, notificationRoutes, type NotificationService } from '../modules/notifications';
import { requestComponents, requestRoutes, type AccessRequestService, type ReferralService } from '../modules/requests';
import {
  accessComponents,
  accessRoutes,
  type AccessAudit,
  type AccessService,
  type ContentService,
} from '../modules/access';
import { shareLinkComponents, shareLinkRoutes, type ShareLinkService } from '../modules/share-links';
import { invoiceListRoutes, statisticsRoutes } from '../projection/routes';
import { reconciliationRoutes } from '../modules/invoices/reconciliation-routes';
import type { InvoiceReconciler } from '../modules/invoices/reconciliation';
import type { ReconciliationJobs } from '../modules/invoices/reconciliation-jobs';
import type { RedFlushService } from '../modules/invoices/red-flush';
import type { InvoiceListService } from '../projection/invoice-list';
import type { InvoiceStatisticsService } from '../projection/statistics';
import { errorHandler, notFoundHandler } from './errors';
import { mountMethodFallbacks } from './methods';
import { API_PREFIX, buildOpenApiDocument, openapiRoute } from './openapi';
import type { JsonObject, Route } from './route';

export interface AppDeps {
  config: Pick<Config, 'jwtSecret' | 'rateLimitPerMinute' | 'loginRateLimitPerMinute'>;
  services: Services;
  users: UserDirectory;
  logger?: Logger;
  /** Throttle of failed logins per account (a fresh one by default). */
  loginThrottle?: LoginThrottle;
  /** Static files served under /app/ (the web pages), when given. */
  webDir?: string;
}

/** The use cases the routes call, composed by the caller (server.ts, or a test harness). */
export interface Services {
  invoices: InvoiceService;
  lifecycle: LifecycleService;
  registry: FabricRegistryLedger;
  health: HealthService;
  migrations: MigrationService;
  redFlush: RedFlushService;
  update: UpdateService;
  consent: ConsentService;
  records: RecordsService;
  intake: RecordIntake;
  empi: EmpiService;
  notifications: NotificationService;
  accessRequests: AccessRequestService;
  referrals: ReferralService;
  access: AccessService;
  recordContents: ContentService;
  accessAudit: AccessAudit;
  shareLinks: ShareLinkService;
  /** Present when the projection's query model is kept (the server); absent in unit tests. */
  statistics?: InvoiceStatisticsService;
  invoiceList?: InvoiceListService;
  /** Present with the projection: compares the ledger with the off-chain records. */
  reconciliation?: InvoiceReconciler;
  /** Reconciliation as background jobs kept in the database, with the orphaned ciphertext in IPFS. */
  reconciliationJobs?: ReconciliationJobs;
}

const JSON_BODY_LIMIT = '1mb';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Echoes a well-formed X-Request-Id or assigns a new one. */
const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('X-Request-Id');
  res.set('X-Request-Id', incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID());
  next();
};

function limiter(perMinute: number, what: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => {
      next(new AppError('RATE_LIMITED', `too many ${what}, slow down`));
    },
  });
}

/** Reads of record content, the access log, and residents' share links (opened without sign-in, so limited). */
function recordAccessRoutes(deps: AppDeps): Route[] {
  const { access, recordContents, accessAudit, shareLinks } = deps.services;
  return [
    ...accessRoutes({ access, contents: recordContents, audit: accessAudit }),
    ...shareLinkRoutes({
      links: shareLinks,
      openLimiter: limiter(deps.config.loginRateLimitPerMinute, 'share-link opens'),
    }),
  ];
}

/** Every route of the API, each declared once by its module; the OpenAPI document comes from them. */
function apiRoutes(deps: AppDeps): Route[] {
  const { invoices, lifecycle, registry, health } = deps.services;
  let document: JsonObject = {};
  const routes: Route[] = [
    ...healthRoutes(health),
    openapiRoute(() => document),
    ...authRoutes({
      users: deps.users,
      jwtSecret: deps.config.jwtSecret,
      loginLimiter: limiter(deps.config.loginRateLimitPerMinute, 'login attempts'),
      loginThrottle: deps.loginThrottle ?? new LoginThrottle(),
    }),
    ...invoiceRoutes(invoices, deps.services.redFlush, deps.services.update),
    ...lifecycleRoutes(lifecycle),
    ...registryRoutes(registry),
    ...migrationRoutes(deps.services.migrations),
    ...consentRoutes(deps.services.consent),
    ...recordsRoutes(deps.services.records, deps.services.intake),
    ...empiRoutes(deps.services.empi),
    ...notificationRoutes(deps.services.notifications),
    ...requestRoutes(deps.services.accessRequests, deps.services.referrals),
    ...recordAccessRoutes(deps),
    ...(deps.services.statistics === undefined ? [] : statisticsRoutes(deps.services.statistics)),
    ...(deps.services.invoiceList === undefined ? [] : invoiceListRoutes(deps.services.invoiceList)),
    ...(deps.services.reconciliation === undefined
      ? []
      : reconciliationRoutes(deps.services.reconciliation, deps.services.reconciliationJobs)),
  ];
  document = buildOpenApiDocument(
    routes.map((r) => r.doc),
    COMPONENTS,
  );
  return routes;
}

const COMPONENTS = {
  ...authComponents,
  ...invoiceComponents,
  ...healthComponents,
  ...migrationComponents,
  ...consentComponents,
  ...recordsComponents,
  ...empiComponents,
  ...notificationComponents,
  ...requestComponents,
  ...accessComponents,
  ...shareLinkComponents,
};

/** Builds the Express app (no listen), so tests run it in-process. */
export function buildApp(deps: AppDeps): Express {
  const logger = deps.logger ?? consoleLogger;
  const auth = authenticate(deps.users, deps.config.jwtSecret);
  const api = Router();
  const routes = apiRoutes(deps);
  for (const r of routes) r.mount(api, auth);
  mountMethodFallbacks(api, routes);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestId);
  app.use(helmet());
  app.use(limiter(deps.config.rateLimitPerMinute, 'requests'));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  if (deps.webDir !== undefined) app.use('/app', express.static(deps.webDir));
  app.use(API_PREFIX, api);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
