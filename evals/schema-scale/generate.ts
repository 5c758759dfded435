/**
 * A generated warehouse schema for retrieval at scale: business domains, each with entities (a table, its columns,
 * foreign keys to other entities) and the look-alikes real warehouses carry (`stg_orders`, `orders_archive`,
 * `raw_orders`, `orders_snapshot`), plus questions that name what they ask in business words, each with the tables a
 * correct query needs. Deterministic: the same schema and questions every run.
 */

interface Entity {
  table: string;
  /** Business words for it, as a person asks ("purchase orders", "bills"). */
  words: string;
  parent?: string;
  measure: string;
  measureWords: string;
  attribute: string;
  attributeWords: string;
  time: string;
}

type Spec = [
  table: string,
  words: string,
  parent: string,
  measure: string,
  measureWords: string,
  attr: string,
  attrWords: string,
  time: string,
];

const DOMAINS: Record<string, Spec[]> = {
  sales: [
    ['customers', 'customers clients', '', 'lifetime_value', 'lifetime value', 'segment', 'segment', 'signed_up_at'],
    [
      'orders',
      'orders purchases',
      'customers',
      'order_total',
      'order revenue',
      'sales_channel',
      'sales channel',
      'ordered_at',
    ],
    ['order_items', 'order lines items sold', 'orders', 'quantity', 'units sold', 'sku', 'sku', 'created_at'],
    [
      'quotes',
      'quotes proposals',
      'customers',
      'quoted_amount',
      'quoted amount',
      'quote_status',
      'quote status',
      'quoted_at',
    ],
    [
      'discount_codes',
      'discount codes coupons promo codes',
      '',
      'percent_off',
      'percent off',
      'code',
      'code',
      'valid_from',
    ],
    ['sales_reps', 'sales reps account executives', '', 'quota', 'quota', 'territory', 'territory', 'hired_at'],
    ['deals', 'deals opportunities pipeline', 'sales_reps', 'deal_value', 'deal value', 'stage', 'stage', 'closed_at'],
    [
      'returns',
      'returns returned goods',
      'orders',
      'refund_amount',
      'refund amount',
      'return_reason',
      'return reason',
      'returned_at',
    ],
    [
      'carts',
      'shopping carts baskets',
      'customers',
      'cart_value',
      'cart value',
      'abandoned',
      'abandoned',
      'updated_at',
    ],
    [
      'price_lists',
      'price lists pricing tiers',
      '',
      'list_price',
      'list price',
      'currency',
      'currency',
      'effective_from',
    ],
  ],
  finance: [
    [
      'invoices',
      'invoices bills',
      'customers',
      'amount_due',
      'amount billed',
      'invoice_status',
      'invoice status',
      'issued_at',
    ],
    [
      'payments',
      'payments receipts',
      'invoices',
      'amount_paid',
      'amount collected',
      'payment_method',
      'payment method',
      'paid_at',
    ],
    [
      'ledger_entries',
      'ledger entries journal lines',
      'gl_accounts',
      'debit',
      'debits',
      'entry_type',
      'entry type',
      'posted_at',
    ],
    [
      'gl_accounts',
      'general ledger accounts chart of accounts',
      '',
      'opening_balance',
      'opening balance',
      'account_type',
      'account type',
      'created_at',
    ],
    [
      'budgets',
      'budgets planned spend',
      'cost_centers',
      'budget_amount',
      'budgeted amount',
      'fiscal_year',
      'fiscal year',
      'approved_at',
    ],
    [
      'cost_centers',
      'cost centers departments budgets owners',
      '',
      'headcount_cap',
      'headcount cap',
      'region',
      'region',
      'created_at',
    ],
    [
      'expenses',
      'expenses expense reports reimbursements',
      'employees',
      'expense_amount',
      'expense amount',
      'category',
      'expense category',
      'submitted_at',
    ],
    ['tax_rates', 'tax rates vat', '', 'rate', 'tax rate', 'jurisdiction', 'jurisdiction', 'effective_from'],
    [
      'credit_notes',
      'credit notes credits issued',
      'invoices',
      'credit_amount',
      'credited amount',
      'credit_reason',
      'credit reason',
      'issued_at',
    ],
    [
      'fx_rates',
      'exchange rates fx currency conversion',
      '',
      'rate_to_usd',
      'rate to usd',
      'currency_code',
      'currency',
      'rate_date',
    ],
  ],
  marketing: [
    [
      'campaigns',
      'marketing campaigns',
      '',
      'budget',
      'campaign budget',
      'channel',
      'marketing channel',
      'launched_at',
    ],
    ['ad_spend', 'ad spend advertising cost', 'campaigns', 'spend', 'ad spend', 'network', 'ad network', 'spend_date'],
    [
      'email_sends',
      'email sends newsletters',
      'campaigns',
      'recipients',
      'recipients',
      'template',
      'email template',
      'sent_at',
    ],
    [
      'email_events',
      'email opens clicks',
      'email_sends',
      'event_count',
      'opens and clicks',
      'event_kind',
      'event kind',
      'occurred_at',
    ],
    ['leads', 'leads prospects', 'campaigns', 'lead_score', 'lead score', 'lead_source', 'lead source', 'captured_at'],
    ['landing_pages', 'landing pages', 'campaigns', 'visits', 'page visits', 'url_path', 'url', 'published_at'],
    [
      'utm_sessions',
      'utm sessions attributed visits',
      'landing_pages',
      'session_seconds',
      'time on site',
      'utm_source',
      'utm source',
      'started_at',
    ],
    [
      'referrals',
      'referrals referral program',
      'customers',
      'reward_amount',
      'referral reward',
      'referral_code',
      'referral code',
      'referred_at',
    ],
    ['surveys', 'surveys nps survey', '', 'response_count', 'responses', 'survey_type', 'survey type', 'opened_at'],
    [
      'survey_responses',
      'survey answers nps scores',
      'surveys',
      'score',
      'nps score',
      'comment',
      'comment',
      'answered_at',
    ],
  ],
  support: [
    ['tickets', 'support tickets cases', 'customers', 'reopen_count', 'reopens', 'priority', 'priority', 'opened_at'],
    [
      'ticket_comments',
      'ticket comments replies',
      'tickets',
      'word_count',
      'reply length',
      'author_role',
      'author role',
      'posted_at',
    ],
    ['agents', 'support agents staff', '', 'capacity', 'ticket capacity', 'team', 'support team', 'hired_at'],
    [
      'sla_policies',
      'sla policies service level targets',
      '',
      'target_minutes',
      'response target',
      'tier',
      'sla tier',
      'effective_from',
    ],
    [
      'csat_ratings',
      'csat satisfaction ratings',
      'tickets',
      'rating',
      'satisfaction rating',
      'channel',
      'contact channel',
      'rated_at',
    ],
    [
      'chat_sessions',
      'live chat sessions conversations',
      'customers',
      'duration_seconds',
      'chat duration',
      'outcome',
      'chat outcome',
      'started_at',
    ],
    [
      'kb_articles',
      'help center articles knowledge base',
      '',
      'views',
      'article views',
      'topic',
      'topic',
      'published_at',
    ],
    [
      'escalations',
      'escalations',
      'tickets',
      'escalation_level',
      'escalation level',
      'escalated_to',
      'escalated team',
      'escalated_at',
    ],
    [
      'call_logs',
      'phone calls call center',
      'agents',
      'talk_seconds',
      'talk time',
      'call_direction',
      'call direction',
      'called_at',
    ],
    [
      'bug_reports',
      'bug reports defects',
      'tickets',
      'severity_score',
      'severity',
      'component',
      'component',
      'reported_at',
    ],
  ],
  hr: [
    ['employees', 'employees staff headcount', 'departments', 'salary', 'salary', 'job_title', 'job title', 'hired_at'],
    ['departments', 'departments org units', '', 'budget', 'department budget', 'division', 'division', 'created_at'],
    [
      'payroll_runs',
      'payroll runs pay cycles',
      '',
      'gross_pay',
      'gross payroll',
      'pay_period',
      'pay period',
      'paid_at',
    ],
    ['payslips', 'payslips pay stubs', 'employees', 'net_pay', 'net pay', 'pay_grade', 'pay grade', 'issued_at'],
    [
      'time_off_requests',
      'time off vacation leave requests',
      'employees',
      'days_requested',
      'days off',
      'leave_type',
      'leave type',
      'requested_at',
    ],
    [
      'job_postings',
      'job postings open roles vacancies',
      'departments',
      'openings',
      'open positions',
      'seniority',
      'seniority',
      'posted_at',
    ],
    [
      'candidates',
      'candidates applicants',
      'job_postings',
      'interview_score',
      'interview score',
      'candidate_source',
      'candidate source',
      'applied_at',
    ],
    [
      'performance_reviews',
      'performance reviews appraisals',
      'employees',
      'review_score',
      'review score',
      'cycle',
      'review cycle',
      'reviewed_at',
    ],
    [
      'trainings',
      'trainings courses learning',
      'employees',
      'hours',
      'training hours',
      'course_name',
      'course',
      'completed_at',
    ],
    [
      'benefits_enrollments',
      'benefits enrollments health plans',
      'employees',
      'monthly_premium',
      'premium',
      'plan_name',
      'benefit plan',
      'enrolled_at',
    ],
  ],
  inventory: [
    [
      'products',
      'products catalogue items',
      'suppliers',
      'unit_cost',
      'unit cost',
      'category',
      'product category',
      'launched_at',
    ],
    [
      'warehouses',
      'warehouses distribution centers',
      '',
      'capacity_units',
      'storage capacity',
      'city',
      'city',
      'opened_at',
    ],
    [
      'stock_levels',
      'stock levels inventory on hand',
      'warehouses',
      'on_hand',
      'units on hand',
      'bin_location',
      'bin',
      'counted_at',
    ],
    [
      'suppliers',
      'suppliers vendors',
      '',
      'lead_time_days',
      'lead time',
      'country',
      'supplier country',
      'onboarded_at',
    ],
    [
      'purchase_orders',
      'purchase orders POs',
      'suppliers',
      'po_total',
      'purchase order value',
      'po_status',
      'po status',
      'ordered_at',
    ],
    [
      'purchase_order_lines',
      'purchase order lines',
      'purchase_orders',
      'ordered_qty',
      'quantity ordered',
      'uom',
      'unit of measure',
      'created_at',
    ],
    [
      'stock_movements',
      'stock movements transfers',
      'warehouses',
      'moved_qty',
      'units moved',
      'movement_type',
      'movement type',
      'moved_at',
    ],
    [
      'stocktakes',
      'stocktakes cycle counts',
      'warehouses',
      'variance_units',
      'count variance',
      'counter',
      'counted by',
      'counted_at',
    ],
    [
      'reorder_rules',
      'reorder points replenishment rules',
      'products',
      'reorder_point',
      'reorder point',
      'policy',
      'replenishment policy',
      'updated_at',
    ],
    [
      'product_bundles',
      'product bundles kits',
      'products',
      'bundle_price',
      'bundle price',
      'bundle_name',
      'bundle',
      'created_at',
    ],
  ],
  logistics: [
    [
      'shipments',
      'shipments deliveries parcels',
      'orders',
      'weight_kg',
      'shipped weight',
      'carrier',
      'carrier',
      'shipped_at',
    ],
    [
      'carriers',
      'carriers couriers shipping companies',
      '',
      'on_time_rate',
      'on-time rate',
      'service_level',
      'service level',
      'contracted_at',
    ],
    [
      'delivery_routes',
      'delivery routes',
      'carriers',
      'distance_km',
      'route distance',
      'route_code',
      'route',
      'planned_at',
    ],
    [
      'tracking_events',
      'tracking events scans',
      'shipments',
      'scan_count',
      'scans',
      'status_code',
      'tracking status',
      'scanned_at',
    ],
    [
      'freight_invoices',
      'freight bills shipping costs',
      'carriers',
      'freight_cost',
      'freight cost',
      'mode',
      'freight mode',
      'billed_at',
    ],
    ['vehicles', 'vehicles trucks fleet', '', 'payload_kg', 'payload', 'plate', 'plate number', 'acquired_at'],
    ['drivers', 'drivers', 'vehicles', 'hours_driven', 'hours driven', 'license_class', 'license class', 'hired_at'],
    [
      'fuel_logs',
      'fuel logs fuel purchases',
      'vehicles',
      'liters',
      'fuel used',
      'station',
      'fuel station',
      'filled_at',
    ],
    [
      'customs_declarations',
      'customs declarations import duties',
      'shipments',
      'duty_amount',
      'import duty',
      'hs_code',
      'tariff code',
      'declared_at',
    ],
    [
      'pickup_slots',
      'pickup slots collection windows',
      'warehouses',
      'slot_minutes',
      'slot length',
      'dock',
      'loading dock',
      'slot_start',
    ],
  ],
  billing: [
    [
      'subscriptions',
      'subscriptions recurring plans',
      'customers',
      'mrr',
      'monthly recurring revenue',
      'plan',
      'subscription plan',
      'started_at',
    ],
    ['plans', 'pricing plans tiers', '', 'monthly_price', 'monthly price', 'plan_family', 'plan family', 'created_at'],
    [
      'usage_records',
      'usage metered usage',
      'subscriptions',
      'units_used',
      'units used',
      'meter',
      'meter',
      'recorded_at',
    ],
    [
      'churn_events',
      'churn cancellations',
      'subscriptions',
      'lost_mrr',
      'lost revenue',
      'churn_reason',
      'churn reason',
      'churned_at',
    ],
    ['trials', 'free trials', 'customers', 'trial_days', 'trial length', 'converted', 'converted', 'started_at'],
    [
      'dunning_attempts',
      'dunning failed payment retries',
      'invoices',
      'attempt_number',
      'retry attempt',
      'decline_code',
      'decline code',
      'attempted_at',
    ],
    [
      'plan_changes',
      'upgrades downgrades plan changes',
      'subscriptions',
      'mrr_delta',
      'expansion revenue',
      'change_kind',
      'change kind',
      'changed_at',
    ],
    ['addons', 'add-ons extras', 'subscriptions', 'addon_price', 'add-on price', 'addon_name', 'add-on', 'added_at'],
    [
      'licenses',
      'licenses seats',
      'subscriptions',
      'seats',
      'seat count',
      'license_tier',
      'license tier',
      'assigned_at',
    ],
    [
      'billing_accounts',
      'billing accounts payers',
      'customers',
      'credit_limit',
      'credit limit',
      'billing_country',
      'billing country',
      'created_at',
    ],
  ],
  product: [
    [
      'app_events',
      'product events clicks in the app',
      'users',
      'event_value',
      'event value',
      'event_name',
      'event name',
      'occurred_at',
    ],
    ['users', 'app users accounts', 'customers', 'login_count', 'logins', 'role', 'user role', 'created_at'],
    [
      'sessions',
      'app sessions visits',
      'users',
      'duration_seconds',
      'session length',
      'device',
      'device',
      'started_at',
    ],
    [
      'feature_flags',
      'feature flags toggles',
      '',
      'rollout_percent',
      'rollout percent',
      'flag_key',
      'flag',
      'created_at',
    ],
    ['experiments', 'experiments ab tests', '', 'sample_size', 'sample size', 'hypothesis', 'hypothesis', 'started_at'],
    [
      'experiment_assignments',
      'experiment variants assignments',
      'experiments',
      'conversion',
      'conversion',
      'variant',
      'variant',
      'assigned_at',
    ],
    ['page_views', 'page views pageviews', 'sessions', 'load_ms', 'page load time', 'path', 'page path', 'viewed_at'],
    [
      'search_queries',
      'site search searches',
      'sessions',
      'results_count',
      'results returned',
      'query_text',
      'search term',
      'searched_at',
    ],
    [
      'notifications',
      'push notifications alerts sent',
      'users',
      'delivered_count',
      'delivered',
      'notification_type',
      'notification type',
      'sent_at',
    ],
    [
      'api_requests',
      'api calls requests',
      'users',
      'latency_ms',
      'api latency',
      'endpoint',
      'endpoint',
      'requested_at',
    ],
  ],
  crm: [
    [
      'accounts',
      'accounts companies organisations',
      '',
      'annual_revenue',
      'annual revenue',
      'industry',
      'industry',
      'created_at',
    ],
    ['contacts', 'contacts people', 'accounts', 'email_opt_in', 'opt-ins', 'job_role', 'job role', 'created_at'],
    [
      'activities',
      'sales activities calls meetings',
      'contacts',
      'duration_minutes',
      'activity duration',
      'activity_type',
      'activity type',
      'occurred_at',
    ],
    [
      'meetings',
      'meetings demos',
      'accounts',
      'attendees',
      'attendees',
      'meeting_outcome',
      'meeting outcome',
      'held_at',
    ],
    [
      'partners',
      'partners resellers channel partners',
      '',
      'commission_rate',
      'commission rate',
      'partner_tier',
      'partner tier',
      'signed_at',
    ],
    [
      'partner_deals',
      'partner deals referrals from resellers',
      'partners',
      'deal_amount',
      'partner deal value',
      'deal_stage',
      'deal stage',
      'registered_at',
    ],
    [
      'territories',
      'sales territories regions',
      '',
      'target_revenue',
      'revenue target',
      'territory_name',
      'territory',
      'created_at',
    ],
    [
      'contracts',
      'contracts agreements',
      'accounts',
      'contract_value',
      'contract value',
      'term_months',
      'contract term',
      'signed_at',
    ],
    [
      'renewals',
      'renewals contract renewals',
      'contracts',
      'renewal_value',
      'renewal value',
      'renewal_status',
      'renewal status',
      'due_at',
    ],
    [
      'health_scores',
      'customer health scores account health',
      'accounts',
      'health_score',
      'health score',
      'risk_band',
      'risk band',
      'scored_at',
    ],
  ],
};

