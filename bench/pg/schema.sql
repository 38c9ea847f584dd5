-- bench/pg/schema.sql: the tables a web application on PostgreSQL would keep for one stamp run,
-- shaped like stampd's state for the same workload (stamp-scan --setup): one hot region balance
-- (Federal), POs of 100,000 boxes, 10 units a box, and an append-only ledger. Filled by
-- bench/pg/populate.sql; one confirmation is bench/pg/confirm.sql.
DROP TABLE IF EXISTS ledger_entry, box, production_order, region_balance;
DROP SEQUENCE IF EXISTS next_box;

CREATE TABLE region_balance (
    region      text   PRIMARY KEY,
    balance     bigint NOT NULL,
    ledger_seq  bigint NOT NULL       -- the region's ledger sequence (SPEC §8)
);

CREATE TABLE production_order (
    id              integer PRIMARY KEY,
    status          text    NOT NULL,
    boxes_done      integer NOT NULL DEFAULT 0,
    stamps_used     bigint  NOT NULL DEFAULT 0
);

CREATE TABLE box (
    id            integer  PRIMARY KEY,
    barcode       text     NOT NULL UNIQUE,
    po            integer  NOT NULL REFERENCES production_order (id),
    units         integer  NOT NULL,
    status        smallint NOT NULL DEFAULT 0,   -- 0 pending, 1 confirmed, 2 skipped
    confirmed_by  text,
    station       integer,
    confirmed_at  timestamptz
);

CREATE TABLE ledger_entry (
    region         text        NOT NULL,
    seq            bigint      NOT NULL,
    at             timestamptz NOT NULL,
    kind           text        NOT NULL,
    quantity       bigint      NOT NULL,
    balance_after  bigint      NOT NULL,
    po             integer     NOT NULL,
    box            integer     NOT NULL,
    user_name      text        NOT NULL,
    station        integer     NOT NULL,
    override       boolean     NOT NULL,
    PRIMARY KEY (region, seq)
);

-- The next box a station scans: stands in for the barcode a scanner reads, so that every
-- confirmation takes a distinct pending box without a read round trip of its own.
CREATE SEQUENCE next_box;
