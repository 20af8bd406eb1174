/// The PostgreSQL store's tables: what the SQLite store keeps (its migrations v1 to v5), in one
/// first version. Instants are `timestamptz`, money `bigint` fen, civil dates `date`.
public enum PostgresSchema {
    /// Fills `outbox_search` from `outbox` (a migration, and `fafang migrate` after copying).
    public static let rebuildSearch = [
        "DELETE FROM outbox_search",
        """
        INSERT INTO outbox_search (id, payee_id, village, project_code, recipient_tail, batch_id)
        SELECT id, payee_id, village, project_code, recipient_tail, batch_id FROM outbox
        """,
    ]

    public static let migrations: [PostgresMigrator.Migration] = [
        PostgresMigrator.Migration(version: 1, name: "ledger, events, outbox, health, approval, audit", statements: [
            """
            CREATE TABLE ledger_entry (
                id bigserial PRIMARY KEY,
                bank_reference text NOT NULL UNIQUE,
                project_code text NOT NULL,
                payee_id text NOT NULL,
                amount_fen bigint NOT NULL CHECK (amount_fen > 0),
                paid_on date NOT NULL,
                source text NOT NULL,
                recorded_by text,
                recorded_at timestamptz NOT NULL)
            """,
            "CREATE INDEX ledger_entry_payee ON ledger_entry (project_code, payee_id)",
            """
            CREATE TABLE ledger_day_total (
                project_code text NOT NULL, paid_on date NOT NULL, amount_fen bigint NOT NULL, entries integer NOT NULL,
                PRIMARY KEY (project_code, paid_on))
            """,
            """
            CREATE TABLE emitted_event (
                key text PRIMARY KEY, kind text NOT NULL, project_code text NOT NULL, emitted_at timestamptz NOT NULL,
                event jsonb, problem text)
            """,
            "CREATE INDEX emitted_event_unrouted ON emitted_event (key) WHERE problem IS NOT NULL",
            """
            CREATE TABLE approval_batch (
                id bigserial PRIMARY KEY, project_code text NOT NULL, day date NOT NULL, state text NOT NULL,
                message_count integer NOT NULL DEFAULT 0, total_fen bigint NOT NULL DEFAULT 0, segments integer NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL, decided_by text, decided_at timestamptz, reason text)
            """,
            "CREATE UNIQUE INDEX approval_batch_open ON approval_batch (project_code, day) WHERE state = 'open'",
            """
            CREATE TABLE approval_batch_recorder (
                batch_id bigint NOT NULL REFERENCES approval_batch (id), recorded_by text NOT NULL, PRIMARY KEY (batch_id, recorded_by))
            """,
            """
            CREATE TABLE outbox (
                id bigserial PRIMARY KEY,
                idempotency_key text NOT NULL UNIQUE,
                event_key text NOT NULL REFERENCES emitted_event (key),
                kind text NOT NULL, project_code text NOT NULL, channel text NOT NULL, gateway text NOT NULL,
                recipient text NOT NULL, recipient_tail text, village text, payee_id text,
                text text NOT NULL, title text, template_parameters text,
                state text NOT NULL, attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL,
                lease_owner text, lease_expires_at timestamptz, gateway_reference text, last_error text,
                batch_id bigint REFERENCES approval_batch (id), amount_fen bigint, segments integer NOT NULL DEFAULT 1, recorded_by text,
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)
            """,
            "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",
            "CREATE INDEX outbox_reference_recipient ON outbox (gateway_reference, recipient)",
            "CREATE INDEX outbox_batch ON outbox (batch_id)",
            "CREATE INDEX outbox_payee ON outbox (payee_id)",
            "CREATE INDEX outbox_village ON outbox (village)",
            "CREATE INDEX outbox_project ON outbox (project_code)",
            "CREATE INDEX outbox_recipient_tail ON outbox (recipient_tail)",
            "CREATE INDEX outbox_dead ON outbox (id) WHERE state = 'dead'",
            "CREATE INDEX outbox_failed ON outbox (id) WHERE state = 'failed'",
            "CREATE INDEX outbox_rejected ON outbox (id) WHERE state = 'rejected'",
            "CREATE INDEX outbox_held ON outbox (id) WHERE state = 'held'",
            """
            CREATE TABLE delivery_attempt (
                id bigserial PRIMARY KEY, outbox_id bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE, number integer NOT NULL,
                started_at timestamptz NOT NULL, duration_ms integer NOT NULL, http_status integer, curl_code integer,
                verdict text NOT NULL, detail text NOT NULL)
            """,
            "CREATE INDEX delivery_attempt_outbox ON delivery_attempt (outbox_id)",
            "CREATE INDEX delivery_attempt_started ON delivery_attempt (started_at)",
            """
            CREATE TABLE delivery_receipt (
                id bigserial PRIMARY KEY, outbox_id bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
                received_at timestamptz NOT NULL, status text NOT NULL, detail text NOT NULL)
            """,
            "CREATE INDEX delivery_receipt_outbox ON delivery_receipt (outbox_id)",
            """
            CREATE TABLE gateway_state (
                name text PRIMARY KEY, paused boolean NOT NULL DEFAULT false, failing_since timestamptz, paused_at timestamptz,
                reason text, failures integer NOT NULL DEFAULT 0, pause_cause text, next_probe_at timestamptz)
            """,
            """
            CREATE TABLE audit_log (
                id bigserial PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL, action text NOT NULL,
                subject text NOT NULL, detail text NOT NULL)
            """,
        ]),
        PostgresMigrator.Migration(version: 2, name: "claims by partial indexes", statements: [
            // A claim walks the due pending rows, and the expired leases in the order they ran out.
            "CREATE INDEX outbox_lease ON outbox (lease_expires_at, id) WHERE state = 'sending'",
            "CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE state = 'pending'",
        ]),
        PostgresMigrator.Migration(version: 3, name: "rate limits shared by daemons", statements: [
            // One row per slot taken (a robot message, a phone's first SMS of a notice), kept for
            // its window: every daemon counts against the same limits.
            "CREATE TABLE rate_slot (limiter text NOT NULL, key text NOT NULL, taken_at timestamptz NOT NULL)",
            "CREATE INDEX rate_slot_key ON rate_slot (limiter, key, taken_at)",
        ]),
        PostgresMigrator.Migration(version: 4, name: "the console's search indexes off the hot outbox", statements: [
            // Every change of a message's state rewrites its row, and PostgreSQL then adds an entry
            // to every index of the table: with the console's five search indexes on `outbox` a
            // claim and a commit wrote about ten index entries each. The searched columns, which
            // never change, are kept once more in `outbox_search`, indexed there; `outbox` keeps
            // only what claims, receipts and the few-state lists need.
            """
            CREATE TABLE outbox_search (
                id bigint PRIMARY KEY, payee_id text, village text, project_code text NOT NULL, recipient_tail text, batch_id bigint)
            """,
        ] + rebuildSearch + [
            "CREATE INDEX outbox_search_payee ON outbox_search (payee_id) WHERE payee_id IS NOT NULL",
            "CREATE INDEX outbox_search_village ON outbox_search (village) WHERE village IS NOT NULL",
            "CREATE INDEX outbox_search_project ON outbox_search (project_code)",
            "CREATE INDEX outbox_search_tail ON outbox_search (recipient_tail) WHERE recipient_tail IS NOT NULL",
            "CREATE INDEX outbox_search_batch ON outbox_search (batch_id) WHERE batch_id IS NOT NULL",
            "DROP INDEX outbox_payee",
            "DROP INDEX outbox_village",
            "DROP INDEX outbox_project",
            "DROP INDEX outbox_recipient_tail",
            "DROP INDEX outbox_batch",
            // The pending and leased rows have partial indexes of their own (version 2).
            "DROP INDEX outbox_due",
            // Webhooks have no gateway reference: only SMS rows need an entry.
            "DROP INDEX outbox_reference_recipient",
            "CREATE INDEX outbox_reference_recipient ON outbox (gateway_reference, recipient) WHERE gateway_reference IS NOT NULL",
        ]),
        PostgresMigrator.Migration(version: 5, name: "inquiries", statements: [
            // Inbound SMS, one row per provider id; a phone's replies of the day are counted on
            // the rows answered.
            """
            CREATE TABLE inquiry (
                id bigserial PRIMARY KEY, intake text NOT NULL, provider_id text NOT NULL, phone text NOT NULL,
                received_at timestamptz NOT NULL, outcome text NOT NULL, payees integer NOT NULL, outbox_id bigint REFERENCES outbox (id),
                UNIQUE (intake, provider_id))
            """,
            "CREATE INDEX inquiry_replied ON inquiry (phone, received_at) WHERE outcome = 'replied'",
        ]),
        PostgresMigrator.Migration(version: 6, name: "space probe", statements: [
            // Written and emptied again by `probeSpace` while the disk is full: never holds a
            // row. Stored as it is (no compression), so 64 KiB written are 64 KiB on disk.
            "CREATE TABLE space_probe (id bigserial PRIMARY KEY, filler bytea NOT NULL)",
            "ALTER TABLE space_probe ALTER COLUMN filler SET STORAGE EXTERNAL",
        ]),
    ]
}
