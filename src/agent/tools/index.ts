import { describeTableTool } from './describe-table.js';
import { finishTool } from './finish.js';
import { listTablesTool } from './list-tables.js';
import { profileColumnTool } from './profile-column.js';
import { runSqlTool } from './run-sql.js';
import { sampleRowsTool } from './sample-rows.js';
import { searchKnowledgeTool } from './search-knowledge.js';
import type { ToolDefinition } from './types.js';
import { updatePlanTool } from './update-plan.js';

export type {
  InvestigationState,
  KnowledgeHit,
  KnowledgeSearch,
  SchemaExplorer,
  ToolContext,
  ToolDefinition,
  ToolOutcome,
} from './types.js';

/** The tools the model gets, in the order it sees them. All of them are read-only. */
export const INVESTIGATION_TOOLS: readonly ToolDefinition<never>[] = [
  updatePlanTool,
  listTablesTool,
  describeTableTool,
  sampleRowsTool,
  profileColumnTool,
  runSqlTool,
  searchKnowledgeTool,
  finishTool,
] as unknown as readonly ToolDefinition<never>[];

export const NO_KNOWLEDGE = {
  async search() {
    return [];
  },
};
