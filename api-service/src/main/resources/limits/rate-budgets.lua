-- Counts n requests that carry the same budgets against all of those budgets at once (the
-- generic cell rate algorithm), exactly as n calls one after the other would: a request is let
-- in only if every budget has room, and then charged to all of them; a refused one is charged
-- to none. Atomic, so api instances sharing this Redis share each budget exactly.
--
-- Each budget keeps one value, its "theoretical arrival time": the moment (in microseconds, on
-- Redis's own clock) at which it would be completely refilled. A request moves it forward by
-- the budget's emission interval (window / quota); it fits while that stays within one window
-- from now. So a budget whose arrival time lies b microseconds ahead has room for
-- floor((window - b) / interval) more requests, and the first that many of the n get in.
--
-- KEYS[i]                the budget's key
-- ARGV[1]                n, how many requests are counted
-- ARGV[2i], ARGV[2i+1]   the budget's emission interval and its window, in microseconds
-- Returns {how many of the n were let in, then per budget its backlog before this call: the
--          microseconds until it would have been completely refilled}. Everything a caller
--          tells its requests (what remains, when it is full, how long a refused one waits)
--          follows from those.
redis.replicate_commands()
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local admitted = tonumber(ARGV[1])
local backlogs = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then
    tat = now
  end
  local backlog = tat - now
  backlogs[i] = backlog
  local room = math.floor((window - backlog) / interval)
  if room < admitted then
    admitted = math.max(room, 0)
  end
end
if admitted > 0 then
  for i, key in ipairs(KEYS) do
    local ahead = backlogs[i] + admitted * tonumber(ARGV[2 * i])
    local ttl = math.ceil(ahead / 1000) + 1000
    redis.call('SET', key, string.format('%d', now + ahead), 'PX', string.format('%d', ttl))
  end
end
local answer = {admitted}
for i = 1, #KEYS do
  answer[i + 1] = backlogs[i]
end
return answer
