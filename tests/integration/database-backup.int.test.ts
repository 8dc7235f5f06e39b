/**
 * A backup of the running database restores: `npm run backup` while the platform runs, then
 * `npm run restore` into a scratch state directory (its own PostgreSQL and FerretDB on other
 * ports) holds what was written before the backup and nothing written after it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { mongodbUriFor, ROOT_DIR, run, STATE_DIR } from './stack';

const DATABASE = `hdt_backup_${Date.now()}_${randomBytes(3).toString('hex')}`;
const SCRATCH_PORTS = {
  POSTGRES_PORT: '5533',
  FERRETDB_ADDR: '127.0.0.1:27117',
  FERRETDB_DEBUG_ADDR: '127.0.0.1:8189',
};

const external = process.env['EXTERNAL_MONGODB'] === '1';
const maybe = external ? describe.skip : describe;

maybe('database backup and restore', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'hdt-restore-'));
  // The scripts act on the local cluster; MONGODB_URI would make them refuse (external database).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'MONGODB_URI'));
  const scratchEnv = { ...inherited, STATE_DIR: scratch, ...SCRATCH_PORTS };
  let live: mongoose.Connection;

  beforeAll(async () => {
    live = await mongoose.createConnection(mongodbUriFor(DATABASE)).asPromise();
  });

  afterAll(async () => {
    await run('bash', [path.join(ROOT_DIR, 'scripts/database.sh'), 'stop'], { env: scratchEnv }).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    await live.db?.dropDatabase();
    await live.close();
  });

  it('restores what was written before the backup, and only that', async () => {
    const markers = live.collection('markers');
    await markers.insertOne({ marker: 'before', text: '备份前' });
    const file = path.join(scratch, 'backup.tar.gz');
    await run('bash', [path.join(ROOT_DIR, 'scripts/backup.sh'), file], { env: inherited });
    await markers.insertOne({ marker: 'after' });

    // The restored cluster's roles are the backup's: it needs the same secrets.
    copyFileSync(path.join(STATE_DIR, 'secrets.env'), path.join(scratch, 'secrets.env'));
    await run('bash', [path.join(ROOT_DIR, 'scripts/restore.sh'), file], { env: scratchEnv });

    const uri = new URL(mongodbUriFor(DATABASE));
    uri.host = SCRATCH_PORTS.FERRETDB_ADDR;
    const restored = await mongoose.createConnection(uri.toString()).asPromise();
    try {
      const docs = await restored
        .collection('markers')
        .find({}, { projection: { _id: 0 } })
        .toArray();
      expect(docs).toEqual([{ marker: 'before', text: '备份前' }]);
    } finally {
      await restored.close();
    }
  }, 180_000);
});
