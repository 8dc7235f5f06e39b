import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import { parse } from './parse';

/** A JSON value (the OpenAPI document is plain JSON). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Error statuses an operation documents besides 429 and 500, which every operation may answer. */
export type DocumentedErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 422 | 503;

export interface ResponseSpec {
  description: string;
  /** Schema of a JSON body: every body is parsed through it before it is sent. */
  schema?: z.ZodType;
  /** OpenAPI content of a non-JSON body (e.g. a PDF). */
  content?: JsonObject;
  headers?: JsonObject;
}

export interface HeaderSpec {
  name: string;
  required: boolean;
  description: string;
  schema: z.ZodType;
}

/** One part of a `multipart/form-data` body, as the OpenAPI document describes it. */
export type MultipartPart =
  /** JSON text (part content type `application/json`; a text field or a file part) matching `schema`. */
  | { kind: 'json'; schema: z.ZodType; required: boolean; description?: string }
  /** A plain text field matching `schema`. */
  | { kind: 'text'; schema: z.ZodType; required: boolean }
  /** A file of the given content type. */
  | { kind: 'file'; contentType: string; required: boolean; description: string };

export interface BodySpec {
  /** Schema of an `application/json` body (the handler parses with it). */
  json?: z.ZodType;
  /** The parts of a `multipart/form-data` body, by name. */
  multipart?: Record<string, MultipartPart>;
}

/** What a handler answers: a JSON body checked against its declared schema, or bytes. */
export type Reply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { status: number; file: Uint8Array; contentType: string; headers?: Record<string, string> };

export interface RouteSpec<P extends z.ZodObject, Q extends z.ZodObject> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express syntax, relative to API_PREFIX. */
  path: string;
  operationId: string;
  tag:
    | 'system'
    | 'auth'
    | 'invoices'
    | 'migrations'
    | 'consent'
    | 'records'
    | 'requests'
    | 'notifications'
    | 'access'
    | 'share-links'
    | 'empi';
  summary: string;
  description?: string;
  /** `bearer`: the route authenticates first. */
  auth: 'bearer' | 'public';
  /** Middleware run before the handler, after authentication (role checks, limits, uploads). */
  before?: RequestHandler[];
  params?: P;
  query?: Q;
  headers?: HeaderSpec[];
  body?: BodySpec;
  responses: Record<number, ResponseSpec>;
  errors: DocumentedErrorStatus[];
  handle: (input: { req: Request; params: z.output<P>; query: z.output<Q> }) => Promise<Reply>;
}

/** The documentation of a route, without its handler. */
export type RouteDoc = Omit<RouteSpec<z.ZodObject, z.ZodObject>, 'handle' | 'before'>;

/** A declared route: documented by `doc`, registered by `mount`. */
export interface Route {
  doc: RouteDoc;
  mount(router: Router, authenticate: RequestHandler): void;
}

const NONE = z.object({});

/** Sends a reply; a JSON body must match the schema declared for its status. */
function send(res: Response, responses: Record<number, ResponseSpec>, reply: Reply): void {
  if ('file' in reply) {
    res
      .status(reply.status)
      .type(reply.contentType)
      .set(reply.headers ?? {});
    res.send(Buffer.from(reply.file.buffer, reply.file.byteOffset, reply.file.byteLength));
    return;
  }
  const schema = responses[reply.status]?.schema;
  if (schema === undefined) throw new AppError('INTERNAL', `response ${reply.status} is not declared`);
  const checked = schema.safeParse(reply.body);
  if (!checked.success) {
    throw new AppError('INTERNAL', 'response does not match its declared schema', { cause: checked.error });
  }
  res.status(reply.status).set(reply.headers ?? {});
  res.json(checked.data);
}

/** Declares a route once: the Express route and its OpenAPI operation come from this. */
export function route<P extends z.ZodObject = typeof NONE, Q extends z.ZodObject = typeof NONE>(
  spec: RouteSpec<P, Q>,
): Route {
  const { handle, before, ...doc } = spec;
  return {
    doc,
    mount(router, authenticate) {
      const chain = [...(spec.auth === 'bearer' ? [authenticate] : []), ...(before ?? [])];
      router[spec.method](spec.path, ...chain, async (req: Request, res: Response) => {
        const params = parse(spec.params ?? NONE, req.params) as z.output<P>;
        const query = parse(spec.query ?? NONE, req.query) as z.output<Q>;
        send(res, spec.responses, await handle({ req, params, query }));
      });
    },
  };
}
