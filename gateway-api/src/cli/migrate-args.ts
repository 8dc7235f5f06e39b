/** The command line of `npm run migrate`, parsed and checked before anything is read or sent. */
import * as path from 'node:path';
import { parseArgs } from 'node:util';

export interface MigrateOptions {
  /** The manifest (JSONL); a directory means its `manifest.jsonl`. */
  manifest: string;
  /** Base URL of the API, e.g. http://127.0.0.1:8080/api/v1 */
  api: string;
  user: string;
  password: string;
  /** Most items per request. */
  chunk: number;
  /** Requests in flight at a time. */
  parallel: number;
  /** Where the report goes (JSON; the readable summary beside it, .txt). */
  report: string;
}

export const USAGE = `usage: npm run migrate -- --source <dir|manifest.jsonl> --api <url> --user <name> --password <password>
       [--chunk <items per request, 1-200, default 100>] [--parallel <requests, 1-8, default 2>] [--report <file.json>]

The manifest has one historic invoice per line: {"invoice": {...as the issue API's invoice part...},
"issuedAt": "2021-03-04T09:30:00+08:00", "checkCode": "A1B2C3" (optional), "pdf": "path/relative/to/manifest.pdf"}.
Running the same command again continues the same job.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function integer(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** Parses the arguments after `--`; `isDirectory` tells whether the source names a directory. */
export function parseMigrateArgs(argv: readonly string[], isDirectory: (p: string) => boolean): MigrateOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        source: { type: 'string' },
        api: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        chunk: { type: 'string' },
        parallel: { type: 'string' },
        report: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const source = required(values.source, 'source');
  const manifest = isDirectory(source) ? path.join(source, 'manifest.jsonl') : source;
  const api = required(values.api, 'api').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(api)) throw new UsageError('--api must be an http(s) URL');
  return {
    manifest,
    api: /\/api\/v1$/.test(api) ? api : `${api}/api/v1`,
    user: required(values.user, 'user'),
    password: required(values.password, 'password'),
    chunk: integer(values.chunk, 'chunk', 1, 200, 100),
    parallel: integer(values.parallel, 'parallel', 1, 8, 2),
    report: values.report ?? path.join(path.dirname(manifest), 'migration-report.json'),
  };
}
