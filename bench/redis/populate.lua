-- bench/redis/populate.lua: boxes ARGV[1] .. ARGV[2], pending, 10 units, POs of 100,000; with
-- ARGV[3] = total boxes, the region's balance and the POs on the first call (ARGV[1] = 1).
-- Called in chunks so that no single script blocks the server for long.
local first, last = tonumber(ARGV[1]), tonumber(ARGV[2])
if first == 1 then
  local total = tonumber(ARGV[3])
  redis.call('HSET', 'region:FED', 'balance', 10 * total, 'ledger_seq', 0)
  redis.call('SET', 'next_box', 0)
  for po = 1, math.floor((total + 99999) / 100000) do
    redis.call('HSET', 'po:' .. po, 'status', 'InProduction', 'boxes_done', 0, 'stamps_used', 0)
  end
end
for i = first, last do
  redis.call('HSET', 'box:' .. i, 'barcode', string.format('BOX-%010d', i), 'po',
    1 + math.floor((i - 1) / 100000), 'units', 10, 'status', 'pending')
end
return last
