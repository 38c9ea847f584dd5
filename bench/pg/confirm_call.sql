-- bench/pg/confirm_call.sql: one confirmation as one call of confirm_box (bench/pg/confirm_box.sql):
-- one statement, one transaction, one round trip (pgbench script).
SELECT confirm_box(:client_id);
