-- bench/pg/confirm.sql: one box confirmation as a web application would send it (pgbench
-- script; one transaction, synchronous_commit = on): mark the box confirmed, deduct its stamps
-- from the region's balance (refused if short), count it on the PO, append the ledger entry.
-- No pipelining: pgbench's \startpipeline does not allow \gset (results are not there yet when
-- the next statement needs them), and the region's row stays locked until the commit is synced,
-- so a client's next confirmation could not overtake it anyway. Depth 16 runs one client a station.
BEGIN;
UPDATE box SET status = 1, confirmed_by = 'stamper', station = :client_id, confirmed_at = now()
    WHERE id = (SELECT nextval('next_box')) AND status = 0
    RETURNING id AS box, po, units \gset
UPDATE region_balance SET balance = balance - :units, ledger_seq = ledger_seq + 1
    WHERE region = 'FED' AND balance >= :units
    RETURNING balance, ledger_seq \gset
UPDATE production_order SET boxes_done = boxes_done + 1, stamps_used = stamps_used + :units
    WHERE id = :po AND status = 'InProduction';
INSERT INTO ledger_entry (region, seq, at, kind, quantity, balance_after, po, box, user_name,
                          station, override)
    VALUES ('FED', :ledger_seq, now(), 'USAGE', 0 - :units, :balance, :po, :box, 'stamper',
            :client_id, false);
END;
