-- wrk script of the host benchmark: every request is the seed's handoff/action carrying the next
-- token of HK_TOKENS (one per line), so each 200 is a real redemption. Threads take alternate
-- lines (thread i of HK_THREADS: lines i, i+T, …); HK_BODY is the activity with @@TOKEN@@ where
-- the token goes. The request head is built once, so wrk spends as little as it can per request
-- (it shares the cores with the host it measures).
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local nthreads = tonumber(os.getenv("HK_THREADS"))
  mine, i = {}, 0
  local n = 0
  for line in io.lines(os.getenv("HK_TOKENS")) do
    if n % nthreads == tid then mine[#mine + 1] = line end
    n = n + 1
  end
  local f = io.open(os.getenv("HK_BODY"))
  local body = f:read("*a")
  f:close()
  local at = body:find("@@TOKEN@@", 1, true)
  prefix, suffix = body:sub(1, at - 1), body:sub(at + 9)
  head = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
    "\r\nContent-Type: application/json\r\nContent-Length: "
end

function request()
  i = i + 1
  if i > #mine then i = 1 end -- out of tokens: replays (409s, counted as non-2xx)
  local token = mine[i]
  return head .. (#prefix + #token + #suffix) .. "\r\n\r\n" .. prefix .. token .. suffix
end
