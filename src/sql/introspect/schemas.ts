import { z } from 'zod';

/**
 * A described table as front ends return it (HTTP API responses, MCP tool output): the zod form of TableDescription,
 * one definition for every edge that documents or validates it.
 */
export const tableDescriptionSchema = z.object({
  schema: z.string().optional(),
  name: z.string(),
  kind: z.enum(['table', 'view']),
  rowEstimate: z.number().nullable(),
  comment: z.string().nullable(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      nullable: z.boolean(),
      primaryKey: z.boolean(),
      comment: z.string().nullable(),
      /** Set by the access policy: the column's values are shown masked. */
      masked: z.literal(true).optional(),
    }),
  ),
  primaryKey: z.array(z.string()),
  foreignKeys: z.array(
    z.object({
      columns: z.array(z.string()),
      references: z.object({ schema: z.string().optional(), table: z.string(), columns: z.array(z.string()) }),
    }),
  ),
});
