-- tokens.lua: wrk script sending each request with the next token of the
-- file $BENCH_TOKENS (one per line), so that no token is verified twice.
-- Thread k of n sends tokens k, k+n, k+2n, ...; a thread that runs out
-- starts over, and done() reports how many requests reused a token.
-- The method, body and headers: post.lua's (wrk runs from the repository root).
--
-- The request is formatted once, around a placeholder token, and each
-- request joins the two halves and a token: calling wrk.format() per
-- request cost wrk about 5 us more per request than this on the bench
-- machine, CPU the other rows' static requests do not spend.
dofile("tests/bench/post.lua")

local threads = {}
local counter = 0

function setup(thread)
	thread:set("tid", counter)
	counter = counter + 1
	table.insert(threads, thread)
end

function init(args)
	nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
	tokens = {}
	local i = 0
	for line in io.lines(os.getenv("BENCH_TOKENS")) do
		if i % nthreads == tid then
			table.insert(tokens, line)
		end
		i = i + 1
	end
	wrk.headers["Authorization"] = "Bearer \0"
	local r = wrk.format()
	local at = string.find(r, "\0", 1, true)
	head, tail = string.sub(r, 1, at - 1), string.sub(r, at + 1)
	next_i = 1
	reused = 0
end

function request()
	if next_i > #tokens then
		next_i = 1
	end
	if wrapped then
		reused = reused + 1
	end
	local t = tokens[next_i]
	next_i = next_i + 1
	if next_i > #tokens then
		wrapped = true
	end
	return head .. t .. tail
end

function done(summary, latency, requests)
	local r = 0
	for _, t in ipairs(threads) do
		r = r + (t:get("reused") or 0)
	end
	io.write(string.format("reused tokens: %d\n", r))
end
