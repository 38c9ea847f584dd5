-- bench/redis/populate.lua: boxes ARGV[1] .. ARGV[2], pending, 10 units each, in POs of 100,000,
-- and the Federal stamps for them added to the region's balance. Called in chunks (bench/run:
-- 100,000 boxes a call, as the run needs them) so that no single script blocks for long.
local first, last = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('SETNX', 'next_box', 0)
redis.call('HSETNX', 'region:FED', 'ledger_seq', 0)
redis.call('HINCRBY', 'region:FED', 'balance', 10 * (last - first + 1))
for po = 1 + math.floor((first - 1) / 100000), 1 + math.floor((last - 1) / 100000) do
  redis.call('HSETNX', 'po:' .. po, 'status', 'InProduction')
end
for i = first, last do
  redis.call('HSET', 'box:' .. i, 'barcode', string.format('BOX-%010d', i), 'po',
    1 + math.floor((i - 1) / 100000), 'units', 10, 'status', 'pending')
end
return last
