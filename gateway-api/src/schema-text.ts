import { z } from 'zod';

/** Error text for a wrong type that says "is required" when the field is absent. */
export const typeError = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${expected}`;
export const str = () => z.string({ error: typeError('a string') });
