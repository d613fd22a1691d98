-- Reads, votes and posts against yoron or Isso, mixed in given proportions.
--
-- Arguments (after wrk's "--"), key=value, keys may repeat:
--   system=yoron|isso
--   mix=READ,VOTE,POST       shares of each kind, e.g. 0.90,0.08,0.02 or 0,1,0
--   read=PATH                a path to GET; "%d" is replaced by a number from read_ids
--   read_ids=LOW-HIGH
--   vote_ids=LOW-HIGH        comment ids to vote on (a range; repeat for several)
--   post=THREAD              yoron: thread id; isso: thread uri
--   tokens=FILE              yoron: device tokens, one per line (distinct voters)
local common = require "common"

local system, mix, reads, read_ids, vote_ranges, posts, tokens

local BODIES = {
  "I think the council got *this* one right, for once.",
  "> The repairs are expected to take two years\\n\\nTwo years is optimistic. See "
    .. "[the last report](https://example.org/reports/2019) for how it went then.",
  "Does anyone know whether the **ferry** will be free during the closure? "
    .. "https://example.org/ferry has nothing on it yet.",
  "Good article. The part about the shops on *Quay Street* is what worries me most.",
}
local NAMES = { "Mara L.", "Tomasz", "Dev Anand", "Hélène R.", "Kenji", "Priya", "Sam O.", "Ruth A." }

function init(args)
  common.seed()
  local opts = common.parse_args(args)
  system = opts.system[1]
  mix = {}
  for share in opts.mix[1]:gmatch("[^,]+") do table.insert(mix, tonumber(share)) end
  reads = opts.read or {}
  read_ids = opts.read_ids and common.range(opts.read_ids[1])
  vote_ranges = {}
  for _, spec in ipairs(opts.vote_ids or {}) do table.insert(vote_ranges, common.range(spec)) end
  posts = opts.post or {}
  tokens = opts.tokens and common.read_lines(opts.tokens[1]) or {}
end

local function random_address()
  -- Readers come from many networks, as on a news site: wrk connects from 127.0.0.1, which
  -- both systems trust as a proxy. Distinct /24s, because Isso tells voters apart by their
  -- /24 and yoron rate-limits votes per network.
  return string.format("10.%d.%d.7", math.random(0, 255), math.random(0, 255))
end

local function read_request()
  local path = common.pick(reads)
  if read_ids and path:find("%%d") then
    path = string.format(path, math.random(read_ids[1], read_ids[2]))
  end
  return wrk.format("GET", path)
end

local function vote_request()
  local range = common.pick(vote_ranges)
  local id = math.random(range[1], range[2])
  local up = math.random() < 0.75
  local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = random_address() }
  if system == "yoron" then
    headers["X-Yoron-Device"] = common.pick(tokens)
    return wrk.format("PUT", "/api/v1/comments/" .. id .. "/vote", headers, up and '{"value": 1}' or '{"value": -1}')
  end
  return wrk.format("POST", "/id/" .. id .. (up and "/like" or "/dislike"), headers, "")
end

local function post_request()
  local body = common.pick(BODIES) .. " (" .. math.random(1, 1000000) .. ")"
  local name = common.pick(NAMES)
  local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = random_address() }
  if system == "yoron" then
    headers["X-Yoron-Device"] = common.pick(tokens)
    local payload = '{"body": "' .. body .. '", "author_name": "' .. name .. '"}'
    return wrk.format("POST", "/api/v1/threads/" .. common.pick(posts) .. "/comments", headers, payload)
  end
  local payload = '{"text": "' .. body .. '", "author": "' .. name .. '"}'
  return wrk.format("POST", "/new?uri=" .. common.pick(posts), headers, payload)
end

function request()
  local roll = math.random()
  if roll < mix[1] then
    return read_request()
  elseif roll < mix[1] + mix[2] then
    return vote_request()
  end
  return post_request()
end
