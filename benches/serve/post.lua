-- wrk: POST the body in $BODY_FILE to the URL's path on every request.
-- With DELAY_MS set, each connection waits that long between requests,
-- which (with a chosen connection count) paces the load below the peak.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
if delay_ms > 0 then
  function delay() return delay_ms end
end
