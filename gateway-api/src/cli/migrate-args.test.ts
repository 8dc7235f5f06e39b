import { parseMigrateArgs, UsageError } from './migrate-args';
import { parseManifest } from './migrate-source';
import { renderBar } from './progress';

const BASE = ['--api', 'http://127.0.0.1:8080', '--user', 'h1.clerk', '--password', 'pw'];
const notDir = () => false;

describe('parseMigrateArgs', () => {
  it('takes a manifest file and fills in the defaults', () => {
    expect(parseMigrateArgs(['--source', 'data/manifest.jsonl', ...BASE], notDir)).toEqual({
      manifest: 'data/manifest.jsonl',
      api: 'http://127.0.0.1:8080/api/v1',
      user: 'h1.clerk',
      password: 'pw',
      chunk: 100,
      parallel: 2,
      report: 'data/migration-report.json',
    });
  });

  it('reads manifest.jsonl of a directory, keeps an /api/v1 URL and takes the options', () => {
    const args = ['--source', 'dump', ...BASE.slice(2), '--api', 'https://h/api/v1/', '--chunk', '50'];
    const parsed = parseMigrateArgs([...args, '--parallel', '4', '--report', 'r.json'], () => true);
    expect(parsed).toMatchObject({ manifest: 'dump/manifest.jsonl', api: 'https://h/api/v1', chunk: 50, parallel: 4 });
    expect(parsed.report).toBe('r.json');
  });

  it.each([
    [[...BASE], '--source is required'],
    [['--source', 'x', ...BASE.slice(2)], '--api is required'],
    [['--source', 'x', ...BASE, '--chunk', '0'], '--chunk must be an integer from 1 to 200'],
    [['--source', 'x', ...BASE, '--parallel', '1.5'], '--parallel must be an integer from 1 to 8'],
    [['--source', 'x', '--api', 'ftp://h', '--user', 'u', '--password', 'p'], '--api must be an http(s) URL'],
    [['--source', 'x', ...BASE, '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseMigrateArgs(argv, notDir)).toThrow(UsageError);
    expect(() => parseMigrateArgs(argv, notDir)).toThrow(message);
  });
});

describe('parseManifest', () => {
  const line = JSON.stringify({ invoice: { code: '31010001' }, issuedAt: '2024-01-01T00:00:00Z', pdf: 'a.pdf' });

  it('numbers the items by line, skipping blank lines', () => {
    expect(parseManifest(`${line}\n\n${line}\n`).map((l) => l.seq)).toEqual([1, 3]);
  });

  it('names the line of a malformed entry', () => {
    expect(() => parseManifest(`${line}\n{`)).toThrow('manifest line 2: not JSON');
    expect(() => parseManifest(`${line}\n{"invoice":{},"issuedAt":"x"}`)).toThrow(/^manifest line 2: pdf /);
    expect(() => parseManifest('\n')).toThrow('the manifest lists no invoice');
  });
});

describe('renderBar', () => {
  it('draws the share done, the counts and the rate', () => {
    expect(renderBar({ phase: 'importing', done: 50, total: 200, detail: 'refused 1' }, 12.34)).toBe(
      `importing [${'#'.repeat(8)}${'.'.repeat(22)}]  25% 50/200 12.3/s refused 1`,
    );
    expect(renderBar({ phase: 'sending', done: 0, total: 0, detail: '' }, 0)).toBe(
      `sending   [${'.'.repeat(30)}]   0% 0/0`,
    );
  });
});
