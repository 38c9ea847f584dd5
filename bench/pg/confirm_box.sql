-- bench/pg/confirm_box.sql: the same confirmation as bench/pg/confirm.sql in one PL/pgSQL
-- function, so that it takes one round trip (as the Redis script does) and the hot rows stay
-- locked only for the function's own work and the commit's sync. Called by
-- bench/pg/confirm_call.sql. Raises (STRICT) when no pending box is left or stamps are short.
CREATE OR REPLACE FUNCTION confirm_box(p_station integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_box integer;
    v_po integer;
    v_units integer;
    v_balance bigint;
    v_seq bigint;
BEGIN
    UPDATE box SET status = 1, confirmed_by = 'stamper', station = p_station, confirmed_at = now()
        WHERE id = (SELECT nextval('next_box')) AND status = 0
        RETURNING id, po, units INTO STRICT v_box, v_po, v_units;
    UPDATE region_balance SET balance = balance - v_units, ledger_seq = ledger_seq + 1
        WHERE region = 'FED' AND balance >= v_units
        RETURNING balance, ledger_seq INTO STRICT v_balance, v_seq;
    UPDATE production_order SET boxes_done = boxes_done + 1, stamps_used = stamps_used + v_units
        WHERE id = v_po AND status = 'InProduction';
    INSERT INTO ledger_entry (region, seq, at, kind, quantity, balance_after, po, box, user_name,
                              station, override)
        VALUES ('FED', v_seq, now(), 'USAGE', -v_units, v_balance, v_po, v_box, 'stamper',
                p_station, false);
    RETURN v_seq;
END
$$;
