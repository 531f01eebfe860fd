-- Counts one request against several budgets at once (the generic cell rate algorithm): it is
-- let in only if every budget has room, and then charged to all of them, atomically, so api
-- instances sharing this Redis share each budget exactly.
--
-- Each budget keeps one value, its "theoretical arrival time": the moment (in microseconds, on
-- Redis's own clock) at which it would be completely refilled. A request moves it forward by
-- the budget's emission interval (window / quota); it fits while that stays within one window
-- from now.
--
-- KEYS[i]            the budget's key
-- ARGV[2i-1], ARGV[2i] its emission interval and its window, in microseconds
-- Returns {admitted (1/0), microseconds until it would fit (0 when admitted), then per budget
--          either (requests still allowed, microseconds until full again) or, for a budget
--          that refused, (-1, microseconds until it has room)}. A refused request is charged
--          to none of them.
redis.replicate_commands()
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local answer = {1, 0}
local arrivals = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then
    tat = now
  end
  local arrival = tat + interval
  local over = arrival - now - window
  if over > 0 then
    answer[1] = 0
    if over > answer[2] then
      answer[2] = over
    end
    answer[1 + 2 * i] = -1
    answer[2 + 2 * i] = over
  else
    arrivals[i] = arrival
    answer[1 + 2 * i] = math.floor((window - (arrival - now)) / interval)
    answer[2 + 2 * i] = arrival - now
  end
end
if answer[1] == 1 then
  for i, key in ipairs(KEYS) do
    local ttl = math.ceil((arrivals[i] - now) / 1000) + 1000
    redis.call('SET', key, string.format('%d', arrivals[i]), 'PX', string.format('%d', ttl))
  end
end
return answer
