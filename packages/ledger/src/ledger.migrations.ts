import type { Migration } from '@homeward/pg-kit/migrations';

/** Migrations owner of the ledger's tables; a service applies them with `migrate(pool, LEDGER_OWNER, ledgerMigrations)`. */
export const LEDGER_OWNER = 'ledger';

/**
 * The ledger's schema. The database itself keeps the books right, whoever writes (docs/adr/0007):
 * - a transfer is ONE row naming the debited and the credited account and one amount, so every entry
 *   balances by construction — there is no half of a transfer to lose;
 * - balances live on the account row and are moved only by the trigger on inserting a transfer
 *   (`pg_trigger_depth()`: a direct UPDATE of a balance is refused), in the same statement;
 * - CHECK constraints on the account row are the flags: an account that must not be overdrawn cannot be,
 *   even by raw SQL;
 * - transfers are immutable (UPDATE, DELETE, TRUNCATE refused) and a pending transfer is resolved once
 *   (a unique index on `pending_id`);
 * - `ledger_execute` runs a batch of operations in one statement, each group (one transfer or a linked
 *   set) in its own subtransaction, and answers each one's outcome with the codes of the pure machine.
 */
export const ledgerMigrations: Migration[] = [
  {
    id: '0001_ledger',
    sql: `
CREATE TABLE ledger_accounts (
  id text PRIMARY KEY,
  code text NOT NULL,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  debits_must_not_exceed_credits boolean NOT NULL DEFAULT false,
  credits_must_not_exceed_debits boolean NOT NULL DEFAULT false,
  debits_posted bigint NOT NULL DEFAULT 0,
  credits_posted bigint NOT NULL DEFAULT 0,
  debits_pending bigint NOT NULL DEFAULT 0,
  credits_pending bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT ledger_balances_not_negative CHECK (debits_posted >= 0 AND credits_posted >= 0 AND debits_pending >= 0 AND credits_pending >= 0),
  CONSTRAINT ledger_exceeds_credits CHECK (NOT debits_must_not_exceed_credits OR debits_posted + debits_pending <= credits_posted),
  CONSTRAINT ledger_exceeds_debits CHECK (NOT credits_must_not_exceed_debits OR credits_posted + credits_pending <= debits_posted),
  CONSTRAINT ledger_flags_exclusive CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits))
) WITH (fillfactor = 10);
-- A hot account (the pool) is updated by every transfer: its row versions must stay on their page
-- (HOT updates, no index entry per version, pruned as they go) rather than bloat the primary key
-- until the next vacuum — measured: without, contended postings fell from ~700/s to ~270/s over 20,000.

CREATE TABLE ledger_transfers (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('single', 'pending', 'post', 'void')),
  -- No foreign keys: the trigger below finds both accounts (and the pending transfer) or refuses, accounts
  -- are never deleted, and a foreign key's check would take a second lock on the hottest rows per transfer.
  debit_account_id text NOT NULL,
  credit_account_id text NOT NULL,
  amount bigint NOT NULL CONSTRAINT ledger_amount_positive CHECK (amount > 0),
  currency text NOT NULL,
  code text NOT NULL,
  reference text,
  pending_id text,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT ledger_accounts_differ CHECK (debit_account_id <> credit_account_id),
  CONSTRAINT ledger_resolution_names_pending CHECK ((kind IN ('post', 'void')) = (pending_id IS NOT NULL))
);
CREATE UNIQUE INDEX ledger_transfers_resolved_once ON ledger_transfers (pending_id) WHERE pending_id IS NOT NULL;
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account_id, recorded_at);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account_id, recorded_at);
CREATE INDEX ledger_transfers_reference ON ledger_transfers (reference) WHERE reference IS NOT NULL;

-- Accounts are born empty, never deleted, and their identity and flags never change; balances move
-- only from inside the transfer trigger (depth 2), never by a direct UPDATE (depth 1). The UPDATE
-- trigger's WHEN clause is evaluated without calling the function, so a transfer's own updates pay nothing.
CREATE FUNCTION ledger_accounts_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger: accounts are never deleted' USING ERRCODE = 'integrity_constraint_violation';
  ELSIF TG_OP = 'INSERT' THEN
    RAISE EXCEPTION 'ledger: an account is created with zero balances' USING ERRCODE = 'integrity_constraint_violation';
  ELSIF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'ledger: balances change only through transfers' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RAISE EXCEPTION 'ledger: an account''s identity and flags never change' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER ledger_accounts_born_empty BEFORE INSERT ON ledger_accounts FOR EACH ROW
  WHEN (NEW.debits_posted <> 0 OR NEW.credits_posted <> 0 OR NEW.debits_pending <> 0 OR NEW.credits_pending <> 0)
  EXECUTE FUNCTION ledger_accounts_refuse();
CREATE TRIGGER ledger_accounts_never_deleted BEFORE DELETE ON ledger_accounts FOR EACH ROW EXECUTE FUNCTION ledger_accounts_refuse();
CREATE TRIGGER ledger_accounts_moved_by_transfers BEFORE UPDATE ON ledger_accounts FOR EACH ROW
  WHEN (pg_trigger_depth() < 1 OR NEW.id <> OLD.id OR NEW.code <> OLD.code OR NEW.currency <> OLD.currency OR NEW.created_at <> OLD.created_at
        OR NEW.debits_must_not_exceed_credits <> OLD.debits_must_not_exceed_credits
        OR NEW.credits_must_not_exceed_debits <> OLD.credits_must_not_exceed_debits)
  EXECUTE FUNCTION ledger_accounts_refuse();

CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: transfers are immutable (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER ledger_transfers_immutable BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();
CREATE TRIGGER ledger_transfers_not_truncated BEFORE TRUNCATE ON ledger_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfers_immutable();

-- Whether both accounts exist in the transfer's currency, and if not which check fails first (the pure
-- machine's order). NULL when both do. Used when an account update found no row, and when a limit refused
-- a transfer whose other account might not exist (the debit's CHECK fires before the credit is looked at).
CREATE FUNCTION ledger_accounts_problem(debit_id text, credit_id text, wanted text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  d text;
  c text;
BEGIN
  SELECT currency INTO d FROM ledger_accounts WHERE id = debit_id;
  IF NOT FOUND THEN RETURN 'debit-account-not-found'; END IF;
  SELECT currency INTO c FROM ledger_accounts WHERE id = credit_id;
  IF NOT FOUND THEN RETURN 'credit-account-not-found'; END IF;
  IF d <> wanted OR c <> wanted THEN RETURN 'currency-mismatch'; END IF;
  RETURN NULL;
END $$;

-- Why an account update found no row: the same order of checks as the pure machine.
CREATE FUNCTION ledger_account_problem(debit_id text, credit_id text, wanted text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  d text;
  c text;
BEGIN
  SELECT currency INTO d FROM ledger_accounts WHERE id = debit_id;
  IF NOT FOUND THEN RETURN 'debit-account-not-found'; END IF;
  SELECT currency INTO c FROM ledger_accounts WHERE id = credit_id;
  IF NOT FOUND THEN RETURN 'credit-account-not-found'; END IF;
  RETURN 'currency-mismatch';
END $$;

-- Every transfer row moves the balances of its two accounts, in the statement that inserts it; the
-- accounts' CHECK constraints then refuse an overdraft. Errors carry the pure machine's codes.
CREATE FUNCTION ledger_transfers_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pending ledger_transfers;
  resolved_kind text;
  posted bigint := 0;
  pending_delta bigint := 0;
BEGIN
  NEW.recorded_at := clock_timestamp();
  IF NEW.kind IN ('post', 'void') THEN
    -- Resolutions of one pending transfer queue here (a row lock; the row itself never changes), so the
    -- second of two racing posts sees the first's resolution below instead of moving the balances again.
    SELECT * INTO pending FROM ledger_transfers WHERE id = NEW.pending_id FOR NO KEY UPDATE;
    IF NOT FOUND OR pending.kind <> 'pending' THEN
      RAISE EXCEPTION 'pending-not-found' USING ERRCODE = 'raise_exception';
    END IF;
    SELECT kind INTO resolved_kind FROM ledger_transfers WHERE pending_id = NEW.pending_id;
    IF FOUND THEN
      RAISE EXCEPTION '%', CASE resolved_kind WHEN 'post' THEN 'already-posted' ELSE 'already-voided' END USING ERRCODE = 'raise_exception';
    END IF;
    IF NEW.debit_account_id <> pending.debit_account_id OR NEW.credit_account_id <> pending.credit_account_id
       OR NEW.currency <> pending.currency OR NEW.code <> pending.code OR NEW.reference IS DISTINCT FROM pending.reference THEN
      RAISE EXCEPTION 'resolution-differs-from-pending' USING ERRCODE = 'raise_exception';
    END IF;
    IF NEW.amount > pending.amount THEN
      RAISE EXCEPTION 'exceeds-pending-amount' USING ERRCODE = 'raise_exception';
    END IF;
    IF NEW.kind = 'void' AND NEW.amount <> pending.amount THEN
      RAISE EXCEPTION 'void-amount-differs' USING ERRCODE = 'raise_exception';
    END IF;
    posted := CASE NEW.kind WHEN 'post' THEN NEW.amount ELSE 0 END;
    pending_delta := -pending.amount;
  ELSIF NEW.kind = 'pending' THEN
    pending_delta := NEW.amount;
  ELSE
    posted := NEW.amount;
  END IF;

  UPDATE ledger_accounts SET debits_posted = debits_posted + posted, debits_pending = debits_pending + pending_delta
   WHERE id = NEW.debit_account_id AND currency = NEW.currency;
  IF NOT FOUND THEN
    RAISE EXCEPTION '%', ledger_account_problem(NEW.debit_account_id, NEW.credit_account_id, NEW.currency) USING ERRCODE = 'raise_exception';
  END IF;
  UPDATE ledger_accounts SET credits_posted = credits_posted + posted, credits_pending = credits_pending + pending_delta
   WHERE id = NEW.credit_account_id AND currency = NEW.currency;
  IF NOT FOUND THEN
    RAISE EXCEPTION '%', ledger_account_problem(NEW.debit_account_id, NEW.credit_account_id, NEW.currency) USING ERRCODE = 'raise_exception';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_transfers_apply BEFORE INSERT ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_transfers_apply();

CREATE FUNCTION ledger_transfer_json(t ledger_transfers) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('id', t.id, 'kind', t.kind, 'debitAccountId', t.debit_account_id, 'creditAccountId', t.credit_account_id,
    'amountMinor', t.amount::text, 'currency', t.currency, 'code', t.code, 'reference', t.reference, 'pendingId', t.pending_id,
    'recordedAt', t.recorded_at)
$$;

-- One operation: raises with a code when refused, answers {status, transfer} when done or already done.
CREATE FUNCTION ledger_execute_one(op jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  kind text := op->>'kind';
  amount bigint := (op->>'amountMinor')::bigint;
  existing ledger_transfers;
  pending ledger_transfers;
  wanted ledger_transfers;
  inserted ledger_transfers;
BEGIN
  -- Two requests with the same transfer id queue here until the first commits; the second then finds
  -- it (a new snapshot per statement) and answers exists or transfer-id-reused — never a limit refusal
  -- that the first's balances caused.
  PERFORM pg_advisory_xact_lock(hashtext('ledger:' || (op->>'id')));
  IF kind = 'transfer' THEN
    IF amount <= 0 THEN RAISE EXCEPTION 'amount-not-positive' USING ERRCODE = 'raise_exception'; END IF;
    IF op->>'debitAccountId' = op->>'creditAccountId' THEN RAISE EXCEPTION 'accounts-same' USING ERRCODE = 'raise_exception'; END IF;
    wanted.id := op->>'id';
    wanted.kind := CASE WHEN coalesce((op->>'pending')::boolean, false) THEN 'pending' ELSE 'single' END;
    wanted.debit_account_id := op->>'debitAccountId';
    wanted.credit_account_id := op->>'creditAccountId';
    wanted.amount := amount;
    wanted.currency := op->>'currency';
    wanted.code := op->>'code';
    wanted.reference := op->>'reference';
    SELECT * INTO existing FROM ledger_transfers WHERE id = wanted.id;
  ELSIF kind IN ('post', 'void') THEN
    IF kind = 'post' AND amount IS NOT NULL AND amount <= 0 THEN RAISE EXCEPTION 'amount-not-positive' USING ERRCODE = 'raise_exception'; END IF;
    SELECT * INTO existing FROM ledger_transfers WHERE id = op->>'id';
    SELECT * INTO pending FROM ledger_transfers WHERE id = op->>'pendingId';
    IF pending.id IS NULL OR pending.kind <> 'pending' THEN
      IF existing.id IS NOT NULL THEN RAISE EXCEPTION 'transfer-id-reused' USING ERRCODE = 'raise_exception'; END IF;
      RAISE EXCEPTION 'pending-not-found' USING ERRCODE = 'raise_exception';
    END IF;
    wanted.id := op->>'id';
    wanted.kind := kind;
    wanted.debit_account_id := pending.debit_account_id;
    wanted.credit_account_id := pending.credit_account_id;
    wanted.amount := CASE WHEN kind = 'post' THEN coalesce(amount, pending.amount) ELSE pending.amount END;
    wanted.currency := pending.currency;
    wanted.code := pending.code;
    wanted.reference := pending.reference;
    wanted.pending_id := pending.id;
  ELSE
    RAISE EXCEPTION 'ledger: unknown operation kind %', kind;
  END IF;

  IF existing.id IS NOT NULL THEN
    IF (existing.kind, existing.debit_account_id, existing.credit_account_id, existing.amount, existing.currency, existing.code)
         = (wanted.kind, wanted.debit_account_id, wanted.credit_account_id, wanted.amount, wanted.currency, wanted.code)
       AND existing.reference IS NOT DISTINCT FROM wanted.reference AND existing.pending_id IS NOT DISTINCT FROM wanted.pending_id THEN
      RETURN jsonb_build_object('status', 'exists', 'transfer', ledger_transfer_json(existing));
    END IF;
    RAISE EXCEPTION 'transfer-id-reused' USING ERRCODE = 'raise_exception';
  END IF;

  INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, currency, code, reference, pending_id)
  VALUES (wanted.id, wanted.kind, wanted.debit_account_id, wanted.credit_account_id, wanted.amount, wanted.currency, wanted.code,
          wanted.reference, wanted.pending_id)
  RETURNING * INTO inserted;
  RETURN jsonb_build_object('status', 'created', 'transfer', ledger_transfer_json(inserted));
END $$;

-- A batch: an array of groups, each an array of operations applied all or nothing. Answers, per group,
-- an array of outcomes. A group that loses a race on a transfer id or a pending transfer (a unique
-- violation) is run again: the second time it sees the winner and answers exists / already-posted.
-- Deadlocks and serialization failures are not caught: the whole statement fails and the caller retries.
CREATE FUNCTION ledger_execute(batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  grp jsonb;
  op jsonb;
  results jsonb;
  answer jsonb := '[]'::jsonb;
  failed_at int;
  i int;
  attempt int;
  message text;
  constraint_name text;
  code text;
BEGIN
  FOR grp IN SELECT value FROM jsonb_array_elements(batch) LOOP
    attempt := 0;
    LOOP
      attempt := attempt + 1;
      failed_at := NULL;
      code := NULL;
      BEGIN
        results := '[]'::jsonb;
        i := 0;
        FOR op IN SELECT value FROM jsonb_array_elements(grp) LOOP
          failed_at := i;
          results := results || jsonb_build_array(jsonb_build_object('ok', true, 'id', op->>'id') || ledger_execute_one(op));
          i := i + 1;
        END LOOP;
        failed_at := NULL;
      EXCEPTION
        WHEN raise_exception OR check_violation THEN
          GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, constraint_name = CONSTRAINT_NAME;
          code := CASE constraint_name
            WHEN 'ledger_exceeds_credits' THEN 'exceeds-credits'
            WHEN 'ledger_exceeds_debits' THEN 'exceeds-debits'
            ELSE message END;
          IF code IN ('exceeds-credits', 'exceeds-debits') AND grp->failed_at->>'kind' = 'transfer' THEN
            code := coalesce(ledger_accounts_problem(grp->failed_at->>'debitAccountId', grp->failed_at->>'creditAccountId', grp->failed_at->>'currency'), code);
          END IF;
        WHEN unique_violation THEN
          IF attempt < 3 THEN CONTINUE; END IF;
          RAISE;
      END;
      EXIT;
    END LOOP;
    IF failed_at IS NOT NULL THEN
      SELECT jsonb_agg(CASE WHEN ordinality - 1 = failed_at
                            THEN jsonb_build_object('ok', false, 'id', value->>'id', 'code', code)
                            ELSE jsonb_build_object('ok', false, 'id', value->>'id', 'code', 'linked-event-failed') END ORDER BY ordinality)
        INTO results FROM jsonb_array_elements(grp) WITH ORDINALITY;
    END IF;
    answer := answer || jsonb_build_array(results);
  END LOOP;
  RETURN answer;
END $$;
`,
  },
  {
    // A batch's transfers checked together (issue 13's benchmark): balances move once per statement and
    // account instead of twice per row, and a batch of plain transfers is one INSERT; one by one only
    // when that batch is refused somewhere (docs/adr/0007).
    id: '0002_ledger_batch_moves',
    sql: `
DROP TRIGGER ledger_transfers_apply ON ledger_transfers;
DROP FUNCTION ledger_transfers_apply();

-- Per row, before it is written: the database's clock, and a resolution's checks against its pending
-- transfer (the balances are moved per statement, below).
CREATE FUNCTION ledger_transfers_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pending ledger_transfers;
  resolved_kind text;
BEGIN
  NEW.recorded_at := clock_timestamp();
  IF NEW.kind IN ('post', 'void') THEN
    -- Resolutions of one pending transfer queue here (a row lock; the row itself never changes), so the
    -- second of two racing posts sees the first's resolution below instead of moving the balances again.
    SELECT * INTO pending FROM ledger_transfers WHERE id = NEW.pending_id FOR NO KEY UPDATE;
    IF NOT FOUND OR pending.kind <> 'pending' THEN
      RAISE EXCEPTION 'pending-not-found' USING ERRCODE = 'raise_exception';
    END IF;
    SELECT kind INTO resolved_kind FROM ledger_transfers WHERE pending_id = NEW.pending_id;
    IF FOUND THEN
      RAISE EXCEPTION '%', CASE resolved_kind WHEN 'post' THEN 'already-posted' ELSE 'already-voided' END USING ERRCODE = 'raise_exception';
    END IF;
    IF NEW.debit_account_id <> pending.debit_account_id OR NEW.credit_account_id <> pending.credit_account_id
       OR NEW.currency <> pending.currency OR NEW.code <> pending.code OR NEW.reference IS DISTINCT FROM pending.reference THEN
      RAISE EXCEPTION 'resolution-differs-from-pending' USING ERRCODE = 'raise_exception';
    END IF;
    IF NEW.amount > pending.amount THEN
      RAISE EXCEPTION 'exceeds-pending-amount' USING ERRCODE = 'raise_exception';
    END IF;
    IF NEW.kind = 'void' AND NEW.amount <> pending.amount THEN
      RAISE EXCEPTION 'void-amount-differs' USING ERRCODE = 'raise_exception';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_transfers_check BEFORE INSERT ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_transfers_check();

-- Per statement, after its rows are written: every account's balances move by the sum of the statement's
-- transfers on it — the debited accounts first, then the credited, each in id order (two statements on
-- the same accounts lock them in the same order) — and the accounts' CHECK constraints refuse an
-- overdraft. A transfer naming an account that does not exist in its currency is refused with the pure
-- machine's code, the first such transfer of the statement deciding it.
CREATE FUNCTION ledger_transfers_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wanted bigint;
  moved bigint;
  missing ledger_transfers;
BEGIN
  WITH moves AS (
    SELECT t.debit_account_id AS account_id, t.currency,
           sum(CASE WHEN t.kind IN ('single', 'post') THEN t.amount ELSE 0 END)::bigint AS posted,
           sum(CASE t.kind WHEN 'pending' THEN t.amount WHEN 'single' THEN 0 ELSE -p.amount END)::bigint AS pending
      FROM added t LEFT JOIN ledger_transfers p ON p.id = t.pending_id
     GROUP BY t.debit_account_id, t.currency
  ), locked AS (
    SELECT a.id FROM ledger_accounts a JOIN moves m ON a.id = m.account_id AND a.currency = m.currency ORDER BY a.id FOR NO KEY UPDATE OF a
  ), updated AS (
    UPDATE ledger_accounts a SET debits_posted = a.debits_posted + m.posted, debits_pending = a.debits_pending + m.pending
      FROM moves m WHERE a.id = m.account_id AND a.currency = m.currency AND a.id IN (SELECT id FROM locked)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM moves), (SELECT count(*) FROM updated) INTO wanted, moved;
  IF moved <> wanted THEN
    SELECT t.* INTO missing FROM added t
     WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = t.debit_account_id AND a.currency = t.currency) ORDER BY t.seq LIMIT 1;
    RAISE EXCEPTION '%', ledger_account_problem(missing.debit_account_id, missing.credit_account_id, missing.currency) USING ERRCODE = 'raise_exception';
  END IF;

  WITH moves AS (
    SELECT t.credit_account_id AS account_id, t.currency,
           sum(CASE WHEN t.kind IN ('single', 'post') THEN t.amount ELSE 0 END)::bigint AS posted,
           sum(CASE t.kind WHEN 'pending' THEN t.amount WHEN 'single' THEN 0 ELSE -p.amount END)::bigint AS pending
      FROM added t LEFT JOIN ledger_transfers p ON p.id = t.pending_id
     GROUP BY t.credit_account_id, t.currency
  ), locked AS (
    SELECT a.id FROM ledger_accounts a JOIN moves m ON a.id = m.account_id AND a.currency = m.currency ORDER BY a.id FOR NO KEY UPDATE OF a
  ), updated AS (
    UPDATE ledger_accounts a SET credits_posted = a.credits_posted + m.posted, credits_pending = a.credits_pending + m.pending
      FROM moves m WHERE a.id = m.account_id AND a.currency = m.currency AND a.id IN (SELECT id FROM locked)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM moves), (SELECT count(*) FROM updated) INTO wanted, moved;
  IF moved <> wanted THEN
    SELECT t.* INTO missing FROM added t
     WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.id = t.credit_account_id AND a.currency = t.currency) ORDER BY t.seq LIMIT 1;
    RAISE EXCEPTION '%', ledger_account_problem(missing.debit_account_id, missing.credit_account_id, missing.currency) USING ERRCODE = 'raise_exception';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_transfers_move AFTER INSERT ON ledger_transfers
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfers_move();

CREATE OR REPLACE FUNCTION ledger_execute(batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  grp jsonb;
  op jsonb;
  results jsonb;
  answer jsonb := '[]'::jsonb;
  failed_at int;
  i int;
  attempt int;
  message text;
  constraint_name text;
  code text;
BEGIN
  -- All at once, when every group is one plain transfer and no account is debited by one and credited by
  -- another (then each account only moves one way in the batch, so the batch passes its limits exactly
  -- when each transfer in turn would): one INSERT, balances moved per account. Any refusal or race, and
  -- the batch runs one by one below, as if this had not been tried.
  IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(batch) g WHERE jsonb_array_length(g.value) <> 1 OR g.value->0->>'kind' <> 'transfer')
     AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(batch) d JOIN jsonb_array_elements(batch) c
                      ON d.value->0->>'debitAccountId' = c.value->0->>'creditAccountId') THEN
    BEGIN
      WITH items AS (
        SELECT b.n, b.value->0 AS item FROM jsonb_array_elements(batch) WITH ORDINALITY AS b(value, n)
      ), inserted AS (
        INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, currency, code, reference)
        SELECT item->>'id', CASE WHEN coalesce((item->>'pending')::boolean, false) THEN 'pending' ELSE 'single' END,
               item->>'debitAccountId', item->>'creditAccountId', (item->>'amountMinor')::bigint, item->>'currency', item->>'code',
               item->>'reference'
          FROM items ORDER BY items.n
        RETURNING *
      )
      SELECT jsonb_agg(jsonb_build_array(jsonb_build_object('ok', true, 'id', t.id, 'status', 'created', 'transfer', ledger_transfer_json(t)))
                       ORDER BY items.n)
        INTO answer FROM inserted t JOIN items ON items.item->>'id' = t.id;
      IF jsonb_array_length(answer) = jsonb_array_length(batch) THEN RETURN answer; END IF;
      RAISE EXCEPTION 'ledger: a batch''s ids repeat' USING ERRCODE = 'raise_exception';
    EXCEPTION
      -- A refusal (a limit, an unknown account, a used id, a bad amount): the batch runs one by one. A
      -- deadlock, a serialization failure or anything else concerns the whole statement and is raised.
      WHEN raise_exception OR check_violation OR unique_violation OR not_null_violation OR numeric_value_out_of_range
           OR invalid_text_representation THEN
        answer := '[]'::jsonb;
    END;
  END IF;

  FOR grp IN SELECT value FROM jsonb_array_elements(batch) LOOP
    attempt := 0;
    LOOP
      attempt := attempt + 1;
      failed_at := NULL;
      code := NULL;
      BEGIN
        results := '[]'::jsonb;
        i := 0;
        FOR op IN SELECT value FROM jsonb_array_elements(grp) LOOP
          failed_at := i;
          results := results || jsonb_build_array(jsonb_build_object('ok', true, 'id', op->>'id') || ledger_execute_one(op));
          i := i + 1;
        END LOOP;
        failed_at := NULL;
      EXCEPTION
        WHEN raise_exception OR check_violation THEN
          GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, constraint_name = CONSTRAINT_NAME;
          code := CASE constraint_name
            WHEN 'ledger_exceeds_credits' THEN 'exceeds-credits'
            WHEN 'ledger_exceeds_debits' THEN 'exceeds-debits'
            ELSE message END;
          IF code IN ('exceeds-credits', 'exceeds-debits') AND grp->failed_at->>'kind' = 'transfer' THEN
            code := coalesce(ledger_accounts_problem(grp->failed_at->>'debitAccountId', grp->failed_at->>'creditAccountId', grp->failed_at->>'currency'), code);
          END IF;
        WHEN unique_violation THEN
          IF attempt < 3 THEN CONTINUE; END IF;
          RAISE;
      END;
      EXIT;
    END LOOP;
    IF failed_at IS NOT NULL THEN
      SELECT jsonb_agg(CASE WHEN ordinality - 1 = failed_at
                            THEN jsonb_build_object('ok', false, 'id', value->>'id', 'code', code)
                            ELSE jsonb_build_object('ok', false, 'id', value->>'id', 'code', 'linked-event-failed') END ORDER BY ordinality)
        INTO results FROM jsonb_array_elements(grp) WITH ORDINALITY;
    END IF;
    answer := answer || jsonb_build_array(results);
  END LOOP;
  RETURN answer;
END $$;
`,
  },
];
