import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { authenticate } from '../auth/middleware';
import type { UserDirectory } from '../auth/users';
import type { Config } from '../config';
import type { InvoiceLedger } from '../fabric/invoice-ledger';
import { consoleLogger, type Logger } from '../logger';
import { HealthService } from '../services/health-service';
import { InvoiceService } from '../services/invoice-service';
import type { OffchainPorts } from '../services/ports';
import { AppError } from '../errors';
import { errorHandler, notFoundHandler } from './errors';
import { API_PREFIX, openapiRouter } from './openapi';
import { authRouter } from './routes/auth';
import { healthRouter } from './routes/health';
import { invoicesRouter } from './routes/invoices';

export interface AppDeps {
  config: Pick<Config, 'jwtSecret' | 'issuerSecret' | 'rateLimitPerMinute' | 'loginRateLimitPerMinute'>;
  ledger: InvoiceLedger;
  offchain: OffchainPorts;
  users: UserDirectory;
  logger?: Logger;
  /** Overrides check-code generation (tests). */
  newCheckCode?: () => string;
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

/** Builds the Express app (no listen), so tests run it in-process. */
export function buildApp(deps: AppDeps): Express {
  const logger = deps.logger ?? consoleLogger;
  const invoices = new InvoiceService({
    ledger: deps.ledger,
    files: deps.offchain.files,
    records: deps.offchain.records,
    idempotency: deps.offchain.idempotency,
    issuerSecret: deps.config.issuerSecret,
    logger,
    ...(deps.newCheckCode === undefined ? {} : { newCheckCode: deps.newCheckCode }),
  });
  const health = new HealthService(deps.ledger, deps.offchain, logger);
  const auth = authenticate(deps.users, deps.config.jwtSecret);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestId);
  app.use(helmet());
  app.use(limiter(deps.config.rateLimitPerMinute, 'requests'));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));

  app.use(API_PREFIX, healthRouter(health));
  app.use(API_PREFIX, openapiRouter());
  app.use(
    API_PREFIX,
    authRouter({
      users: deps.users,
      jwtSecret: deps.config.jwtSecret,
      loginLimiter: limiter(deps.config.loginRateLimitPerMinute, 'login attempts'),
      authenticate: auth,
    }),
  );
  app.use(API_PREFIX, invoicesRouter({ invoices, authenticate: auth }));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
