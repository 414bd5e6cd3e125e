-- wrk script for the rush bench: replays a request list and counts answers by kind.
--
--   WRK_OUT=OUT wrk -t T -c C -d D --latency -s requests.lua URL -- LIST T
--
-- LIST has one request a line, `METHOD PATH TOKEN` (TOKEN `-`: no Authorization header).
-- Thread i of T takes the i-th contiguous block of the list, so requests that stand next to
-- each other in the list (an impatient double tap) are in flight at the same moment on
-- different connections. A thread that runs off the end of its block starts again at its
-- beginning and counts a wrap. OUT (the file named by $WRK_OUT) receives a JSON summary:
-- wrk's own figures, latency percentiles, and answers counted as "HTTP-status:kind", where
-- kind is the JSON "status" of a registration (confirmed, waitlisted) or the "code" of an
-- error (full, already_registered, ...).

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local list, nthreads = args[1], tonumber(args[2])
  local all = {}
  for line in io.lines(list) do
    if #line > 0 then all[#all + 1] = line end
  end
  local n = #all
  local lo, hi = 1, n
  if n >= nthreads then
    lo = math.floor((id - 1) * n / nthreads) + 1
    hi = math.floor(id * n / nthreads)
  end
  reqs = {}
  for i = lo, hi do
    local method, path, token = all[i]:match("^(%S+) (%S+) (%S+)$")
    local headers = {}
    local body = nil
    if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
    if method == "POST" then
      headers["Content-Type"] = "application/json"
      body = "{}"
    end
    reqs[#reqs + 1] = wrk.format(method, path, headers, body)
  end
  idx = 0
  wraps = 0
  sent = 0
  answers = {}
end

function request()
  idx = idx + 1
  if idx > #reqs then
    idx = 1
    wraps = wraps + 1
  end
  sent = sent + 1
  return reqs[idx]
end

function response(status, headers, body)
  local kind = ""
  if body then
    kind = body:match('"status"%s*:%s*"(%w+)"') or body:match('"code"%s*:%s*"([%w_]+)"') or ""
  end
  local key = status .. ":" .. kind
  answers[key] = (answers[key] or 0) + 1
end

local function json_string(s)
  return '"' .. tostring(s):gsub('[%c"\\]', "") .. '"'
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("WRK_OUT") or "/dev/stdout", "w")
  local merged, wrapped, sent_total, consumed = {}, 0, 0, {}
  for i, thread in ipairs(threads) do
    local a = thread:get("answers")
    for k, v in pairs(a) do merged[k] = (merged[k] or 0) + v end
    wrapped = wrapped + thread:get("wraps")
    sent_total = sent_total + thread:get("sent")
    consumed[#consumed + 1] = thread:get("idx")
  end
  local parts = {}
  for k, v in pairs(merged) do parts[#parts + 1] = json_string(k) .. ":" .. v end
  local pct = {}
  for _, p in ipairs({ 50, 75, 90, 95, 99, 99.9 }) do
    pct[#pct + 1] = json_string(p) .. ":" .. latency:percentile(p)
  end
  local e = summary.errors
  out:write("{")
  out:write('"duration_us":' .. summary.duration .. ",")
  out:write('"requests":' .. summary.requests .. ",")
  out:write('"bytes":' .. summary.bytes .. ",")
  out:write('"errors":{"connect":' .. e.connect .. ',"read":' .. e.read .. ',"write":' .. e.write
    .. ',"status":' .. e.status .. ',"timeout":' .. e.timeout .. "},")
  out:write('"latency_us":{"min":' .. latency.min .. ',"max":' .. latency.max .. ',"mean":' .. latency.mean
    .. ',"stdev":' .. latency.stdev .. ',"percentiles":{' .. table.concat(pct, ",") .. "}},")
  out:write('"answers":{' .. table.concat(parts, ",") .. "},")
  out:write('"wraps":' .. wrapped .. ',"sent":' .. sent_total .. ',"consumed":[' .. table.concat(consumed, ",") .. "]")
  out:write("}\n")
  out:close()
end
