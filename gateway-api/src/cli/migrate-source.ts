/**
 * Reads a migration source: a JSONL manifest, one historic invoice per line, each naming its PDF
 * by a path relative to the manifest. The manifest's SM3 names the source, so running the same
 * manifest again finds the same job.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';

export const manifestLineSchema = z.object({
  invoice: z.record(z.string(), z.unknown()),
  issuedAt: z.string(),
  checkCode: z.string().optional(),
  pdf: z.string().min(1),
});
export type ManifestLine = z.infer<typeof manifestLineSchema>;

export interface SourceLine extends ManifestLine {
  /** 1-based line number in the manifest: the item's seq. */
  seq: number;
}

export interface Source {
  sourceId: string;
  lines: SourceLine[];
  dir: string;
}

/** Parses the manifest text; a malformed line stops everything, naming its number. */
export function parseManifest(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const seq = index + 1;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error(`manifest line ${seq}: not JSON`);
    }
    const parsed = manifestLineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`manifest line ${seq}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    lines.push({ ...parsed.data, seq });
  });
  if (lines.length === 0) throw new Error('the manifest lists no invoice');
  return lines;
}

export async function readSource(manifest: string): Promise<Source> {
  const bytes = await readFile(manifest);
  const sourceId = `sm3-${createHash('sm3').update(bytes).digest('hex')}`;
  return { sourceId, lines: parseManifest(bytes.toString('utf8')), dir: path.dirname(manifest) };
}

/** The request item of a line: the PDF read and base64-encoded. */
export async function requestItem(source: Source, line: SourceLine): Promise<Record<string, unknown>> {
  const pdf = await readFile(path.resolve(source.dir, line.pdf));
  const item: Record<string, unknown> = {
    seq: line.seq,
    invoice: line.invoice,
    issuedAt: line.issuedAt,
    pdf: pdf.toString('base64'),
  };
  if (line.checkCode !== undefined) item['checkCode'] = line.checkCode;
  return item;
}
