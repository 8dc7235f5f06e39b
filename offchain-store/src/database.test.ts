import mongoose from 'mongoose';
import { binaryToBuffer, isDuplicateKeyError, parseStoredDate, toDatabaseError } from './database';
import { OffchainError } from './errors';

describe('database helpers', () => {
  it('recognises duplicate-key errors only', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(true);
    expect(isDuplicateKeyError({ code: 2 })).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError('E11000')).toBe(false);
  });

  it('maps failures to stable codes without credentials', () => {
    const existing = new OffchainError('KEY_NOT_FOUND', 'x');
    expect(toDatabaseError(existing, 'a')).toBe(existing);
    expect(toDatabaseError(new mongoose.Error.ValidationError(), 'saving').code).toBe('INVALID_ARGUMENT');
    const down = toDatabaseError(new Error('connect ECONNREFUSED mongodb://u:pw@h:1'), 'reading');
    expect(down.code).toBe('DATABASE_UNAVAILABLE');
    expect(down.message).not.toContain('pw');
  });

  it('reads binary and date fields as stored by the driver', () => {
    expect(binaryToBuffer(new mongoose.mongo.Binary(Buffer.from('ab')))?.toString()).toBe('ab');
    expect(binaryToBuffer(Buffer.from('cd'))?.toString()).toBe('cd');
    expect(binaryToBuffer('ab')).toBeUndefined();
    expect(binaryToBuffer(undefined)).toBeUndefined();
    const now = new Date();
    expect(parseStoredDate(now)).toBe(now);
    expect(parseStoredDate(new Date(Number.NaN))).toBeUndefined();
    expect(parseStoredDate('2026-01-01')).toBeUndefined();
  });
});
