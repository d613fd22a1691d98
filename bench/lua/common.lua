-- Shared by the wrk scripts: key=value arguments, small helpers, and a summary
-- printed as one JSON line (BENCH_RESULT {...}) that bench/load.py parses.
local common = {}

-- "key=value" arguments; a key may repeat, so every value list is a table.
function common.parse_args(args)
  local opts = {}
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key then
      opts[key] = opts[key] or {}
      table.insert(opts[key], value)
    end
  end
  return opts
end

function common.read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(lines, line) end
  end
  return lines
end

-- "12-340" -> {12, 340}
function common.range(spec)
  local low, high = spec:match("^(%d+)-(%d+)$")
  return { tonumber(low), tonumber(high) }
end

function common.pick(list)
  return list[math.random(#list)]
end

-- Each wrk thread seeds its own generator differently.
local next_thread = 1
function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
end

function common.seed()
  math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end

return common
