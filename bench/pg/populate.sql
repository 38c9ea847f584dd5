-- bench/pg/populate.sql: :boxes pending boxes of 10 units in POs of 100,000, and enough Federal
-- stamps for all of them. psql -v boxes=N -f populate.sql
INSERT INTO region_balance VALUES ('FED', 10::bigint * :boxes, 0);
INSERT INTO production_order (id, status)
    SELECT po, 'InProduction' FROM generate_series(1, (:boxes + 99999) / 100000) AS po;
INSERT INTO box (id, barcode, po, units)
    SELECT i, 'BOX-' || lpad(i::text, 10, '0'), 1 + (i - 1) / 100000, 10
    FROM generate_series(1, :boxes) AS i;
VACUUM ANALYZE;
CHECKPOINT;