/** Look-alike tables every entity gets: staging, raw load, archive, daily snapshot. */
const LOOK_ALIKES = [
  (t: string) => `stg_${t}`,
  (t: string) => `raw_${t}`,
  (t: string) => `${t}_archive`,
  (t: string) => `${t}_snapshot`,
];

export interface ScaleTable {
  name: string;
  domain: string;
  columns: { name: string; type: 'int' | 'text' | 'numeric' | 'timestamp'; references?: string }[];
}

export interface ScaleQuestion {
  id: string;
  question: string;
  tables: string[];
}

const singular = (t: string) => (t.endsWith('ies') ? `${t.slice(0, -3)}y` : t.endsWith('s') ? t.slice(0, -1) : t);

export function entities(): (Entity & { domain: string })[] {
  return Object.entries(DOMAINS).flatMap(([domain, specs]) =>
    specs.map(([table, words, parent, measure, measureWords, attribute, attributeWords, time]) => ({
      domain,
      table,
      words,
      parent: parent || undefined,
      measure,
      measureWords,
      attribute,
      attributeWords,
      time,
    })),
  );
}

export function scaleTables(): ScaleTable[] {
  const tables: ScaleTable[] = [];
  const names = new Set(entities().map((e) => e.table));
  for (const e of entities()) {
    const fk = e.parent && names.has(e.parent) ? e.parent : undefined;
    const columns: ScaleTable['columns'] = [
      { name: 'id', type: 'int' },
      ...(fk ? [{ name: `${singular(fk)}_id`, type: 'int' as const, references: fk }] : []),
      { name: e.measure, type: 'numeric' },
      { name: e.attribute, type: 'text' },
      { name: e.time, type: 'timestamp' },
      ...(e.time === 'updated_at' ? [] : [{ name: 'updated_at', type: 'timestamp' as const }]),
    ];
    const unique = columns.filter((c, i) => columns.findIndex((d) => d.name === c.name) === i);
    tables.push({ name: e.table, domain: e.domain, columns: unique });
    for (const alike of LOOK_ALIKES) {
      const extra = { name: '_loaded_at', type: 'timestamp' as const };
      tables.push({
        name: alike(e.table),
        domain: e.domain,
        columns: [...unique.map(({ references: _, ...c }) => c), extra],
      });
    }
  }
  return tables;
}

