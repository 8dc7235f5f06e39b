import { MspId, ROLES } from '@hdt/vocabulary';
import { z } from 'zod';
import { str } from '../../schema-text';

/** Request and response schemas of the auth resource. */
export const loginBodySchema = z.strictObject({
  username: str().min(1, { error: 'is required' }).max(64),
  password: str().min(1, { error: 'is required' }).max(256),
});

export const userSchema = z.object({
  username: z.string(),
  displayName: z.string(),
  mspId: z.enum(MspId),
  role: z.enum(ROLES),
  unit: z.string().optional(),
  residentId: z.string().optional().describe("a resident's pseudonymous id, which their grants are recorded under"),
  department: z.string().optional().describe("a doctor's department"),
});

export const loginResponseSchema = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.string(),
  user: userSchema,
});

/** The auth resource's named schemas in the OpenAPI document. */
export const authComponents = { LoginRequest: loginBodySchema, LoginResponse: loginResponseSchema, User: userSchema };
