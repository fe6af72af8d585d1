/** Version of the layout below; a run directory records it so later versions can migrate. */
export const STORE_SCHEMA_VERSION = 1;

export const STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS run_metadata (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenarios (
  scenario_id TEXT PRIMARY KEY,
  content_hash TEXT NOT NULL,
  file TEXT NOT NULL,
  source_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trials (
  trial_id TEXT PRIMARY KEY,
  ordinal INTEGER NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  scenario_id TEXT NOT NULL,
  levels_json TEXT NOT NULL,
  arm TEXT NOT NULL,
  sample INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'complete', 'error')),
  error TEXT,
  simulated INTEGER NOT NULL DEFAULT 0,
  prefix_hash TEXT,
  finished_at TEXT
);
-- Texts are stored once and referred to by id: scripted turns repeat in every trial.
CREATE TABLE IF NOT EXISTS texts (
  text_id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
  trial_id TEXT NOT NULL REFERENCES trials(trial_id),
  turn_index INTEGER NOT NULL,
  role TEXT NOT NULL,
  source TEXT NOT NULL,
  step_id TEXT,
  followup INTEGER NOT NULL,
  content_id INTEGER NOT NULL REFERENCES texts(text_id),
  judged INTEGER NOT NULL,
  reasoning_id INTEGER REFERENCES texts(text_id),
  output_id INTEGER REFERENCES texts(text_id),
  reasoning_status TEXT,
  parse_rule TEXT,
  response_json TEXT,
  PRIMARY KEY (trial_id, turn_index)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verdicts (
  trial_id TEXT NOT NULL,
  turn_index INTEGER NOT NULL,
  verdict_set TEXT NOT NULL,
  judge TEXT NOT NULL,
  position INTEGER NOT NULL,
  undesired TEXT,
  reasoning TEXT,
  consistency TEXT,
  quotes_json TEXT NOT NULL,
  rationale TEXT NOT NULL,
  inconclusive_reason TEXT,
  usage_json TEXT,
  PRIMARY KEY (trial_id, turn_index, verdict_set, judge),
  FOREIGN KEY (trial_id, turn_index) REFERENCES turns(trial_id, turn_index)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outcomes (
  trial_id TEXT NOT NULL,
  turn_index INTEGER NOT NULL,
  verdict_set TEXT NOT NULL,
  followup INTEGER NOT NULL,
  undesired TEXT NOT NULL,
  reasoning_status TEXT NOT NULL,
  consistency TEXT NOT NULL,
  deception TEXT NOT NULL,
  PRIMARY KEY (trial_id, turn_index, verdict_set),
  FOREIGN KEY (trial_id, turn_index) REFERENCES turns(trial_id, turn_index)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS human_labels (
  trial_id TEXT NOT NULL,
  turn_index INTEGER NOT NULL,
  labeller TEXT NOT NULL,
  undesired TEXT CHECK (undesired IN ('yes', 'no')),
  consistency TEXT CHECK (consistency IN ('consistent', 'inconsistent', 'not_applicable')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (trial_id, turn_index, labeller)
) WITHOUT ROWID;
-- The model call behind each generated turn (verdict_set '') and each judge's calls in a verdict
-- set: messages and settings, the request and response bodies with long strings as text ids
-- (src/store/call-records.ts), and the attempts that failed first. Runs before it lack it. A rowid
-- table: its rows of a kilobyte or more would each take whole overflow pages WITHOUT ROWID.
CREATE TABLE IF NOT EXISTS calls (
  call_id INTEGER PRIMARY KEY,
  trial_id TEXT NOT NULL,
  turn_index INTEGER NOT NULL,
  verdict_set TEXT NOT NULL,
  caller TEXT NOT NULL,
  position INTEGER NOT NULL,
  request_json TEXT NOT NULL,
  reply_json TEXT,
  response_json TEXT,
  exchange_json TEXT,
  attempts_json TEXT,
  UNIQUE (trial_id, turn_index, verdict_set, caller, position),
  FOREIGN KEY (trial_id, turn_index) REFERENCES turns(trial_id, turn_index)
);
CREATE INDEX IF NOT EXISTS trials_by_status ON trials(status, ordinal);
-- Pairs the arms of one sample: refusal and rebuttal trials meet on these columns.
CREATE INDEX IF NOT EXISTS trials_by_sample ON trials(subject, scenario_id, levels_json, sample, arm);
CREATE INDEX IF NOT EXISTS outcomes_by_followup ON outcomes(verdict_set, followup);
`;
