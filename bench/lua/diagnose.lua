-- The scenario (or a plain GET) again, counting responses by status and keeping one body
-- per status. The harness runs it briefly only when a measurement saw non-2xx responses:
-- parsing every response costs wrk time, so measured runs do without it.
local common = require "common"
if os.getenv("BENCH_SCENARIO") == "1" then
  dofile("scenario.lua")
end

local threads = {}
local common_setup = setup
function setup(thread)
  common_setup(thread)
  table.insert(threads, thread)
end

statuses = {}
samples = {}

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status >= 300 and samples[key] == nil then
    samples[key] = body:sub(1, 300)
  end
end

function done(summary, latency, requests)
  local counts, bodies = {}, {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("statuses")) do counts[key] = (counts[key] or 0) + count end
    for key, body in pairs(thread:get("samples")) do bodies[key] = bodies[key] or body end
  end
  for key, count in pairs(counts) do
    local body = (bodies[key] or ""):gsub("%s+", " ")
    io.write("BENCH_STATUS ", key, " x", count, " ", body, "\n")
  end
end
