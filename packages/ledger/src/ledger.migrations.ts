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
);

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
