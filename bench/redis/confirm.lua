-- bench/redis/confirm.lua: one box confirmation in one script (EVALSHA), the same steps as
-- stampd's confirm_box and bench/pg/confirm.sql: take the next pending box (stands in for the
-- barcode the scanner reads), refuse if it is not pending or the region is short of stamps,
-- mark it confirmed, deduct its stamps from the region's balance, count it on its PO, append
-- the ledger entry. ARGV[1] = station. With appendfsync always, the reply leaves only after the
-- script's writes are in the AOF and fsynced.
local id = redis.call('INCR', 'next_box')
local key = 'box:' .. id
local box = redis.call('HMGET', key, 'status', 'po', 'units')
if box[1] ~= 'pending' then
  return redis.error_reply('BOX_NOT_PENDING ' .. id)
end
local units = tonumber(box[3])
local balance = tonumber(redis.call('HGET', 'region:FED', 'balance'))
if balance < units then
  return redis.error_reply('INSUFFICIENT_STAMPS ' .. balance)
end
balance = redis.call('HINCRBY', 'region:FED', 'balance', -units)
local seq = redis.call('HINCRBY', 'region:FED', 'ledger_seq', 1)
local t = redis.call('TIME')
redis.call('HSET', key, 'status', 'confirmed', 'by', 'stamper', 'station', ARGV[1], 'at', t[1])
redis.call('HINCRBY', 'po:' .. box[2], 'boxes_done', 1)
redis.call('HINCRBY', 'po:' .. box[2], 'stamps_used', units)
redis.call('RPUSH', 'ledger:FED', table.concat({seq, t[1] .. '.' .. t[2], 'USAGE', -units,
  balance, box[2], id, 'stamper', ARGV[1], '0'}, '|'))
return seq
