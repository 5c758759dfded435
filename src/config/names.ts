import { z } from 'zod';

export const connectionNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'connection names are lower case letters, digits and _, starting with a letter');
