-- post.lua: wrk script; the body and headers come from the environment.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
for k, v in string.gmatch(os.getenv("BENCH_HEADERS") or "", "([^:|]+):%s*([^|]+)") do
	wrk.headers[k] = v
end