/** Questions in business words; three per entity: its measure over time, by its attribute, and with its parent. */
export function scaleQuestions(): ScaleQuestion[] {
  const all = entities();
  const byTable = new Map(all.map((e) => [e.table, e]));
  const out: ScaleQuestion[] = [];
  for (const e of all) {
    const noun = e.words.split(' ').slice(0, 2).join(' ');
    out.push({
      id: `${e.table}_total`,
      question: `What was the total ${e.measureWords} of ${noun} last quarter?`,
      tables: [e.table],
    });
    out.push({ id: `${e.table}_by_attr`, question: `Break down ${noun} by ${e.attributeWords}`, tables: [e.table] });
    const parent = e.parent ? byTable.get(e.parent) : undefined;
    if (parent) {
      const parentNoun = parent.words.split(' ')[0] ?? parent.table;
      out.push({
        id: `${e.table}_by_parent`,
        question: `Average ${e.measureWords} per ${singular(parentNoun)} with their ${parent.attributeWords}`,
        tables: [e.table, parent.table],
      });
    }
  }
  return out;
}

/** DDL for a dialect: tables in dependency order with foreign keys. */
export function scaleDdl(dialect: 'sqlite' | 'postgres'): string[] {
  const type = {
    int: 'INTEGER',
    text: 'TEXT',
    numeric: 'NUMERIC(14,2)',
    timestamp: dialect === 'postgres' ? 'TIMESTAMP' : 'TEXT',
  };
  const tables = scaleTables();
  const done = new Set<string>();
  const ordered: ScaleTable[] = [];
  const visit = (t: ScaleTable) => {
    if (done.has(t.name)) return;
    done.add(t.name);
    for (const c of t.columns) {
      const parent = c.references ? tables.find((x) => x.name === c.references) : undefined;
      if (parent) visit(parent);
    }
    ordered.push(t);
  };
  tables.forEach(visit);
  return ordered.map((t) => {
    const cols = t.columns.map(
      (c) =>
        `${c.name} ${type[c.type]}${c.name === 'id' ? ' PRIMARY KEY' : ''}${c.references ? ` REFERENCES ${c.references}(id)` : ''}`,
    );
    return `CREATE TABLE ${t.name} (${cols.join(', ')})`;
  });
}
