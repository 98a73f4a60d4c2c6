-- wrk script for the mock and Prism benchmarks (benchmarks/_load.py builds the arguments).
-- wrk ... -s load.lua URL -- OP AUTHORIZATION CUSTOMER_ID COUNT TAG
--   get:    GET /customers/CUSTOMER_ID, or with COUNT > 1 a random one of
--           CUSTOMER_ID00000000 .. CUSTOMER_ID(COUNT-1), zero-padded to 8 digits
--   update: POST to the same customer path, with a new first_name each time
--   create: POST /customers with a new object_reference_id TAG_THREAD_N each time
-- Mirrors request_for() in _load.py, the Python generator used where wrk is missing.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  op, ident, count, tag = args[1], args[3], tonumber(args[4]), args[5]
  form = { ["Authorization"] = args[2], ["Content-Type"] = "application/x-www-form-urlencoded" }
  plain = { ["Authorization"] = args[2] }
  n = 0
  math.randomseed(tid)
end

function request()
  n = n + 1
  if op == "create" then
    local body = "object_reference_id=" .. tag .. "_" .. tid .. "_" .. n
      .. "&mobile_number=9988776655"
    return wrk.format("POST", "/customers", form, body)
  end
  local id = ident
  if count > 1 then
    id = ident .. string.format("%08d", math.random(0, count - 1))
  end
  if op == "update" then
    return wrk.format("POST", "/customers/" .. id, form, "first_name=Bench" .. n)
  end
  return wrk.format("GET", "/customers/" .. id, plain)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%f,"non2xx":%d,"errors":%d,"p50_ms":%f,"p99_ms":%f}\n',
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
